"""Scenarios of test_lockdown, one fresh interpreter each.

Run as ``python scenarios.py NAME [ARG...]``, as test_audit runs
audit-tests.py (``python -m test.test_lockdown.scenarios NAME [ARG...]``
works too, but imports the test package first).  Lockdown cannot be
undone, so each scenario runs in a process of its own, which imports
nothing but what the scenario uses.  A scenario prints one line,
``RESULT {json}``, with report(); the test checks what it saw.

Everything above the line that ends the prelude is also the prelude of the
scenarios given as code strings (util.PRELUDE, for check_refused()): keep
it to the imports and the helpers.
"""

import json
import lockdownlib
import os
import sys


def attempt(call):
    """Run CALL; describe its outcome as JSON-friendly data."""
    try:
        call()
    except lockdownlib.LockdownError as exc:
        return {"refused": True, "type": type(exc).__name__,
                "args": list(exc.args), "operation": exc.operation,
                "kind": exc.kind, "runtime": isinstance(exc, RuntimeError)}
    except BaseException as exc:
        return {"refused": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"refused": False, "error": None}


def report(**results):
    print("RESULT " + json.dumps(results), flush=True)

# End of the prelude.


# test_lockdownlib: the module itself.

def error_type():
    error = lockdownlib.LockdownError
    import_error = lockdownlib.LockdownImportError
    try:
        error.__init__ = None
    except TypeError:
        frozen = True
    else:
        frozen = False
    report(runtime=issubclass(error, RuntimeError),
           import_runtime=issubclass(import_error, error),
           import_import=issubclass(import_error, ImportError),
           name=error.__module__ + "." + error.__qualname__,
           frozen=frozen)


def one_way():
    before = lockdownlib.is_locked()
    lockdownlib.lockdown()
    lockdownlib.lockdown()        # harmless
    names = sorted(n for n in dir(lockdownlib) if not n.startswith("_"))
    report(before=before, after=lockdownlib.is_locked(), names=names,
           open=attempt(lambda: open(os.devnull)))


def except_runtime_error():
    lockdownlib.lockdown()
    try:
        open(os.devnull)
    except RuntimeError as exc:
        caught = str(exc)
    report(caught=caught)


def safe_modules_are_closed():
    import importlib
    before = set(sys.modules)
    for name in sorted(lockdownlib.SAFE_MODULES):
        importlib.import_module(name)
    report(safe=sorted(lockdownlib.SAFE_MODULES),
           new=sorted(set(sys.modules) - before),
           frozen=type(lockdownlib.SAFE_MODULES).__name__)


def objects_made_before_keep_working(path):
    f = open(path, "w+")
    lockdownlib.lockdown()
    f.write("kept")
    f.seek(0)
    text = f.read()
    f.close()
    print("stdout works")
    report(text=text)


def logging_keeps_working():
    import logging
    import threading
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logging.getLogger().addHandler(Keep())
    logging.warning("before")
    lockdownlib.lockdown()
    logged = attempt(lambda: logging.warning("after"))
    report(logged=logged, messages=[r.getMessage() for r in records],
           process=[r.process for r in records],
           stand_in=threading.main_thread().native_id)


def getpid_stand_in():
    import threading
    real = os.getpid()
    lockdownlib.lockdown(kernel=False)
    report(real=real, locked=[os.getpid(), os.getpid()],
           main=threading.main_thread().native_id)


def threads_see_lockdown_at_once():
    import threading
    import time
    done = False
    stop = False
    escapes = []
    refusals = []

    def worker():
        while not stop:
            started_after = done
            try:
                open(os.devnull).close()
            except RuntimeError:
                refusals.append(1)
            else:
                if started_after:
                    escapes.append(1)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    lockdownlib.lockdown()
    done = True
    time.sleep(0.05)
    stop = True
    for t in threads:
        t.join()
    report(escapes=len(escapes), refusals=len(refusals))


# test_guards: files, code objects, processes, the network, interpreters.

def create_has_no_side_effect(path):
    lockdownlib.lockdown()
    report(open=attempt(lambda: open(path, "w")),
           os_open=attempt(lambda: os.open(path, os.O_WRONLY | os.O_CREAT)))


