/* lockdownlib: a one-way switch into a locked state.
 *
 * The state lives in the interpreter (see Python/lockdown.c); this module is
 * only the Python face of it.  Nothing here, or anywhere, clears the flag. */

#ifndef Py_BUILD_CORE_BUILTIN
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"
#include "pycore_lockdown.h"

#include "lockdownlib_fixes.h"   // written by the build: the fixes applied

#include "clinic/lockdownlib.c.h"

/*[clinic input]
module lockdownlib
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=402f9c88f05a56a1]*/

/*[clinic input]
lockdownlib.lockdown

Lock this interpreter down, for good.

From now on, operations that reach outside the interpreter (the file
system, processes, the network, the state of the OS, import from disk,
other interpreters) raise LockdownError.  There is no way back.
Calling it again does nothing.
[clinic start generated code]*/

static PyObject *
lockdownlib_lockdown_impl(PyObject *module)
/*[clinic end generated code: output=2c351324d0358fcc input=3ea66869699d89bb]*/
{
    if (_PyLockdown_Enable(_PyInterpreterState_GET()) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
lockdownlib.is_locked -> bool

Return True if lockdown() has been called in this interpreter.
[clinic start generated code]*/

static int
lockdownlib_is_locked_impl(PyObject *module)
/*[clinic end generated code: output=e97337950eddd353 input=5bb08e0be8639ca2]*/
{
    return _PyLockdown_IsEnabled();
}

static PyMethodDef lockdownlib_methods[] = {
    LOCKDOWNLIB_LOCKDOWN_METHODDEF
    LOCKDOWNLIB_IS_LOCKED_METHODDEF
    {NULL, NULL}
};

static PyObject *
make_upstream_fixes(void)
{
    /* The table ends with NULL, so that it is valid C when no fix is
       pinned. */
    Py_ssize_t n = (Py_ssize_t)Py_ARRAY_LENGTH(lockdown_upstream_fixes) - 1;
    PyObject *fixes = PyTuple_New(n);
    if (fixes == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyUnicode_FromString(lockdown_upstream_fixes[i]);
        if (name == NULL) {
            Py_DECREF(fixes);
            return NULL;
        }
        PyTuple_SET_ITEM(fixes, i, name);
    }
    return fixes;
}

static int
lockdownlib_exec(PyObject *module)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    PyObject *error = _PyLockdown_GetErrorType(interp);
    if (error == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "LockdownError", error) < 0) {
        return -1;
    }
    error = _PyLockdown_GetImportErrorType(interp);
    if (error == NULL
        || PyModule_AddObjectRef(module, "LockdownImportError", error) < 0)
    {
        return -1;
    }
    if (PyModule_Add(module, "SAFE_MODULES", _PyLockdown_GetSafeModules()) < 0) {
        return -1;
    }
    PyObject *denied = _PyLockdown_GetDeniedEvents();
    PyObject *frozen = denied == NULL ? NULL : PyDictProxy_New(denied);
    Py_XDECREF(denied);
    if (PyModule_Add(module, "DENIED_AUDIT_EVENTS", frozen) < 0) {
        return -1;
    }
    if (PyModule_AddStringConstant(module, "HIDDEN_PATH",
                                   _Py_LOCKDOWN_HIDDEN_PATH) < 0) {
        return -1;
    }
    if (PyModule_AddStringConstant(module, "UPSTREAM_VERSION",
                                   LOCKDOWN_UPSTREAM_VERSION) < 0)
    {
        return -1;
    }
    if (PyModule_Add(module, "UPSTREAM_FIXES", make_upstream_fixes()) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot lockdownlib_slots[] = {
    {Py_mod_exec, lockdownlib_exec},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL}
};

PyDoc_STRVAR(lockdownlib_doc,
"Lock the interpreter down: a one-way switch for running untrusted code.\n\
\n\
After lockdown(), operations that read or change the file system, start or\n\
signal processes, change the state of the OS, open network access, import\n\
from disk or reach other interpreters raise LockdownError, a RuntimeError\n\
whose message is 'lockdown is enabled'.  Objects made before keep working.\n\
SAFE_MODULES names the modules a host may import before locking.\n\
UPSTREAM_VERSION is the CPython release the fork is built from, and\n\
UPSTREAM_FIXES names the upstream security and crash fixes applied to it.");

static struct PyModuleDef lockdownlib_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "lockdownlib",
    .m_doc = lockdownlib_doc,
    .m_size = 0,
    .m_methods = lockdownlib_methods,
    .m_slots = lockdownlib_slots,
};

PyMODINIT_FUNC
PyInit_lockdownlib(void)
{
    return PyModuleDef_Init(&lockdownlib_module);
}
