/* Lockdown: the interpreter side of lockdownlib.
 *
 * The flag lives in PyInterpreterState so that each interpreter is locked on
 * its own; see Include/internal/pycore_lockdown.h for the guard macros. */

#include "Python.h"
#include "pycore_lockdown.h"
#include "pycore_lockdown_safe.h"   // _Py_lockdown_safe_modules
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
'import', 'interpreter', 'code', 'native code' or 'host identity'.\n\
A refused import raises LockdownImportError, which is also an\n\
ImportError.");

static const char * const kind_names[] = {
    [_Py_LOCKDOWN_FILESYSTEM] = "file system",
    [_Py_LOCKDOWN_PROCESS] = "process",
    [_Py_LOCKDOWN_NETWORK] = "network",
    [_Py_LOCKDOWN_OS_STATE] = "OS state",
    [_Py_LOCKDOWN_IMPORT] = "import",
    [_Py_LOCKDOWN_INTERPRETER] = "interpreter",
    [_Py_LOCKDOWN_CODE] = "code",
    [_Py_LOCKDOWN_NATIVE] = "native code",
    [_Py_LOCKDOWN_IDENTITY] = "host identity",
};

/* lockdownlib.SAFE_MODULES is _Py_lockdown_safe_modules: the modules of
   the inventory (Lib/test/lockdown_inventory.json), written into
   pycore_lockdown_safe.h by Tools/lockdown/inventory.py. */

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

