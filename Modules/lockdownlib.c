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

/* Lib/_lockdown_forget.py: what the standard library cached of the host. */
static int
forget_host_facts(void)
{
    PyObject *module = PyImport_ImportModule("_lockdown_forget");
    if (module == NULL) {
        return -1;
    }
    PyObject *res = PyObject_CallMethod(module, "forget", NULL);
    Py_DECREF(module);
    if (res == NULL) {
        return -1;
    }
    Py_DECREF(res);
    return 0;
}

/*[clinic input]
lockdownlib.lockdown

    *
    kernel: bool = True
    allow_exit: bool = False

Lock this interpreter down, for good.

From now on, operations that reach outside the interpreter (the file
system, processes, the network, the state of the OS, import from disk,
other interpreters) raise LockdownError.  There is no way back.
Calling it again does nothing.

With kernel true (the default), locking the main interpreter on Linux
also asks the kernel to refuse the same, for every thread of the
process: a seccomp filter, a Landlock ruleset and a sealed flag page,
so that a memory-corruption bug cannot undo lockdown.  kernel_layer()
says what was installed; if the kernel refused, the interpreter is
locked all the same and a RuntimeWarning says why.  kernel=False is for
hosts whose other threads or unlocked interpreters still need the OS.

Locked code cannot end the process: os._exit() is refused.  allow_exit
true keeps it, for a worker process made to be thrown away; it counts
only on the call that locks.
[clinic start generated code]*/

static PyObject *
lockdownlib_lockdown_impl(PyObject *module, int kernel, int allow_exit)
/*[clinic end generated code: output=d617dee122350c95 input=2ef76a27a1c36481]*/
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    PyObject *forget_error = NULL;
    if (!_PyLockdown_IsEnabledFor(interp)) {
        interp->lockdown.allow_exit = allow_exit;
        /* What the standard library cached of the host goes first: once
           locked, nothing could refresh it.  A failure there still locks
           (lockdown fails closed) and is raised after. */
        if (forget_host_facts() < 0) {
            forget_error = PyErr_GetRaisedException();
        }
    }
    if (_PyLockdown_Enable(interp) < 0) {
        Py_XDECREF(forget_error);
        return NULL;
    }
    if (forget_error != NULL) {
        PyErr_SetRaisedException(forget_error);
        return NULL;
    }
    if (!kernel) {
        Py_RETURN_NONE;
    }
    if (_Py_IsMainInterpreter(interp)
        && _PyLockdown_InstallKernelLayer(1))
    {
        Py_RETURN_NONE;
    }
    char layer[200];
    _PyLockdown_DescribeKernelLayer(interp, layer, sizeof(layer));
    if (PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                         "locked without the kernel layer (%s)", layer) < 0)
    {
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
lockdownlib.kernel_layer

Say what the kernel refuses on lockdown's behalf.

Such as 'seccomp+landlock(7)' (a seccomp filter and a Landlock ruleset
of that ABI), 'seccomp', or 'none: ' and the reason.
[clinic start generated code]*/

static PyObject *
lockdownlib_kernel_layer_impl(PyObject *module)
/*[clinic end generated code: output=be337acc17df10d8 input=fc7965bb52112170]*/
{
    char layer[200];
    _PyLockdown_DescribeKernelLayer(_PyInterpreterState_GET(), layer,
                                    sizeof(layer));
    return PyUnicode_FromString(layer);
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
    LOCKDOWNLIB_KERNEL_LAYER_METHODDEF
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
    PyObject *operations = _PyLockdown_GetOperations();
    frozen = operations == NULL ? NULL : PyDictProxy_New(operations);
    Py_XDECREF(operations);
    if (PyModule_Add(module, "OPERATIONS", frozen) < 0) {
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