def working_directory_is_a_placeholder():
    real = os.getcwd()
    lockdownlib.lockdown()
    report(cwd=os.getcwd(), cwdb=os.getcwdb().decode(),
           abspath=os.path.abspath("data.txt"), real=real)


def traceback_and_warnings_still_work():
    import linecache
    import traceback
    import warnings
    lockdownlib.lockdown()
    try:
        1/0
    except ZeroDivisionError:
        text = traceback.format_exc()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warnings.warn("still printed")
    report(text=text.splitlines()[-1],
           warning=str(w[0].message),
           lines=linecache.getlines(os.__file__))


def linecache_reads_no_source_once_locked():
    import linecache
    path = os.__file__
    unlocked = len(linecache.getlines(path))
    linecache.clearcache()
    lockdownlib.lockdown()
    locked = linecache.getlines(path)
    sys.modules["lockdownlib"] = None
    linecache.clearcache()
    report(unlocked=unlocked, locked=locked,
           blocked=linecache.getlines(path))


def replace_names_allowed():
    def sample(a, b=1):
        return a + b
    c = sample.__code__
    lockdownlib.lockdown()
    renamed = c.replace(co_name="other", co_qualname="other",
                        co_firstlineno=7)
    sample.__code__ = renamed
    report(name=renamed.co_name, result=sample(2))


def marshal_data_still_loads():
    import marshal
    data = marshal.dumps({"a": [1, 2.5, "x", b"y", None, (True,)]})
    lockdownlib.lockdown()
    report(value=repr(marshal.loads(data)))


def compiling_still_works():
    import ast
    lockdownlib.lockdown()
    namespace = {}
    exec(compile("def f(x):\n    return x * 2\n", "<guest>", "exec"),
         namespace)
    tree = ast.parse("40 + 2", mode="eval")
    report(exec=namespace["f"](21), eval=eval("6 * 7"),
           ast=eval(compile(tree, "<ast>", "eval")))


def code_swap_must_match_free_variables():
    def outer():
        x = 1
        def inner():
            return x
        return inner

    def plain():
        return 0

    lockdownlib.lockdown()
    try:
        plain.__code__ = outer().__code__
    except ValueError:
        outcome = "ValueError"
    else:
        outcome = "accepted"
    report(outcome=outcome)


def socketpair():
    import socket
    lockdownlib.lockdown()
    a, b = socket.socketpair()
    a.send(b"x")
    report(unix=b.recv(1).decode(),
           inet=attempt(lambda: socket.socketpair(socket.AF_INET)))


def sendmsg_to_an_address():
    import socket
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    address = receiver.getsockname()
    before = attempt(lambda: sender.sendmsg([b"a"], [], 0, address))
    got_before = receiver.recv(1).decode()
    lockdownlib.lockdown(kernel=False)
    after = attempt(lambda: sender.sendmsg([b"b"], [], 0, address))
    try:
        got_after = receiver.recv(1).decode()
    except TimeoutError:
        got_after = None
    report(before=before, got_before=got_before, after=after,
           got_after=got_after)


def bind_unix(path):
    import socket
    s = socket.socket(socket.AF_UNIX)
    lockdownlib.lockdown()
    report(bind=attempt(lambda: s.bind(path)))


def listening_socket_still_accepts():
    import socket
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    lockdownlib.lockdown()
    conn, _ = server.accept()
    client.sendall(b"ping")
    data = conn.recv(4)
    conn.sendall(b"pong")
    reply = client.recv(4)
    report(data=data.decode(), reply=reply.decode())


def queue_made_before_can_be_dropped():
    from test.support.interpreters import queues
    queue = queues.create()
    queue.put(1)
    lockdownlib.lockdown()
    put = attempt(lambda: queue.put(2))
    unraisable = []
    sys.unraisablehook = unraisable.append
    del queue
    report(put=put["refused"],
           unraisable=[repr(u.exc_value) for u in unraisable])


def c_api_refuses():
    import _interpreters
    import _testinternalcapi
    config = _interpreters.new_config("isolated")
    before = _testinternalcapi.run_in_subinterp_with_config("pass", config)
    lockdownlib.lockdown()
    try:
        _testinternalcapi.run_in_subinterp_with_config(
            "import os; os.system('true')", config)
    except Exception as exc:
        after = str(exc.__cause__ or exc.__context__)
    else:
        after = "created"
    report(before=before, after=after)


