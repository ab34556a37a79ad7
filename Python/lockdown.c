/* Lockdown: the interpreter side of lockdownlib, its core.
 *
 * The flag lives in PyInterpreterState so that each interpreter is locked on
 * its own; see Include/internal/pycore_lockdown.h for the guards.  This file
 * holds the switch itself, the refusal and what hides addresses and thread
 * ids; the other mechanisms change at their own pace, in files of their
 * own: lockdown_paths.c (hiding file-system paths), lockdown_audit.c (the
 * audit deny layer) and lockdown_kernel.c (the kernel layer). */

#include "Python.h"
#include "pycore_lockdown.h"
#include "lockdown_safe_modules.h" // _Py_lockdown_safe_modules
#include "pycore_pylifecycle.h"   // _PyOS_URandom()
#include "pycore_pystate.h"       // _PyEval_StopTheWorld()
#include "pycore_unicodeobject.h" // _PyUnicode_InternImmortal()

#define LOCKDOWN_MESSAGE "lockdown is enabled"

PyDoc_STRVAR(lockdown_error_doc,
"Raised by an operation that lockdownlib.lockdown() forbids.\n\
\n\
The message is always 'lockdown is enabled'.  The attribute 'operation'\n\
names what was refused (such as 'os.listdir') and 'kind' says what it\n\
would have touched: 'file system', 'process', 'network', 'OS state',\n\
'import', 'interpreter', 'interpreters', 'code', 'native code' or\n\
'host identity'.\n\
A refused import raises LockdownImportError, which is also an\n\
ImportError.");

static const char * const kind_names[] = {
    [_Py_LOCKDOWN_FILESYSTEM] = "file system",
    [_Py_LOCKDOWN_PROCESS] = "process",
    [_Py_LOCKDOWN_NETWORK] = "network",
    [_Py_LOCKDOWN_OS_STATE] = "OS state",
    [_Py_LOCKDOWN_IMPORT] = "import",
    [_Py_LOCKDOWN_INTERPRETER] = "interpreter",
    [_Py_LOCKDOWN_INTERPRETERS] = "interpreters",
    [_Py_LOCKDOWN_CODE] = "code",
    [_Py_LOCKDOWN_NATIVE] = "native code",
    [_Py_LOCKDOWN_IDENTITY] = "host identity",
};

/* lockdownlib.SAFE_MODULES is _Py_lockdown_safe_modules: the modules of
   the inventory (Lib/test/lockdown_inventory.json), written into
   lockdown_safe_modules.h by Tools/lockdown/inventory.py. */

