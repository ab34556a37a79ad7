#ifndef Py_INTERNAL_LOCKDOWN_H
#define Py_INTERNAL_LOCKDOWN_H
#ifdef __cplusplus
extern "C" {
#endif

#ifndef Py_BUILD_CORE
#  error "this header requires Py_BUILD_CORE define"
#endif

#include "pycore_lockdown_permute.h"  // _Py_Permute48()
#include "pycore_pystate.h"       // _PyInterpreterState_GET()

/* Lockdown: a one-way switch of an interpreter (lockdownlib.lockdown()).
 *
 * Once interp->lockdown.enabled is set it is never cleared.  Every call site
 * that could reach outside the process (file system, processes, network, OS
 * state, import from disk, other interpreters) starts with a guard, in one
 * idiom, as PySys_Audit() is called:
 *
 *     if (_PyLockdown_Check("os.system", _Py_LOCKDOWN_PROCESS) < 0) {
 *         return NULL;
 *     }
 *
 * _PyLockdown_Check() raises lockdownlib.LockdownError (a RuntimeError whose
 * message is "lockdown is enabled") and returns -1 once locked; the caller
 * returns its own error value (NULL, -1, ...), visibly.  The operation's
 * name and kind are those of Python/lockdown_operations.txt, which
 * Tools/lockdown/operations.py holds every guard to.
 *
 * Placement, one rule: the guard is the first statement of the function
 * that performs the operation, before anything it does on the caller's
 * behalf: the *_impl function of an Argument Clinic function, the function
 * itself where it parses its own arguments.  In a *_impl function the
 * arguments have been converted already, so a converter (__index__,
 * __fspath__) may have run the caller's code before the refusal: that code
 * is the guest's own, already running, and gains nothing by it; parsing in
 * generated code that upstream owns is not worth a second idiom.  A guard
 * whose refusal depends on an argument tests it first:
 * if (pid != 0 && _PyLockdown_Check(...) < 0). */

typedef enum {
    _Py_LOCKDOWN_FILESYSTEM,
    _Py_LOCKDOWN_PROCESS,
    _Py_LOCKDOWN_NETWORK,
    _Py_LOCKDOWN_OS_STATE,
    _Py_LOCKDOWN_IMPORT,
    _Py_LOCKDOWN_INTERPRETER,      /* this interpreter's global state */
    _Py_LOCKDOWN_INTERPRETERS,     /* other interpreters */
    _Py_LOCKDOWN_CODE,             /* building code objects from parts */
    _Py_LOCKDOWN_NATIVE,           /* loading or calling native code */
    _Py_LOCKDOWN_IDENTITY,         /* who and where the host is */
} _Py_LockdownKind;

/* The state that must survive a memory-corruption bug, in pages of its own.
 * When the main interpreter locks with the kernel layer (the default on
 * Linux), lockdown() sets "locked" here, then makes these pages read-only
 * and seals them (mseal(2)); the seccomp filter also refuses mprotect,
 * munmap, mremap, madvise and mmap(MAP_FIXED) at or below them.  An exploit
 * that clears interp->lockdown.enabled, a plain writable int, still finds
 * every interpreter locked, and one that writes here dies with SIGSEGV.
 * The union pads it to the alignment, so that nothing else shares its
 * pages (16 KiB covers 4 KiB and 16 KiB pages). */
#define _Py_LOCKDOWN_SEALED_SIZE 16384

typedef union {
    struct {
        int locked;
    } state;
    char page[_Py_LOCKDOWN_SEALED_SIZE];
} _PyLockdown_SealedPage;

PyAPI_DATA(_PyLockdown_SealedPage) _PyLockdown_Sealed;

/* A guard is two relaxed loads: the interpreter's own flag and the
   process's sealed one. */
static inline int
_PyLockdown_IsEnabledFor(PyInterpreterState *interp)
{
    return _Py_atomic_load_int_relaxed(&interp->lockdown.enabled)
           | _Py_atomic_load_int_relaxed(&_PyLockdown_Sealed.state.locked);
}

static inline int
_PyLockdown_IsEnabled(void)
{
    return _PyLockdown_IsEnabledFor(_PyInterpreterState_GET());
}

/* Has any interpreter of the process locked?  For C code that runs without
   an attached thread state, such as a library's own system calls made while
   the GIL is released; it cannot tell which interpreter it works for. */
PyAPI_FUNC(int) _PyLockdown_AnyLocked(void);

/* Raise LockdownError for OPERATION (such as "os.listdir"); return NULL. */
PyAPI_FUNC(PyObject *) _PyLockdown_Refuse(const char *operation,
                                          _Py_LockdownKind kind);

/* The guard: 0 if the interpreter is not locked; else -1 with
   LockdownError set for OPERATION. */
static inline int
_PyLockdown_Check(const char *operation, _Py_LockdownKind kind)
{
    if (_PyLockdown_IsEnabled()) {
        (void)_PyLockdown_Refuse(operation, kind);
        return -1;
    }
    return 0;
}

/* What id() and "%p" show for PTR once the current interpreter is locked:
   a keyed permutation of the address, unique and stable like the address
   itself, from which the address cannot be read back. */
PyAPI_FUNC(uint64_t) _PyLockdown_MaskAddress(const void *ptr);

/* PyLong_FromVoidPtr(PTR), or, once the current interpreter is locked,
   _PyLockdown_MaskAddress(PTR): for C code that hands an address to Python
   code as an int (the json encoder's markers, the pickler's memo). */
PyAPI_FUNC(PyObject *) _PyLockdown_AddressAsLong(const void *ptr);

/* What _thread.get_native_id() gives once INTERP is locked: a keyed
   permutation of the kernel's thread id, since the main thread's is the
   process id.  lockdown() permutes the ids threading recorded before. */
PyAPI_FUNC(uint64_t) _PyLockdown_MaskNativeThreadId(
    PyInterpreterState *interp,
    unsigned long native_id);

/* What locked code sees instead of a file-system path. */
#define _Py_LOCKDOWN_HIDDEN_PATH "<hidden>"

/* The file name of a code object, as code may see it: FILENAME itself,
   or, once locked, "<hidden>" unless it is a pseudo-name such as
   "<string>".  A borrowed reference. */
PyAPI_FUNC(PyObject *) _PyLockdown_CodeFilename(PyObject *filename);

/* Lock INTERP for good: set the flag, then hide the paths the interpreter
   keeps (sys, modules, specs, loaders, caches, the environment).  Safe to
   call again, from any number of threads at once.  Returns -1 with an
   exception set on failure: if that happened before the flag was set
   nothing changed, otherwise the interpreter is locked all the same and
   the next call finishes the work. */
extern int _PyLockdown_Enable(PyInterpreterState *interp);

/* Replace the paths INTERP keeps in Python objects by "<hidden>"
   (Python/lockdown_paths.c); called by _PyLockdown_Enable(). */
extern int _PyLockdown_HidePaths(PyInterpreterState *interp);

/* The kernel layer (Python/lockdown_kernel.c): refuse, in the kernel and
   for every thread of the process, what lockdown refuses, so that a bug
   that corrupts memory cannot undo lockdown.  Installs a Landlock ruleset
   (this thread and the threads it starts) and a seccomp filter
   synchronized to every thread, once per process.  With SEAL, also sets
   and seals _PyLockdown_Sealed first.  Returns 1 if the seccomp filter is
   in force, 0 if the kernel refused it (kernel_layer() says why); it
   never raises.  Call it with the GIL held. */
PyAPI_FUNC(int) _PyLockdown_InstallKernelLayer(int seal);

/* What lockdownlib.kernel_layer() reports, such as "seccomp+landlock(7)"
   or "none: <reason>", into BUF. */
extern void _PyLockdown_DescribeKernelLayer(PyInterpreterState *interp,
                                            char *buf, size_t size);

/* lockdownlib.LockdownError of INTERP (a borrowed reference), created on
   first use. */
extern PyObject * _PyLockdown_GetErrorType(PyInterpreterState *interp);

/* lockdownlib.LockdownImportError: a LockdownError and an ImportError,
   raised by refused imports (kind _Py_LOCKDOWN_IMPORT). */
extern PyObject * _PyLockdown_GetImportErrorType(PyInterpreterState *interp);

/* The name LockdownError.kind gives KIND ("file system", ...). */
extern const char * _PyLockdown_KindName(_Py_LockdownKind kind);

/* Called by the audit machinery once INTERP is locked: if EVENT stands for
   an operation lockdown forbids, raise LockdownError and return -1. */
PyAPI_FUNC(int) _PyLockdown_CheckAuditEvent(PyInterpreterState *interp,
                                            const char *event);

/* A new dict: each refused audit event -> the kind of what it stands for. */
extern PyObject * _PyLockdown_GetDeniedEvents(void);

/* A new dict: each refused operation -> (kind, audit event or None, what
   refuses it: "guard", "event" or "both"); Python/lockdown_operations.txt. */
extern PyObject * _PyLockdown_GetOperations(void);

/* A new frozenset of the names in lockdownlib.SAFE_MODULES. */
extern PyObject * _PyLockdown_GetSafeModules(void);

/* Is NAME (any object, or a UTF-8 string) in lockdownlib.SAFE_MODULES?
   Those of them the interpreter carries, built in or frozen, may still be
   imported once locked: that reads nothing from disk. */
extern int _PyLockdown_IsSafeModule(PyObject *name);
extern int _PyLockdown_IsSafeModuleName(const char *name);

extern void _PyLockdown_Clear(PyInterpreterState *interp);

/* marshal.c: read the code of a frozen module, which the interpreter
   carries; a locked interpreter refuses code objects from any other bytes. */
extern PyObject * _PyMarshal_ReadFrozenObjectFromString(const char *str,
                                                        Py_ssize_t len);

#ifdef __cplusplus
}
#endif
#endif /* !Py_INTERNAL_LOCKDOWN_H */