def subinterpreter_locks_itself():
    import _interpreters
    iid = _interpreters.create()
    excinfo = _interpreters.exec(iid, """if True:
        import lockdownlib, os
        lockdownlib.lockdown()
        try:
            open(os.devnull)
        except lockdownlib.LockdownError:
            pass
        else:
            raise AssertionError("not refused")
    """)
    report(excinfo=None if excinfo is None else str(excinfo),
           main_locked=lockdownlib.is_locked(),
           main_open=attempt(lambda: open(os.devnull).close()))


# test_guard_table: the guards of the rest of the standard library.

def guard_table(scratch, calls):
    """Run each expression of CALLS (a JSON list), unlocked and locked.

    Locked, the process cannot clean up SCRATCH, a directory: the test
    does."""
    # The calls name these modules, and the objects made below.
    import atexit
    import errno
    import faulthandler
    import grp
    import _interpchannels
    import _interpqueues
    import _locale
    import mmap
    import _multiprocessing
    import pwd
    import resource
    import signal
    import socket
    import ssl
    import termios
    import threading
    import time
    import _tracemalloc
    calls = json.loads(calls)
    data_path = os.path.join(scratch, "data")
    with open(data_path, "wb") as f:
        f.write(b"x" * 4096)
    data_fd = os.open(data_path, os.O_RDWR)
    null_fd = os.open(os.devnull, os.O_WRONLY)
    master, slave = os.openpty()
    prio = os.getpriority(os.PRIO_PROCESS, 0)
    affinity = os.sched_getaffinity(0)
    policy = os.sched_getscheduler(0)
    param = os.sched_getparam(0)
    groups = os.getgroups()
    uid, euid, gid, egid = os.getuid(), os.geteuid(), os.getgid(), os.getegid()
    pid, pgrp = os.getpid(), os.getpgrp()
    pt = os.posix_openpt(os.O_RDWR | os.O_NOCTTY)
    pidfd = os.pidfd_open(os.getpid())
    ns_fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
    attrs = termios.tcgetattr(slave)
    qid = _interpqueues.create(2, 0, 3)
    gone_qid = _interpqueues.create(2, 0, 3)
    cid, gone_cid = _interpchannels.create(3), _interpchannels.create(3)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    namespace = dict(globals(), **locals())

    def run(expr):
        try:
            eval(expr, namespace)
        except lockdownlib.LockdownError as exc:
            return {"refused": True, "operation": exc.operation,
                    "kind": exc.kind}
        except BaseException as exc:
            return {"refused": False, "error": type(exc).__name__}
        return {"refused": False, "error": None}

    before = [run(c) for c in calls]
    faulthandler.disable()
    faulthandler.cancel_dump_traceback_later()
    lockdownlib.lockdown()
    after = [run(c) for c in calls]
    report(before=before, after=after)


def what_stays_allowed():
    import _locale
    import mmap
    import signal
    lockdownlib.lockdown()
    report(query=attempt(lambda: _locale.setlocale(_locale.LC_ALL)),
           anonymous=attempt(lambda: mmap.mmap(-1, 4096)),
           getsignal=attempt(lambda: signal.getsignal(signal.SIGINT)),
           rw=attempt(lambda: os.write(1, b"")),
           cpu=attempt(os.cpu_count), urandom=attempt(lambda: os.urandom(8)))


# test_hiding: addresses and identifiers.

def ids():
    class Thing:
        pass
    thing = Thing()
    statics = [None, True, 1, (), len, int, sys]
    before = [id(o) for o in [thing] + statics]
    lockdownlib.lockdown()
    after = [id(o) for o in [thing] + statics]
    live = [Thing() for _ in range(20000)]
    report(before=before, after=after,
           again=[id(o) for o in [thing] + statics],
           live_unique=len({id(o) for o in live}) == len(live))


def id_is_not_a_linear_map_of_the_address():
    class Thing:
        pass
    things = [Thing() for _ in range(2000)]
    real = [id(t) for t in things]
    lockdownlib.lockdown()
    report(real=real, masked=[id(t) for t in things])