PyObject *
_PyLockdown_GetSafeModules(void)
{
    PyObject *names = PyFrozenSet_New(NULL);
    if (names == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(_Py_lockdown_safe_modules); i++) {
        const char *safe = _Py_lockdown_safe_modules[i];
        PyObject *name = PyUnicode_InternFromString(safe);
        if (name == NULL || PySet_Add(names, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
    }
    return names;
}

static int
compare_module_names(const void *key, const void *entry)
{
    return strcmp((const char *)key, *(const char * const *)entry);
}

/* The table is sorted by strcmp (Tools/lockdown/inventory.py writes it). */
int
_PyLockdown_IsSafeModuleName(const char *name)
{
    return bsearch(name, _Py_lockdown_safe_modules,
                   Py_ARRAY_LENGTH(_Py_lockdown_safe_modules),
                   sizeof(_Py_lockdown_safe_modules[0]),
                   compare_module_names) != NULL;
}

int
_PyLockdown_IsSafeModule(PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        return 0;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL) {
        PyErr_Clear();
        return 0;
    }
    return _PyLockdown_IsSafeModuleName(utf8);
}

const char *
_PyLockdown_KindName(_Py_LockdownKind kind)
{
    if ((size_t)kind < Py_ARRAY_LENGTH(kind_names)) {
        return kind_names[kind];
    }
    return "unknown";
}

PyDoc_STRVAR(lockdown_import_error_doc,
"The LockdownError of a refused import: also a ModuleNotFoundError, so that\n\
code written to do without an optional module keeps working once locked.");

static PyObject *
new_frozen_exception(const char *name, const char *doc, PyObject *bases,
                     PyObject *dict)
{
    PyObject *type = PyErr_NewExceptionWithDoc(name, doc, bases, dict);
    if (type == NULL) {
        return NULL;
    }
    /* Guest code must not be able to change how refusals are raised
       (by replacing __new__ or __init__, say), so freeze the class. */
    ((PyTypeObject *)type)->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
    PyType_Modified((PyTypeObject *)type);
    return type;
}

/* Create both error types of INTERP; 0 on success, -1 with an exception. */
static int
init_error_types(PyInterpreterState *interp)
{
    if (interp->lockdown.import_error_type != NULL) {
        return 0;
    }
    PyObject *dict = Py_BuildValue("{sOsO}", "operation", Py_None,
                                   "kind", Py_None);
    if (dict == NULL) {
        return -1;
    }
    PyObject *error = new_frozen_exception(
        "lockdownlib.LockdownError", lockdown_error_doc,
        PyExc_RuntimeError, dict);
    Py_DECREF(dict);
    if (error == NULL) {
        return -1;
    }
    PyObject *bases = PyTuple_Pack(2, error, PyExc_ModuleNotFoundError);
    if (bases == NULL) {
        Py_DECREF(error);
        return -1;
    }
    PyObject *import_error = new_frozen_exception(
        "lockdownlib.LockdownImportError", lockdown_import_error_doc,
        bases, NULL);
    Py_DECREF(bases);
    if (import_error == NULL) {
        Py_DECREF(error);
        return -1;
    }
    interp->lockdown.error_type = error;
    interp->lockdown.import_error_type = import_error;
    return 0;
}

PyObject *
_PyLockdown_GetErrorType(PyInterpreterState *interp)
{
    if (init_error_types(interp) < 0) {
        return NULL;
    }
    return interp->lockdown.error_type;
}

PyObject *
_PyLockdown_GetImportErrorType(PyInterpreterState *interp)
{
    if (init_error_types(interp) < 0) {
        return NULL;
    }
    return interp->lockdown.import_error_type;
}

PyObject *
_PyLockdown_Refuse(const char *operation, _Py_LockdownKind kind)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    PyObject *type = kind == _Py_LOCKDOWN_IMPORT
                     ? _PyLockdown_GetImportErrorType(interp)
                     : _PyLockdown_GetErrorType(interp);
    if (type == NULL) {
        return NULL;
    }
    PyObject *exc = PyObject_CallFunction(type, "s", LOCKDOWN_MESSAGE);
    if (exc == NULL) {
        return NULL;
    }
    PyObject *op = PyUnicode_FromString(operation);
    if (op == NULL) {
        goto error;
    }
    int res = PyObject_SetAttrString(exc, "operation", op);
    Py_DECREF(op);
    if (res < 0) {
        goto error;
    }
    PyObject *kind_name = PyUnicode_FromString(_PyLockdown_KindName(kind));
    if (kind_name == NULL) {
        goto error;
    }
    res = PyObject_SetAttrString(exc, "kind", kind_name);
    Py_DECREF(kind_name);
    if (res < 0) {
        goto error;
    }
    PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;

error:
    Py_DECREF(exc);
    return NULL;
}

/* Addresses are hidden behind _Py_Permute48(), keyed per interpreter by
   secrets drawn at lockdown.  A permutation keeps id() unique among live
   objects; an address never changes while its object lives, so neither
   does its id; and ids keep the size of addresses, so code doing
   arithmetic on them costs what it did. */
uint64_t
_PyLockdown_MaskAddress(const void *ptr)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    return _Py_Permute48((uint64_t)(uintptr_t)ptr,
                         interp->lockdown.address_keys,
                         Py_ARRAY_LENGTH(interp->lockdown.address_keys));
}

PyObject *
_PyLockdown_AddressAsLong(const void *ptr)
{
    if (_PyLockdown_IsEnabled()) {
        return PyLong_FromUnsignedLongLong(_PyLockdown_MaskAddress(ptr));
    }
    return PyLong_FromVoidPtr((void *)ptr);
}

