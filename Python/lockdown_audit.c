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
#include "lockdown_denied_events.h"
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

/* Python/lockdown_operations.txt, whole: what lockdownlib.OPERATIONS shows. */
typedef struct {
    const char *name;
    _Py_LockdownKind kind;
    const char *event;          /* NULL: the call raises none */
    const char *refused_by;     /* "guard", "event" or "both" */
} refused_operation;

static const refused_operation operations[] = {
#include "lockdown_operations.h"
};

PyObject *
_PyLockdown_GetOperations(void)
{
    PyObject *result = PyDict_New();
    if (result == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < Py_ARRAY_LENGTH(operations); i++) {
        const refused_operation *op = &operations[i];
        PyObject *value = Py_BuildValue(
            "(szs)", _PyLockdown_KindName(op->kind), op->event,
            op->refused_by);
        if (value == NULL
            || PyDict_SetItemString(result, op->name, value) < 0)
        {
            Py_XDECREF(value);
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(value);
    }
    return result;
}
