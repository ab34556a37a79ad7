/* Lockdown: the interpreter side of lockdownlib.
 *
 * The flag lives in PyInterpreterState so that each interpreter is locked on
 * its own; see Include/internal/pycore_lockdown.h for the guard macros. */

#include "Python.h"
#include "pycore_lockdown.h"
#include "pycore_pylifecycle.h"   // _PyOS_URandom()
#include "pycore_pystate.h"       // _PyEval_StopTheWorld()

#define LOCKDOWN_MESSAGE "lockdown is enabled"

PyDoc_STRVAR(lockdown_error_doc,
"Raised by an operation that lockdownlib.lockdown() forbids.\n\
\n\
The message is always 'lockdown is enabled'.  The attribute 'operation'\n\
names what was refused (such as 'os.listdir') and 'kind' says what it\n\
would have touched: 'file system', 'process', 'network', 'OS state',\n\
'import', 'interpreter' or 'code'.  A refused import raises\n\
LockdownImportError, which is also an ImportError.");

static const char * const kind_names[] = {
    [_Py_LOCKDOWN_FILESYSTEM] = "file system",
    [_Py_LOCKDOWN_PROCESS] = "process",
    [_Py_LOCKDOWN_NETWORK] = "network",
    [_Py_LOCKDOWN_OS_STATE] = "OS state",
    [_Py_LOCKDOWN_IMPORT] = "import",
    [_Py_LOCKDOWN_INTERPRETER] = "interpreter",
    [_Py_LOCKDOWN_CODE] = "code",
};

/* Modules a host may import before lockdown() without opening a hole:
   every callable they offer is either harmless or guarded.  Keep sorted. */
static const char * const safe_modules[] = {
    "_bisect",
    "_heapq",
    "_io",
    "_operator",
    "bisect",
    "builtins",
    "cmath",
    "heapq",
    "io",
    "itertools",
    "lockdownlib",
    "math",
    "operator",
};

PyObject *
_PyLockdown_GetSafeModules(void)
{
    PyObject *names = PyFrozenSet_New(NULL);
    if (names == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(safe_modules); i++) {
        PyObject *name = PyUnicode_InternFromString(safe_modules[i]);
        if (name == NULL || PySet_Add(names, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
    }
    return names;
}

int
_PyLockdown_IsSafeModule(PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        return 0;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(safe_modules); i++) {
        if (PyUnicode_CompareWithASCIIString(name, safe_modules[i]) == 0) {
            return 1;
        }
    }
    return 0;
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
"The LockdownError of a refused import: also an ImportError, so that code\n\
written to do without an optional module keeps working once locked.");

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
    PyObject *bases = PyTuple_Pack(2, error, PyExc_ImportError);
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

/* Addresses are hidden behind a keyed permutation of 64-bit values: a
   Feistel network of 32-bit halves whose round function mixes with
   multiplications and shifts (not XOR alone, so that it is not linear),
   keyed per interpreter by secrets drawn at lockdown.  A permutation keeps
   id() unique among live objects; an address never changes while its
   object lives, so neither does its id.  This is an obfuscation with a
   256-bit key, not a vetted block cipher. */
static inline uint32_t
address_round(uint32_t x, uint32_t key)
{
    x ^= key;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

uint64_t
_PyLockdown_MaskAddress(const void *ptr)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    uint64_t value = (uint64_t)(uintptr_t)ptr;
    uint32_t left = (uint32_t)(value >> 32);
    uint32_t right = (uint32_t)value;
    for (size_t i = 0; i < Py_ARRAY_LENGTH(interp->lockdown.address_keys); i++) {
        uint32_t next = left ^ address_round(right,
                                             interp->lockdown.address_keys[i]);
        left = right;
        right = next;
    }
    return ((uint64_t)left << 32) | right;
}

int
_PyLockdown_Enable(PyInterpreterState *interp)
{
    /* Create everything a refusal needs first, so that a refusal can never
       fail for want of memory and nothing is half done if this fails. */
    if (_PyLockdown_GetErrorType(interp) == NULL) {
        return -1;
    }
    if (!_PyLockdown_IsEnabledFor(interp)
        && _PyOS_URandom(interp->lockdown.address_keys,
                         sizeof(interp->lockdown.address_keys)) < 0)
    {
        return -1;
    }
    /* With the GIL no other thread runs while we hold it; on free-threaded
       builds, stop them, so that every thread sees the flag before any of
       them runs again. */
    _PyEval_StopTheWorld(interp);
    _Py_atomic_store_int_release(&interp->lockdown.enabled, 1);
    _PyEval_StartTheWorld(interp);
    return 0;
}

void
_PyLockdown_Clear(PyInterpreterState *interp)
{
    /* The flag is left alone: a finalizing interpreter stays locked. */
    Py_CLEAR(interp->lockdown.error_type);
    Py_CLEAR(interp->lockdown.import_error_type);
}