int
_PyLockdown_IsSafeModule(PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        return 0;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(_Py_lockdown_safe_modules); i++) {
        const char *safe = _Py_lockdown_safe_modules[i];
        if (PyUnicode_CompareWithASCIIString(name, safe) == 0) {
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

/* Hiding file-system paths.  Once locked, code must not learn where the
   interpreter, its modules or its host's files are.  The file names of
   code objects are hidden where they are read (_PyLockdown_CodeFilename());
   the paths the interpreter keeps in Python objects (sys, module
   attributes, specs, loaders, caches, the environment) are replaced by
   _Py_LOCKDOWN_HIDDEN_PATH when lockdown() locks. */

PyObject *
_PyLockdown_CodeFilename(PyObject *filename)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    if (!_PyLockdown_IsEnabledFor(interp)
        || interp->lockdown.hidden_path == NULL
        || !PyUnicode_Check(filename)
        || PyUnicode_READ_CHAR(filename, 0) == '<')  /* "<string>", ... */
    {
        return filename;
    }
    return interp->lockdown.hidden_path;
}

static int
is_path(PyObject *value)
{
    return PyUnicode_Check(value) && PyUnicode_GET_LENGTH(value) > 0
           && PyUnicode_FindChar(value, '/', 0, PyUnicode_GET_LENGTH(value),
                                 1) >= 0;
}

/* The keys hide_paths() looks up, interned once per call: looking them up
   by C string would make a new string each time, and lockdown() must stay
   fast with hundreds of modules. */
enum {
    KEY_FILE, KEY_CACHED, KEY_PATH, KEY_SPEC, KEY_LOADER, KEY_ORIGIN,
    KEY_SPEC_CACHED, KEY_LOCATIONS, KEY_LOADER_STATE, KEY_FILENAME,
    KEY_LOADER_PATH, KEY_LOADER_NSPATH, KEY_ARCHIVE, KEY_PREFIX, KEY_CACHE,
    KEY_ZIP_CACHE, KEY_ENVIRON, KEY_DATA, KEY_COUNT
};

static const char * const key_names[KEY_COUNT] = {
    [KEY_FILE] = "__file__", [KEY_CACHED] = "__cached__",
    [KEY_PATH] = "__path__", [KEY_SPEC] = "__spec__",
    [KEY_LOADER] = "__loader__", [KEY_ORIGIN] = "origin",
    [KEY_SPEC_CACHED] = "_cached",
    [KEY_LOCATIONS] = "submodule_search_locations",
    [KEY_LOADER_STATE] = "loader_state", [KEY_FILENAME] = "filename",
    [KEY_LOADER_PATH] = "path", [KEY_LOADER_NSPATH] = "_path",
    [KEY_ARCHIVE] = "archive", [KEY_PREFIX] = "prefix",
    [KEY_CACHE] = "cache", [KEY_ZIP_CACHE] = "_zip_directory_cache",
    [KEY_ENVIRON] = "environ", [KEY_DATA] = "_data",
};

/* Replace D[KEY] by HIDDEN if it is a path. */
static int
hide_item(PyObject *d, PyObject *key, PyObject *hidden)
{
    PyObject *value;
    if (PyDict_GetItemRef(d, key, &value) < 0) {
        return -1;
    }
    int res = 0;
    if (value != NULL && is_path(value)) {
        res = PyDict_SetItem(d, key, hidden);
    }
    Py_XDECREF(value);
    return res;
}

/* Replace D[KEY] by [HIDDEN] if it is a list of paths (or a path-like
   container such as a namespace package's _NamespacePath). */
static int
hide_path_list(PyObject *d, PyObject *key, PyObject *hidden)
{
    PyObject *value;
    if (PyDict_GetItemRef(d, key, &value) < 0) {
        return -1;
    }
    int res = 0;
    if (value != NULL && value != Py_None && !PyUnicode_Check(value)) {
        PyObject *list = PyList_New(1);
        if (list == NULL) {
            res = -1;
        }
        else {
            PyList_SET_ITEM(list, 0, Py_NewRef(hidden));
            res = PyDict_SetItem(d, key, list);
            Py_DECREF(list);
        }
    }
    Py_XDECREF(value);
    return res;
}

/* Empty D[KEY] (a dict) in place; what it held goes to GRAVEYARD, so that
   no finalizer runs before lockdown() is done. */
static int
empty_dict_item(PyObject *d, PyObject *key, PyObject *graveyard)
{
    PyObject *value;
    if (PyDict_GetItemRef(d, key, &value) < 0) {
        return -1;
    }
    int res = 0;
    if (value != NULL && PyDict_Check(value)) {
        PyObject *copy = PyDict_Copy(value);
        if (copy == NULL || PyList_Append(graveyard, copy) < 0) {
            res = -1;
        }
        else {
            PyDict_Clear(value);
        }
        Py_XDECREF(copy);
    }
    Py_XDECREF(value);
    return res;
}

/* The instance dict of OBJ (a new reference), or NULL without an error. */
static PyObject *
instance_dict(PyObject *obj)
{
    if (obj == NULL || obj == Py_None || PyType_Check(obj)
        || Py_TYPE(obj)->tp_dictoffset == 0)
    {
        return NULL;
    }
    PyObject *d = PyObject_GenericGetDict(obj, NULL);
    if (d == NULL || !PyDict_Check(d)) {
        PyErr_Clear();
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

/* Replace paths and path lists among the values of dict D, one level. */
static int
hide_dict_values(PyObject *d, PyObject *hidden)
{
    PyObject *keys = PyDict_Keys(d);
    if (keys == NULL) {
        return -1;
    }
    int res = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys) && res == 0; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        PyObject *value;
        if (PyDict_GetItemRef(d, key, &value) < 0) {
            res = -1;
            break;
        }
        if (value == NULL) {
            continue;
        }
        if (is_path(value)) {
            res = PyDict_SetItem(d, key, hidden);
        }
        else if (PyList_Check(value) || PyTuple_Check(value)) {
            Py_ssize_t n = PySequence_Fast_GET_SIZE(value);
            for (Py_ssize_t j = 0; j < n; j++) {
                if (is_path(PySequence_Fast_GET_ITEM(value, j))) {
                    PyObject *list = PyList_New(1);
                    if (list == NULL) {
                        res = -1;
                        break;
                    }
                    PyList_SET_ITEM(list, 0, Py_NewRef(hidden));
                    res = PyDict_SetItem(d, key, list);
                    Py_DECREF(list);
                    break;
                }
            }
        }
        else if (PyDict_Check(value)) {
            PyObject *inner = PyDict_Keys(value);
            if (inner == NULL) {
                res = -1;
            }
            else {
                for (Py_ssize_t j = 0; j < PyList_GET_SIZE(inner); j++) {
                    PyObject *k = PyList_GET_ITEM(inner, j);
                    PyObject *v;
                    if (PyDict_GetItemRef(value, k, &v) < 0) {
                        res = -1;
                        break;
                    }
                    if (v != NULL && is_path(v)) {
                        res = PyDict_SetItem(value, k, hidden);
                    }
                    Py_XDECREF(v);
                    if (res < 0) {
                        break;
                    }
                }
                Py_DECREF(inner);
            }
        }
        Py_DECREF(value);
    }
    Py_DECREF(keys);
    return res;
}

/* Modules whose globals are the interpreter's own configuration, paths
   included: every path among their values is hidden. */
static const char * const configuration_modules[] = {
    "site", "sysconfig", "_aix_support", "_osx_support",
};

static int
hide_module_paths(PyObject *name, PyObject *module, PyObject **keys,
                  PyObject *hidden, PyObject *graveyard)
{
    PyObject *d = PyModule_GetDict(module);
    if (d == NULL) {
        PyErr_Clear();
        return 0;
    }
    if (hide_item(d, keys[KEY_FILE], hidden) < 0
        || hide_item(d, keys[KEY_CACHED], hidden) < 0
        || hide_path_list(d, keys[KEY_PATH], hidden) < 0)
    {
        return -1;
    }
    PyObject *spec;
    if (PyDict_GetItemRef(d, keys[KEY_SPEC], &spec) < 0) {
        return -1;
    }
    PyObject *spec_dict = instance_dict(spec);
    Py_XDECREF(spec);
    if (spec_dict != NULL) {
        PyObject *state;
        int res = 0;
        if (hide_item(spec_dict, keys[KEY_ORIGIN], hidden) < 0
            || hide_item(spec_dict, keys[KEY_SPEC_CACHED], hidden) < 0
            || hide_path_list(spec_dict, keys[KEY_LOCATIONS], hidden) < 0
            || PyDict_GetItemRef(spec_dict, keys[KEY_LOADER_STATE], &state) < 0)
        {
            res = -1;
        }
        else {
            PyObject *state_dict = instance_dict(state);
            if (state_dict != NULL) {
                res = hide_item(state_dict, keys[KEY_FILENAME], hidden);
                Py_DECREF(state_dict);
            }
            Py_XDECREF(state);
        }
        Py_DECREF(spec_dict);
        if (res < 0) {
            return -1;
        }
    }
    PyObject *loader;
    if (PyDict_GetItemRef(d, keys[KEY_LOADER], &loader) < 0) {
        return -1;
    }
    PyObject *loader_dict = instance_dict(loader);
    Py_XDECREF(loader);
    if (loader_dict != NULL) {
        int res = 0;
        if (hide_item(loader_dict, keys[KEY_LOADER_PATH], hidden) < 0
            || hide_path_list(loader_dict, keys[KEY_LOADER_NSPATH], hidden) < 0
            || hide_item(loader_dict, keys[KEY_ARCHIVE], hidden) < 0
            || hide_item(loader_dict, keys[KEY_PREFIX], hidden) < 0)
        {
            res = -1;
        }
        Py_DECREF(loader_dict);
        if (res < 0) {
            return -1;
        }
    }
    if (!PyUnicode_Check(name)) {
        return 0;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL) {
        return -1;
    }
    if (strncmp(utf8, "_sysconfigdata", 14) == 0) {
        return hide_dict_values(d, hidden);
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(configuration_modules); i++) {
        if (strcmp(utf8, configuration_modules[i]) == 0) {
            return hide_dict_values(d, hidden);
        }
    }
    if (PyUnicode_CompareWithASCIIString(name, "linecache") == 0) {
        return empty_dict_item(d, keys[KEY_CACHE], graveyard);
    }
    if (PyUnicode_CompareWithASCIIString(name, "zipimport") == 0) {
        return empty_dict_item(d, keys[KEY_ZIP_CACHE], graveyard);
    }
    if (PyUnicode_CompareWithASCIIString(name, "posix") == 0) {
        return empty_dict_item(d, keys[KEY_ENVIRON], graveyard);
    }
    if (PyUnicode_CompareWithASCIIString(name, "os") == 0) {
        /* os.environ and os.environb keep their data in one dict. */
        PyObject *environ;
        if (PyDict_GetItemRef(d, keys[KEY_ENVIRON], &environ) < 0) {
            return -1;
        }
        PyObject *environ_dict = instance_dict(environ);
        Py_XDECREF(environ);
        if (environ_dict != NULL) {
            int res = empty_dict_item(environ_dict, keys[KEY_DATA], graveyard);
            Py_DECREF(environ_dict);
            return res;
        }
    }
    return 0;
}

static const char * const sys_paths[] = {
    "executable", "_base_executable", "prefix", "base_prefix",
    "exec_prefix", "base_exec_prefix", "platlibdir", "pycache_prefix",
    "_stdlib_dir",
};

/* argv[0] and every argument that is a path. */
static void
hide_argv(const char *name, PyObject *hidden)
{
    PyObject *argv = PySys_GetObject(name);
    if (argv == NULL || !PyList_Check(argv)) {
        return;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(argv); i++) {
        PyObject *arg = PyList_GET_ITEM(argv, i);
        if (i == 0 || is_path(arg)) {
            PyList_SetItem(argv, i, Py_NewRef(hidden));
        }
    }
}

static int
hide_paths(PyInterpreterState *interp)
{
    PyObject *hidden = interp->lockdown.hidden_path;
    PyObject *keys[KEY_COUNT] = {NULL};
    PyObject *modules = NULL;
    int res = -1;
    PyObject *graveyard = PyList_New(0);
    if (graveyard == NULL) {
        return -1;
    }
    for (int i = 0; i < KEY_COUNT; i++) {
        keys[i] = PyUnicode_InternFromString(key_names[i]);
        if (keys[i] == NULL) {
            goto done;
        }
    }

    for (size_t i = 0; i < Py_ARRAY_LENGTH(sys_paths); i++) {
        PyObject *value = PySys_GetObject(sys_paths[i]);
        if (value != NULL && value != Py_None
            && PySys_SetObject(sys_paths[i], hidden) < 0)
        {
            goto done;
        }
    }
    PyObject *path = PySys_GetObject("path");
    if (path != NULL && PyList_Check(path)) {
        if (PyList_Append(graveyard, path) < 0) {
            goto done;
        }
        PyObject *empty = PyList_New(0);
        if (empty == NULL || PySys_SetObject("path", empty) < 0) {
            Py_XDECREF(empty);
            goto done;
        }
        Py_DECREF(empty);
    }
    hide_argv("argv", hidden);
    hide_argv("orig_argv", hidden);
    PyObject *cache = PySys_GetObject("path_importer_cache");
    if (cache != NULL && PyDict_Check(cache)) {
        PyObject *copy = PyDict_Copy(cache);
        if (copy == NULL || PyList_Append(graveyard, copy) < 0) {
            Py_XDECREF(copy);
            goto done;
        }
        Py_DECREF(copy);
        PyDict_Clear(cache);
    }

    modules = PySys_GetObject("modules");
    if (modules == NULL || !PyDict_Check(modules)) {
        res = 0;
        goto done;
    }
    modules = PyDict_Items(modules);
    if (modules == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(modules); i++) {
        PyObject *item = PyList_GET_ITEM(modules, i);
        PyObject *module = PyTuple_GET_ITEM(item, 1);
        if (PyModule_Check(module)
            && hide_module_paths(PyTuple_GET_ITEM(item, 0), module, keys,
                                 hidden, graveyard) < 0)
        {
            goto done;
        }
    }
    res = 0;
done:
    Py_XDECREF(modules);
    for (int i = 0; i < KEY_COUNT; i++) {
        Py_XDECREF(keys[i]);
    }
    Py_DECREF(graveyard);
    return res;
}

/* The second layer: audit events that stand for an operation a locked
   interpreter forbids, refused inside the audit machinery before any hook
   runs, so that a call site that lacks its guard but raises its event is
   still stopped.  Sorted by name (bsearch).  Events that also stand for
   operations lockdown allows (import of a built-in safe module,
   socket.__new__ adopting a descriptor, marshal.loads of data,
   code.__new__ of a renamed code object, mmap.__new__ of anonymous
   memory) are left to the guards, which can tell the two apart. */
typedef struct {
    const char *event;
    _Py_LockdownKind kind;
} denied_event;

static const denied_event denied_events[] = {
    {"_winapi.CreateProcess", _Py_LOCKDOWN_PROCESS},
    {"_winapi.OpenProcess", _Py_LOCKDOWN_PROCESS},
    {"_winapi.TerminateProcess", _Py_LOCKDOWN_PROCESS},
    {"cpython.PyInterpreterState_New", _Py_LOCKDOWN_INTERPRETER},
    {"cpython.run_file", _Py_LOCKDOWN_INTERPRETER},
    {"cpython.run_interactivehook", _Py_LOCKDOWN_INTERPRETER},
    {"cpython.run_startup", _Py_LOCKDOWN_INTERPRETER},
    {"ctypes.PyObj_FromPtr", _Py_LOCKDOWN_NATIVE},
    {"ctypes.addressof", _Py_LOCKDOWN_NATIVE},
    {"ctypes.call_function", _Py_LOCKDOWN_NATIVE},
    {"ctypes.cdata", _Py_LOCKDOWN_NATIVE},
    {"ctypes.cdata/buffer", _Py_LOCKDOWN_NATIVE},
    {"ctypes.create_string_buffer", _Py_LOCKDOWN_NATIVE},
    {"ctypes.create_unicode_buffer", _Py_LOCKDOWN_NATIVE},
    {"ctypes.dlopen", _Py_LOCKDOWN_NATIVE},
    {"ctypes.dlsym", _Py_LOCKDOWN_NATIVE},
    {"ctypes.dlsym/handle", _Py_LOCKDOWN_NATIVE},
    {"ctypes.get_errno", _Py_LOCKDOWN_NATIVE},
    {"ctypes.set_errno", _Py_LOCKDOWN_NATIVE},
    {"ctypes.string_at", _Py_LOCKDOWN_NATIVE},
    {"ctypes.wstring_at", _Py_LOCKDOWN_NATIVE},
    {"fcntl.fcntl", _Py_LOCKDOWN_OS_STATE},
    {"fcntl.flock", _Py_LOCKDOWN_OS_STATE},
    {"fcntl.ioctl", _Py_LOCKDOWN_OS_STATE},
    {"fcntl.lockf", _Py_LOCKDOWN_OS_STATE},
    {"ftplib.connect", _Py_LOCKDOWN_NETWORK},
    {"gc.get_objects", _Py_LOCKDOWN_INTERPRETER},
    {"gc.get_referents", _Py_LOCKDOWN_INTERPRETER},
    {"gc.get_referrers", _Py_LOCKDOWN_INTERPRETER},
    {"glob.glob", _Py_LOCKDOWN_FILESYSTEM},
    {"glob.glob/2", _Py_LOCKDOWN_FILESYSTEM},
    {"http.client.connect", _Py_LOCKDOWN_NETWORK},
    {"imaplib.open", _Py_LOCKDOWN_NETWORK},
    {"msvcrt.locking", _Py_LOCKDOWN_OS_STATE},
    {"nntplib.connect", _Py_LOCKDOWN_NETWORK},
    {"open", _Py_LOCKDOWN_FILESYSTEM},
    {"os.add_dll_directory", _Py_LOCKDOWN_PROCESS},
    {"os.chdir", _Py_LOCKDOWN_OS_STATE},
    {"os.chflags", _Py_LOCKDOWN_FILESYSTEM},
    {"os.chmod", _Py_LOCKDOWN_FILESYSTEM},
    {"os.chown", _Py_LOCKDOWN_FILESYSTEM},
    {"os.exec", _Py_LOCKDOWN_PROCESS},
    {"os.fork", _Py_LOCKDOWN_PROCESS},
    {"os.forkpty", _Py_LOCKDOWN_PROCESS},
    {"os.fwalk", _Py_LOCKDOWN_FILESYSTEM},
    {"os.getxattr", _Py_LOCKDOWN_FILESYSTEM},
    {"os.kill", _Py_LOCKDOWN_PROCESS},
    {"os.killpg", _Py_LOCKDOWN_PROCESS},
    {"os.lchflags", _Py_LOCKDOWN_FILESYSTEM},
    {"os.link", _Py_LOCKDOWN_FILESYSTEM},
    {"os.listdir", _Py_LOCKDOWN_FILESYSTEM},
    {"os.listxattr", _Py_LOCKDOWN_FILESYSTEM},
    {"os.mkdir", _Py_LOCKDOWN_FILESYSTEM},
    {"os.posix_spawn", _Py_LOCKDOWN_PROCESS},
    {"os.putenv", _Py_LOCKDOWN_OS_STATE},
    {"os.remove", _Py_LOCKDOWN_FILESYSTEM},
    {"os.removexattr", _Py_LOCKDOWN_FILESYSTEM},
    {"os.rename", _Py_LOCKDOWN_FILESYSTEM},
    {"os.rmdir", _Py_LOCKDOWN_FILESYSTEM},
    {"os.scandir", _Py_LOCKDOWN_FILESYSTEM},
    {"os.setxattr", _Py_LOCKDOWN_FILESYSTEM},
    {"os.spawn", _Py_LOCKDOWN_PROCESS},
    {"os.startfile", _Py_LOCKDOWN_PROCESS},
    {"os.symlink", _Py_LOCKDOWN_FILESYSTEM},
    {"os.system", _Py_LOCKDOWN_PROCESS},
    {"os.truncate", _Py_LOCKDOWN_FILESYSTEM},
    {"os.unsetenv", _Py_LOCKDOWN_OS_STATE},
    {"os.utime", _Py_LOCKDOWN_FILESYSTEM},
    {"os.walk", _Py_LOCKDOWN_FILESYSTEM},
    {"pathlib.Path.glob", _Py_LOCKDOWN_FILESYSTEM},
    {"pathlib.Path.rglob", _Py_LOCKDOWN_FILESYSTEM},
    {"poplib.connect", _Py_LOCKDOWN_NETWORK},
    {"pty.spawn", _Py_LOCKDOWN_PROCESS},
    {"resource.prlimit", _Py_LOCKDOWN_OS_STATE},
    {"resource.setrlimit", _Py_LOCKDOWN_OS_STATE},
    {"shutil.chown", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.copyfile", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.copymode", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.copystat", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.copytree", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.make_archive", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.move", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.rmtree", _Py_LOCKDOWN_FILESYSTEM},
    {"shutil.unpack_archive", _Py_LOCKDOWN_FILESYSTEM},
    {"signal.pthread_kill", _Py_LOCKDOWN_PROCESS},
    {"smtplib.connect", _Py_LOCKDOWN_NETWORK},
    {"socket.bind", _Py_LOCKDOWN_NETWORK},
    {"socket.connect", _Py_LOCKDOWN_NETWORK},
    {"socket.getaddrinfo", _Py_LOCKDOWN_NETWORK},
    {"socket.gethostbyaddr", _Py_LOCKDOWN_NETWORK},
    {"socket.gethostbyname", _Py_LOCKDOWN_NETWORK},
    {"socket.gethostname", _Py_LOCKDOWN_NETWORK},
    {"socket.getnameinfo", _Py_LOCKDOWN_NETWORK},
    {"socket.getservbyname", _Py_LOCKDOWN_NETWORK},
    {"socket.getservbyport", _Py_LOCKDOWN_NETWORK},
    {"socket.sendto", _Py_LOCKDOWN_NETWORK},
    {"socket.sethostname", _Py_LOCKDOWN_NETWORK},
    {"sqlite3.connect", _Py_LOCKDOWN_FILESYSTEM},
    {"sqlite3.enable_load_extension", _Py_LOCKDOWN_FILESYSTEM},
    {"sqlite3.load_extension", _Py_LOCKDOWN_FILESYSTEM},
    {"subprocess.Popen", _Py_LOCKDOWN_PROCESS},
    {"sys._current_exceptions", _Py_LOCKDOWN_INTERPRETER},
    {"sys._current_frames", _Py_LOCKDOWN_INTERPRETER},
    {"sys.monitoring.register_callback", _Py_LOCKDOWN_INTERPRETER},
    {"sys.remote_exec", _Py_LOCKDOWN_INTERPRETER},
    {"sys.setprofile", _Py_LOCKDOWN_INTERPRETER},
    {"sys.settrace", _Py_LOCKDOWN_INTERPRETER},
    {"syslog.closelog", _Py_LOCKDOWN_OS_STATE},
    {"syslog.openlog", _Py_LOCKDOWN_OS_STATE},
    {"syslog.setlogmask", _Py_LOCKDOWN_OS_STATE},
    {"syslog.syslog", _Py_LOCKDOWN_OS_STATE},
    {"telnetlib.Telnet.open", _Py_LOCKDOWN_NETWORK},
    {"tempfile.mkdtemp", _Py_LOCKDOWN_FILESYSTEM},
    {"tempfile.mkstemp", _Py_LOCKDOWN_FILESYSTEM},
    {"time.set", _Py_LOCKDOWN_OS_STATE},
    {"urllib.Request", _Py_LOCKDOWN_NETWORK},
    {"webbrowser.open", _Py_LOCKDOWN_PROCESS},
    {"winreg.CreateKey", _Py_LOCKDOWN_OS_STATE},
    {"winreg.SetValue", _Py_LOCKDOWN_OS_STATE},
};

static int
compare_event(const void *key, const void *entry)
{
    return strcmp((const char *)key, ((const denied_event *)entry)->event);
}

static const denied_event *
find_denied_event(const char *event)
{
    return bsearch(event, denied_events, Py_ARRAY_LENGTH(denied_events),
                   sizeof(denied_events[0]), compare_event);
}

int
_PyLockdown_CheckAuditEvent(PyInterpreterState *interp, const char *event)
{
#ifndef Py_GIL_DISABLED
    /* Most events are raised with string literals, so a small cache keyed
       by the pointer spares the search for the frequent ones (builtins.id,
       object.__setattr__, exec, ...).  A hit is confirmed against the
       name the verdict was found for: a name built at run time (by
       sys.audit()) may sit where another one was.  The cache belongs to the
       interpreter, whose GIL guards it: interpreters with GILs of their own
       run at the same time. */
    size_t slot = ((uintptr_t)event >> 3)
                  % Py_ARRAY_LENGTH(interp->lockdown.audit_cache);
    struct _lockdown_audit_cache_entry *entry =
        &interp->lockdown.audit_cache[slot];
    const denied_event *found;
    if (entry->event == event && strcmp(entry->name, event) == 0) {
        found = entry->denied;
    }
    else {
        found = find_denied_event(event);
        size_t len = strlen(event);
        if (len < sizeof(entry->name)) {
            memcpy(entry->name, event, len + 1);
            entry->event = event;
            entry->denied = found;
        }
    }
#else
    (void)interp;
    const denied_event *found = find_denied_event(event);
#endif
    if (found == NULL) {
        return 0;
    }
    (void)_PyLockdown_Refuse(found->event, found->kind);
    return -1;
}

PyObject *
_PyLockdown_GetDeniedEvents(void)
{
    PyObject *result = PyDict_New();
    if (result == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(denied_events); i++) {
        PyObject *kind = PyUnicode_FromString(
            _PyLockdown_KindName(denied_events[i].kind));
        if (kind == NULL
            || PyDict_SetItemString(result, denied_events[i].event, kind) < 0)
        {
            Py_XDECREF(kind);
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(kind);
    }
    return result;
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
    /* Nothing here runs Python code or lets go of the GIL: what is
       replaced is kept alive in a list until the end, so no finalizer runs
       before the paths are all gone.  If this fails, the interpreter stays
       locked (lockdown fails closed) and the next call tries again. */
    int res = 0;
    if (!_Py_atomic_load_int_relaxed(&interp->lockdown.complete)) {
        res = hide_paths(interp);
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