def thread_idents_are_not_addresses():
    import ctypes
    import faulthandler
    import signal
    import tempfile
    import threading
    import time
    libc = ctypes.CDLL(None)
    libc.pthread_self.restype = ctypes.c_ulong

    def observe():
        ident = threading.get_ident()
        signal.pthread_kill(ident, 0)
        with tempfile.TemporaryFile() as f:
            faulthandler.dump_traceback(f)
            f.seek(0)
            dump = f.read().decode()
        return {"ident": ident, "raw": libc.pthread_self(),
                "clock": time.pthread_getcpuclockid(ident),
                "native": threading.get_native_id(), "dump": dump,
                "in_frames": ident in sys._current_frames()}

    main = observe()
    seen = []
    worker = threading.Thread(target=lambda: seen.append(observe()))
    worker.start()
    worker.join()
    report(main=main, worker=seen[0], worker_ident=worker.ident,
           main_ident=threading.main_thread().ident)


def native_thread_ids_hide_the_pid():
    import threading
    pid = os.getpid()
    before = threading.get_native_id()
    main = threading.main_thread()
    lockdownlib.lockdown()
    after = threading.get_native_id()
    seen = []
    worker = threading.Thread(
        target=lambda: seen.append(threading.get_native_id()))
    worker.start()
    worker.join()
    report(pid=pid, before=before, after=after, recorded=main.native_id,
           worker=seen[0], worker_recorded=worker.native_id)


def reprs():
    import array

    class Thing:
        pass

    def func():
        pass

    def make_closure(value):
        return lambda: value

    thing = Thing()
    cell = make_closure(thing).__closure__[0]
    objects = {"object": thing, "function": func, "code": func.__code__,
               "memoryview": memoryview(b"x"), "cell": cell,
               "generator": (i for i in ()), "method": thing.__init__,
               "frame": sys._getframe()}
    real = {name: hex(id(o)) for name, o in objects.items()}
    arr = array.array("b", b"xyz")
    real_buffer = arr.buffer_info()[0]
    lockdownlib.lockdown()
    shown = {name: repr(o) for name, o in objects.items()}
    report(real=real, shown=shown,
           ids={name: hex(id(o)) for name, o in objects.items()},
           buffer_changed=arr.buffer_info()[0] != real_buffer)


def hash_hides_address_and_never_changes():
    class Thing:
        pass
    things = [Thing() for _ in range(100)]
    table = {t: i for i, t in enumerate(things)}
    hashes = [hash(t) for t in things]
    addresses = [id(t) for t in things]

    def rotated(x):
        x = ((x >> 4) | ((x & 15) << 60)) & (2**64 - 1)
        return x - 2**64 if x >= 2**63 else x

    lockdownlib.lockdown()
    report(same=[hash(t) for t in things] == hashes,
           lookups=all(table[t] == i for i, t in enumerate(things)),
           leaks=sum(h == rotated(a) for h, a in zip(hashes, addresses)))


def hash_key_is_not_the_hash_seed():
    # Unlocked: how many hashes a mix keyed by a zero seed would give.
    mask = 2**64 - 1

    def mix(x, k0=0, k1=0):
        x ^= k0
        x = (x * 0xbf58476d1ce4e5b9) & mask
        x ^= x >> 31
        x = (x + k1) & mask
        x = (x * 0x94d049bb133111eb) & mask
        x ^= x >> 29
        return x >> 4

    things = [object() for _ in range(50)]
    report(matches=sum(hash(t) == mix(id(t)) for t in things),
           seeded=hash("seeded"))


# test_hiding: file-system paths.

def module_attributes():
    import importlib
    import wsgiref
    import wsgiref.handlers
    lockdownlib.lockdown()
    report(hidden=lockdownlib.HIDDEN_PATH,
           file=wsgiref.__file__, cached=wsgiref.__cached__,
           origin=wsgiref.__spec__.origin,
           cached_spec=wsgiref.__spec__.cached,
           locations=list(wsgiref.__spec__.submodule_search_locations),
           package_path=list(wsgiref.__path__),
           loader=wsgiref.__loader__.path,
           handlers=wsgiref.handlers.__file__, repr=repr(wsgiref))


def sys_paths(arg):
    # ARG, a path, is on the command line for sys.orig_argv to hide.
    names = ["executable", "_base_executable", "prefix", "base_prefix",
             "exec_prefix", "base_exec_prefix", "platlibdir", "_stdlib_dir"]
    before = {name: getattr(sys, name) for name in names}
    lockdownlib.lockdown()
    report(before=before, after={name: getattr(sys, name) for name in names},
           path=sys.path, cache=len(sys.path_importer_cache),
           argv0=sys.argv[0], orig=[a for a in sys.orig_argv if "/" in a])


