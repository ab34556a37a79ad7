/*[clinic input]
preserve
[clinic start generated code]*/

#if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)
#  include "pycore_gc.h"          // PyGC_Head
#  include "pycore_runtime.h"     // _Py_ID()
#endif
#include "pycore_modsupport.h"    // _PyArg_UnpackKeywords()

PyDoc_STRVAR(lockdownlib_lockdown__doc__,
"lockdown($module, /, *, kernel=True, allow_exit=False)\n"
"--\n"
"\n"
"Lock this interpreter down, for good.\n"
"\n"
"From now on, operations that reach outside the interpreter (the file\n"
"system, processes, the network, the state of the OS, import from disk,\n"
"other interpreters) raise LockdownError.  There is no way back.\n"
"Calling it again does nothing.\n"
"\n"
"With kernel true (the default), locking the main interpreter on Linux\n"
"also asks the kernel to refuse the same, for every thread of the\n"
"process: a seccomp filter, a Landlock ruleset and a sealed flag page,\n"
"so that a memory-corruption bug cannot undo lockdown.  kernel_layer()\n"
"says what was installed; if the kernel refused, the interpreter is\n"
"locked all the same and a RuntimeWarning says why.  kernel=False is for\n"
"hosts whose other threads or unlocked interpreters still need the OS.\n"
"\n"
"Locked code cannot end the process: os._exit() is refused.  allow_exit\n"
"true keeps it, for a worker process made to be thrown away; it counts\n"
"only on the call that locks.");

#define LOCKDOWNLIB_LOCKDOWN_METHODDEF    \
    {"lockdown", _PyCFunction_CAST(lockdownlib_lockdown), METH_FASTCALL|METH_KEYWORDS, lockdownlib_lockdown__doc__},

static PyObject *
lockdownlib_lockdown_impl(PyObject *module, int kernel, int allow_exit);

static PyObject *
lockdownlib_lockdown(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 2
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(kernel), &_Py_ID(allow_exit), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"kernel", "allow_exit", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "lockdown",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    int kernel = 1;
    int allow_exit = 0;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 0, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_kwonly;
    }
    if (args[0]) {
        kernel = PyObject_IsTrue(args[0]);
        if (kernel < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_kwonly;
        }
    }
    allow_exit = PyObject_IsTrue(args[1]);
    if (allow_exit < 0) {
        goto exit;
    }
skip_optional_kwonly:
    return_value = lockdownlib_lockdown_impl(module, kernel, allow_exit);

exit:
    return return_value;
}

PyDoc_STRVAR(lockdownlib_kernel_layer__doc__,
"kernel_layer($module, /)\n"
"--\n"
"\n"
"Say what the kernel refuses on lockdown\'s behalf.\n"
"\n"
"Such as \'seccomp+landlock(7)\' (a seccomp filter and a Landlock ruleset\n"
"of that ABI), \'seccomp\', or \'none: \' and the reason.");

#define LOCKDOWNLIB_KERNEL_LAYER_METHODDEF    \
    {"kernel_layer", (PyCFunction)lockdownlib_kernel_layer, METH_NOARGS, lockdownlib_kernel_layer__doc__},

static PyObject *
lockdownlib_kernel_layer_impl(PyObject *module);

static PyObject *
lockdownlib_kernel_layer(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return lockdownlib_kernel_layer_impl(module);
}

PyDoc_STRVAR(lockdownlib_is_locked__doc__,
"is_locked($module, /)\n"
"--\n"
"\n"
"Return True if lockdown() has been called in this interpreter.");

#define LOCKDOWNLIB_IS_LOCKED_METHODDEF    \
    {"is_locked", (PyCFunction)lockdownlib_is_locked, METH_NOARGS, lockdownlib_is_locked__doc__},

static int
lockdownlib_is_locked_impl(PyObject *module);

static PyObject *
lockdownlib_is_locked(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *return_value = NULL;
    int _return_value;

    _return_value = lockdownlib_is_locked_impl(module);
    if ((_return_value == -1) && PyErr_Occurred()) {
        goto exit;
    }
    return_value = PyBool_FromLong((long)_return_value);

exit:
    return return_value;
}
/*[clinic end generated code: output=fd32420f2965f8cc input=a9049054013a1b77]*/
