/* Lockdown: hiding file-system paths.
 *
 * Once locked, code must not learn where the interpreter, its modules or its
 * host's files are (see Doc/library/lockdownlib.rst, "What is hidden"). */

#include "Python.h"
#include "pycore_lockdown.h"

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

int
_PyLockdown_HidePaths(PyInterpreterState *interp)
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