def environment():
    import posix
    before = len(os.environ)
    lockdownlib.lockdown()
    report(before=before, environ=dict(os.environ),
           environb=len(os.environb), posix=len(posix.environ),
           getenv=os.getenv("PATH"))


def sysconfig_values():
    import sysconfig
    prefix = sysconfig.get_config_var("prefix")
    sysconfig.get_config_vars()
    lockdownlib.lockdown()
    values = [v for v in sysconfig.get_config_vars().values()
              if isinstance(v, str)]
    report(prefix=prefix, leaks=[v for v in values if v == prefix])


def code_frames_tracebacks_warnings(directory):
    # DIRECTORY holds guestmod.py (PathTests.MODULE).
    import marshal
    import traceback
    import warnings
    sys.path.insert(0, directory)
    import guestmod
    lockdownlib.lockdown()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        guestmod.warn()
    try:
        guestmod.fail()
    except ValueError:
        text = traceback.format_exc()
    report(co_filename=guestmod.warn.__code__.co_filename,
           warning=caught[0].filename, traceback=text,
           frame=repr(guestmod.frame()), code=repr(guestmod.warn.__code__),
           marshal=directory.encode() in marshal.dumps(guestmod.warn.__code__),
           stack=[f.filename for f in traceback.extract_stack()])


# test_audit_layer: forbidden audit events are refused before any hook.

def deny_table():
    table = dict(lockdownlib.DENIED_AUDIT_EVENTS)
    seen = []

    def hook(event, args):
        if event in table:
            seen.append(event)

    sys.addaudithook(hook)
    before = {}
    for event in table:
        seen.clear()
        sys.audit(event)
        before[event] = list(seen)
    lockdownlib.lockdown()
    after = {}
    for event in table:
        seen.clear()
        outcome = attempt(lambda: sys.audit(event))
        after[event] = [outcome, list(seen)]
    report(table=table, before=before, after=after)


def host_identity_through_existing_objects(directory):
    import socket
    path = os.path.join(directory, "owned")
    with open(path, "w"):
        pass
    if os.getuid() == 0:
        os.chown(path, 65534, 65534)   # owned by someone: root is uid 0 anyway
    fd = os.open(path, os.O_RDONLY)
    a, b = socket.socketpair()
    before = [os.fstat(fd).st_uid, os.fstat(fd).st_gid]
    lockdownlib.lockdown(kernel=False)
    st = os.fstat(fd)
    report(before=before, after=[st.st_uid, st.st_gid],
           peercred=attempt(lambda: a.getsockopt(
               socket.SOL_SOCKET, socket.SO_PEERCRED, 12)),
           fstatvfs=attempt(lambda: os.fstatvfs(fd)))


def addresses_handed_out_by_c_code():
    import io
    import json.encoder
    import pickle
    obj = [object()]
    lockdownlib.lockdown(kernel=False)
    seen = []
    markers = {}

    def default(o):
        seen.extend(markers)
        return None

    encode = json.encoder.c_make_encoder(
        markers, default, json.encoder.py_encode_basestring, None, ":", ",",
        False, False, True)
    list(encode(obj, 0))
    pickler = pickle.Pickler(io.BytesIO())
    pickler.dump(obj)
    report(json=id(obj) in seen, pickle=id(obj) in pickler.memo.copy())


def semlock_address():
    import _multiprocessing
    lock = _multiprocessing.SemLock(1, 1, 1, "/ldp-test-%d" % os.getpid(),
                                    True)
    handle = lock.handle
    before = attempt(lambda: _multiprocessing.SemLock._rebuild(
        handle, 1, 1, None))
    lockdownlib.lockdown(kernel=False)
    after = attempt(lambda: _multiprocessing.SemLock._rebuild(
        handle, 1, 1, None))
    report(before=before, after=after, masked=lock.handle != handle)


def addaudithook_refused():
    seen = []
    lockdownlib.lockdown()
    outcome = attempt(lambda: sys.addaudithook(
        lambda event, args: seen.append(event)))
    id(1)
    report(outcome=outcome, seen=seen)


