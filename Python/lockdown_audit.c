/* Lockdown: the audit deny layer, behind the guards.
 *
 * Once locked, an audit event that stands for an operation lockdown forbids
 * is refused before any hook runs (see sys_audit_tstate()), so a call site
 * that lacks its guard but raises its event is still stopped. */

#include "Python.h"
#include "pycore_lockdown.h"

/* The second layer: audit events that stand for an operation a locked
   interpreter forbids, refused inside the audit machinery before any hook
   runs, so that a call site that lacks its guard but raises its event is
   still stopped.  Sorted by name (bsearch).  Events that also stand for
   operations lockdown allows (import of a built-in safe module,
   socket.__new__ adopting a descriptor, marshal.loads of data,
   code.__new__ of a renamed code object, mmap.__new__ of anonymous
   memory, sqlite3.connect of a private in-memory database) are left to
   the guards, which can tell the two apart. */
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
