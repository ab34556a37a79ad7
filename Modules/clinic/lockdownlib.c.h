/*[clinic input]
preserve
[clinic start generated code]*/

PyDoc_STRVAR(lockdownlib_lockdown__doc__,
"lockdown($module, /)\n"
"--\n"
"\n"
"Lock this interpreter down, for good.\n"
"\n"
"From now on, operations that reach outside the interpreter (the file\n"
"system, processes, the network, the state of the OS, import from disk,\n"
"other interpreters) raise LockdownError.  There is no way back.\n"
"Calling it again does nothing.");

#define LOCKDOWNLIB_LOCKDOWN_METHODDEF    \
    {"lockdown", (PyCFunction)lockdownlib_lockdown, METH_NOARGS, lockdownlib_lockdown__doc__},

static PyObject *
lockdownlib_lockdown_impl(PyObject *module);

static PyObject *
lockdownlib_lockdown(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return lockdownlib_lockdown_impl(module);
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
/*[clinic end generated code: output=dbf5e89f6de00425 input=a9049054013a1b77]*/