/* Linux numbers processes and threads below PID_MAX_LIMIT (2**22).  An id
   in that range is permuted within it (a Feistel network of two 11-bit
   halves) and moved above it: unique, never the id of a real process or
   thread, and still a valid pid_t, so that code that hands os.getpid() or
   a native id to a C function gets a refusal, not an OverflowError. */
#define NATIVE_ID_HALF_BITS 11
#define NATIVE_ID_LIMIT (UINT32_C(1) << (2 * NATIVE_ID_HALF_BITS))

static uint32_t
permute_native_id(uint32_t value, const uint32_t *keys, size_t nkeys)
{
    const uint32_t mask = (UINT32_C(1) << NATIVE_ID_HALF_BITS) - 1;
    uint32_t left = value >> NATIVE_ID_HALF_BITS, right = value & mask;
    for (size_t i = 0; i < nkeys; i++) {
        uint32_t next = left ^ (_Py_Permute48Round(right, keys[i]) & mask);
        left = right;
        right = next;
    }
    return (left << NATIVE_ID_HALF_BITS) | right;
}

uint64_t
_PyLockdown_MaskNativeThreadId(PyInterpreterState *interp,
                               unsigned long native_id)
{
    const uint32_t *keys = interp->lockdown.native_id_keys;
    size_t nkeys = Py_ARRAY_LENGTH(interp->lockdown.native_id_keys);
    if (native_id < NATIVE_ID_LIMIT) {
        return NATIVE_ID_LIMIT
               | permute_native_id((uint32_t)native_id, keys, nkeys);
    }
    return _Py_Permute48(native_id, keys, nkeys);
}

/* The ids threading recorded before lockdown (Thread._native_id of the
   threads in threading._active and threading._limbo; the main thread's is
   the process id) are permuted as _thread.get_native_id() now permutes
   them.  The instance dicts are changed directly, and only int values
   are replaced by ints, so no Python code runs. */
static int
hide_recorded_native_ids(PyInterpreterState *interp)
{
    PyObject *modules = PySys_GetObject("modules");
    if (modules == NULL || !PyDict_Check(modules)) {
        return 0;
    }
    PyObject *threading;
    int found = PyDict_GetItemStringRef(modules, "threading", &threading);
    if (found <= 0) {
        return found;           /* -1: error; 0: threading not imported */
    }
    int res = -1;
    PyObject *key = PyUnicode_InternFromString("_native_id");
    if (key == NULL) {
        goto done;
    }
    if (!PyModule_Check(threading)) {
        res = 0;
        goto done;
    }
    PyObject *globals = PyModule_GetDict(threading);
    static const char * const registries[] = {"_active", "_limbo"};
    for (size_t i = 0; i < Py_ARRAY_LENGTH(registries); i++) {
        PyObject *registry;
        if (PyDict_GetItemStringRef(globals, registries[i], &registry) < 0) {
            goto done;
        }
        if (registry == NULL || !PyDict_Check(registry)) {
            Py_XDECREF(registry);
            continue;
        }
        PyObject *threads = PyDict_Values(registry);
        Py_DECREF(registry);
        if (threads == NULL) {
            goto done;
        }
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(threads); j++) {
            PyObject *thread = PyList_GET_ITEM(threads, j);
            PyObject *dict = PyObject_GenericGetDict(thread, NULL);
            if (dict == NULL) {
                PyErr_Clear();          /* a subclass with __slots__ */
                continue;
            }
            PyObject *value;
            int status = PyDict_GetItemRef(dict, key, &value);
            if (status > 0 && PyLong_CheckExact(value)) {
                unsigned long native_id = PyLong_AsUnsignedLong(value);
                if (native_id == (unsigned long)-1 && PyErr_Occurred()) {
                    PyErr_Clear();      /* not a thread id: leave it */
                }
                else {
                    PyObject *masked = PyLong_FromUnsignedLongLong(
                        _PyLockdown_MaskNativeThreadId(interp, native_id));
                    if (masked == NULL
                        || PyDict_SetItem(dict, key, masked) < 0)
                    {
                        status = -1;
                    }
                    Py_XDECREF(masked);
                }
            }
            Py_XDECREF(value);
            Py_DECREF(dict);
            if (status < 0) {
                Py_DECREF(threads);
                goto done;
            }
        }
        Py_DECREF(threads);
    }
    res = 0;

