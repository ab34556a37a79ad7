"""What the standard library forgets of the host when the interpreter locks.

lockdownlib.lockdown() calls forget() once, just before it sets the flag.
For each module already imported, its hook drops what the module cached of
the host (a hardware address, a directory, a path) or loads now what it
would otherwise read from a file later.  Paths in module metadata, sys,
linecache and os.environ are hidden by the interpreter itself
(Python/lockdown_paths.c); a module first imported once locked caches
nothing of the host, since its look-ups meet the guards.

Each hook is written for the module as it is in this release; a hook that
fails makes lockdown() raise after locking (it fails closed).  PRELOAD
names C modules whose library reads a file on first use: they are imported
before locking, so that a guest's import reads nothing.
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


def _inspect(module):
    # getmodule() maps the absolute paths of the modules it has seen.
    module.modulesbyfile.clear()
    module._filesbymodname.clear()


def _logging(module):
    # _srcfile is logging's own path, to tell its frames from its callers':
    # once locked its code's file reads as HIDDEN_PATH, and so must this.
    # A FileHandler keeps the absolute path of its log file (in its repr):
    # it goes on writing to the file it has open.
    import lockdownlib
    if module._srcfile and os.sep in module._srcfile:
        module._srcfile = lockdownlib.HIDDEN_PATH
    for ref in list(module._handlerList):
        handler = ref()
        if getattr(handler, "baseFilename", None) is not None:
            handler.baseFilename = lockdownlib.HIDDEN_PATH
            raw = getattr(getattr(handler.stream, "buffer", None), "raw", None)
            if raw is not None and hasattr(raw, "name"):
                raw.name = lockdownlib.HIDDEN_PATH


def _tempfile(module):
    # The host's temporary directory; once locked, gettempdir() is refused.
    module.tempdir = None


def _urllib_request(module):
    # thishost() and localhost() cache the host's addresses.
    module._thishost = module._localhost = None
    module.FileHandler.names = None
    module._url_tempfiles.clear()


def _uuid(module):
    # getnode() cached the hardware address; once locked it draws a random
    # node instead.
    module._node = None


HOOKS = {
    "builtins": _builtins,
    "gettext": _gettext,
    "inspect": _inspect,
    "logging": _logging,
    "tempfile": _tempfile,
    "urllib.request": _urllib_request,
    "uuid": _uuid,
}

# C modules of SAFE_MODULES that are shared libraries, not built in (their
# C libraries, OpenSSL and SQLite, would slow every start-up), and whose
# libraries read files when first used (OpenSSL its configuration): they
# are imported now, while files may still be read, so that a guest can
# import them once locked.
PRELOAD = ("_hashlib", "_ssl", "_sqlite3")


def prepare():
    """Load now what would be read from files later.  lockdown() calls it
    through forget(); a host that forks locked workers from one process
    (lockdownrun's zygote) calls it once before forking, so that no worker
    repeats the work."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    # mimetypes reads the host's tables on first use; once locked,
    # init() reads no file.
    mimetypes = sys.modules.get("mimetypes")
    if mimetypes is not None and not mimetypes.inited:
        mimetypes.init()


def forget():
    prepare()
    for name, hook in HOOKS.items():
        module = sys.modules.get(name)
        if module is not None:
            hook(module)
