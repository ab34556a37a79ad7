"""What the standard library forgets of the host when the interpreter locks.

lockdownlib.lockdown() calls forget() once, just before it sets the flag.
For each module already imported, its hook drops what the module cached of
the host (a hardware address, a directory, a path) or loads now what it
would otherwise read from a file later.  Paths in module metadata, sys,
linecache and os.environ are hidden by the interpreter itself
(Python/lockdown_paths.c); a module first imported once locked caches
nothing of the host, since its look-ups meet the guards.

Each hook is written for the module as it is in this release; a hook that
fails makes lockdown() raise after locking (it fails closed).
"""

import os
import sys


def _builtins(module):
    # site's license() printer keeps the paths of the LICENSE files.
    printer = getattr(module, "license", None)
    if hasattr(printer, "_Printer__filenames"):
        printer._Printer__filenames = []


def _gettext(module):
    # Under sys.base_prefix: where the interpreter is installed.
    import lockdownlib
    module._default_localedir = os.path.join(lockdownlib.HIDDEN_PATH,
                                             "share", "locale")


def _mimetypes(module):
    # Read the host's tables now; once locked, init() reads no file.
    if not module.inited:
        module.init()


def _tempfile(module):
    # The host's temporary directory; once locked, gettempdir() is refused.
    module.tempdir = None


def _uuid(module):
    # getnode() cached the hardware address; once locked it draws a random
    # node instead.
    module._node = None


HOOKS = {
    "builtins": _builtins,
    "gettext": _gettext,
    "mimetypes": _mimetypes,
    "tempfile": _tempfile,
    "uuid": _uuid,
}


def forget():
    for name, hook in HOOKS.items():
        module = sys.modules.get(name)
        if module is not None:
            hook(module)