done:
    Py_XDECREF(key);
    Py_DECREF(threading);
    return res;
}

/* Set once any interpreter of the process locks; never cleared. */
static int any_interpreter_locked = 0;

int
_PyLockdown_AnyLocked(void)
{
    return _Py_atomic_load_int_relaxed(&any_interpreter_locked)
           | _Py_atomic_load_int_relaxed(&_PyLockdown_Sealed.state.locked);
}

int
_PyLockdown_Enable(PyInterpreterState *interp)
{
    /* Create everything a refusal needs first, so that a refusal can never
       fail for want of memory and nothing is half done if this fails. */
    if (_PyLockdown_GetErrorType(interp) == NULL) {
        return -1;
    }
    if (interp->lockdown.hidden_path == NULL) {
        /* Immortal: it outlives the interpreter's last garbage collection,
           so that a finalizer run then still sees "<hidden>", and reading
           it never allocates. */
        PyObject *hidden = PyUnicode_FromString(_Py_LOCKDOWN_HIDDEN_PATH);
        if (hidden == NULL) {
            return -1;
        }
        _PyUnicode_InternImmortal(interp, &hidden);
        interp->lockdown.hidden_path = hidden;
    }
    if (_Py_atomic_load_int(&interp->lockdown.complete)) {
        return 0;
    }
    /* Drawing the keys may let go of the GIL, so they are drawn into
       locals and installed below, once, only if no other thread locked
       the interpreter in between: a lock that is in force must never be
       re-keyed, or id() would change under running code. */
    uint32_t address_keys[Py_ARRAY_LENGTH(interp->lockdown.address_keys)];
    uint32_t native_id_keys[Py_ARRAY_LENGTH(interp->lockdown.native_id_keys)];
    if (!_Py_atomic_load_int(&interp->lockdown.enabled)) {
        if (_PyOS_URandom(address_keys, sizeof(address_keys)) < 0
            || _PyOS_URandom(native_id_keys, sizeof(native_id_keys)) < 0)
        {
            return -1;
        }
    }
    /* With the GIL no other thread runs while we hold it; on free-threaded
       builds, stop them, so that every thread sees the flag and the keys
       together before any of them runs again. */
    _PyEval_StopTheWorld(interp);
    if (!_Py_atomic_load_int_relaxed(&interp->lockdown.enabled)) {
        memcpy(interp->lockdown.address_keys, address_keys,
               sizeof(address_keys));
        memcpy(interp->lockdown.native_id_keys, native_id_keys,
               sizeof(native_id_keys));
        _Py_atomic_store_int_release(&interp->lockdown.enabled, 1);
    }
    _Py_atomic_store_int_release(&any_interpreter_locked, 1);
    /* Nothing here runs Python code or lets go of the GIL: what is
       replaced is kept alive in a list until the end, so no finalizer runs
       before the paths are all gone.  If this fails, the interpreter stays
       locked (lockdown fails closed) and the next call tries again. */
    int res = 0;
    if (!_Py_atomic_load_int_relaxed(&interp->lockdown.complete)) {
        res = _PyLockdown_HidePaths(interp);
        if (res == 0) {
            res = hide_recorded_native_ids(interp);
        }
        if (res == 0) {
            _Py_atomic_store_int_release(&interp->lockdown.complete, 1);
        }
    }
    _PyEval_StartTheWorld(interp);
    return res;
}

void
_PyLockdown_Clear(PyInterpreterState *interp)
{
    /* The flag is left alone: a finalizing interpreter stays locked.  So is
       hidden_path, which is immortal and still read by the last garbage
       collection. */
    Py_CLEAR(interp->lockdown.error_type);
    Py_CLEAR(interp->lockdown.import_error_type);
}
