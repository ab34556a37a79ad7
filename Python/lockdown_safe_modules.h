/* Written by Tools/lockdown/inventory.py from
   Lib/test/lockdown_inventory.json: lockdownlib.SAFE_MODULES.
   Do not edit; run the script with --update. */

#ifndef Py_INTERNAL_LOCKDOWN_SAFE_H
#define Py_INTERNAL_LOCKDOWN_SAFE_H

static const char * const _Py_lockdown_safe_modules[] = {
    "_abc",
    "_bisect",
    "_heapq",
    "_io",
    "_operator",
    "abc",
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

#endif /* !Py_INTERNAL_LOCKDOWN_SAFE_H */