def allowed_events_pass():
    seen = []
    sys.addaudithook(lambda event, args: seen.append(event))
    lockdownlib.lockdown()
    seen.clear()            # lockdown() itself may import (_lockdown_forget)
    for event in ("builtins.id", "exec", "compile", "object.__setattr__",
                  "import", "socket.__new__", "marshal.loads", "code.__new__"):
        sys.audit(event)
    report(seen=seen)


# test_import

def refused_import_is_import_error():
    lockdownlib.lockdown()
    try:
        import ftplib
    except ModuleNotFoundError as exc:
        caught = isinstance(exc, RuntimeError)
    report(caught=caught)


def module_in_sys_modules():
    import json
    lockdownlib.lockdown()
    report(json=attempt(lambda: __import__("json")),
           os=attempt(lambda: __import__("os")))


def safe_builtin_module_still_imports():
    lockdownlib.lockdown()
    sys.modules.pop("itertools", None)
    safe = attempt(lambda: __import__("itertools"))
    sys.modules.pop("_symtable", None)     # built in, not safe
    unsafe = attempt(lambda: __import__("_symtable"))
    report(safe=safe, unsafe=unsafe["refused"])


def import_module_finds_nothing():
    import importlib
    sys.modules.pop("ftplib", None)
    lockdownlib.lockdown()
    try:
        importlib.import_module("ftplib")
    except ImportError as exc:
        outcome = type(exc).__name__
    report(outcome=outcome)


def frozen_init():
    import _imp
    before = _imp.init_frozen("__hello__") is not None
    lockdownlib.lockdown()
    report(before=before, after=_imp.init_frozen("__hello__"))


def frozen_code():
    import _imp
    before = attempt(lambda: _imp.get_frozen_object("__hello__"))
    lockdownlib.lockdown()
    report(before=before,
           after=attempt(lambda: _imp.get_frozen_object("__hello__")))


def zipimport_refused(archive):
    # ARCHIVE holds zipped_mod.py.
    sys.path.insert(0, archive)
    lockdownlib.lockdown()
    report(imp=attempt(lambda: __import__("zipped_mod")))


# test_inventory

def inventory_entries(data, mode):
    """The same scenario, MODE "unlocked" and then "locked", each in a
    fresh interpreter (an example may import or cache what it uses).  The
    callables of the modules marked "probe" in DATA (the inventory) are
    called with simple arguments; every blocked example is run."""
    import importlib
    entries = {}
    with open(data, encoding="utf-8") as f:
        for module, info in json.load(f)["modules"].items():
            for name, entry in info["callables"].items():
                if isinstance(entry, str):
                    entry = {"class": entry}
                entries[name] = dict(entry, module=module,
                                     probe=info.get("probe", False))
    # lockdown() locks; breakpoint() starts pdb unlocked and, its import
    # refused, only warns once locked; license() pages through input().
    skip = {"lockdownlib.lockdown", "builtins.breakpoint", "builtins.license"}

    def simple():
        return [(), (1,), ("a",), (2, 3), ([3, 1, 2],), (b"xy",), (1.5,)]

    def resolve(name):
        module = entries[name]["module"]
        return getattr(importlib.import_module(module),
                       name[len(module) + 1:])

    def outcomes(func):
        found = []
        for args in simple():
            try:
                func(*args)
            except lockdownlib.LockdownError:
                found.append("LockdownError")
            except BaseException as exc:
                found.append(type(exc).__name__)
            else:
                found.append("ok")
        return found

    for name in entries:
        resolve(name)               # import every module before locking
    # Examples name modules by their top-level package
    # (xml.dom.minidom.parse).
    namespace = {e["module"].partition(".")[0]:
                 importlib.import_module(e["module"].partition(".")[0])
                 for e in entries.values()}
    if mode == "locked":
        lockdownlib.lockdown()
    else:
        assert mode == "unlocked", mode
    report(allowed={n: outcomes(resolve(n)) for n, e in entries.items()
                    if e["class"] == "allowed" and e["probe"]
                    and n not in skip},
           existing={n: outcomes(resolve(n)) for n, e in entries.items()
                     if e["class"] == "existing-only" and e["probe"]
                     and n not in skip},
           examples={n: attempt(lambda e=e: eval(e["example"],
                                                 dict(namespace)))
                     for n, e in entries.items()
                     if e["class"] == "blocked"})


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
