"""Write fuzz tests for Locked Down Python.

A fuzz test is a module Lib/test/fuzz_<name>.py that names what to fuzz
and hands over to this module::

    import itertools
    from test import fuzzhelper

    def targets(rng):               # rng: the run's random.Random
        return [itertools]          # modules, classes or callables

    if __name__ == "__main__":
        fuzzhelper.main(targets)

``python -m test.fuzz_<name>`` then fuzzes without end; ``--seconds S`` or
``--iterations N`` bound it, and ``--seed S`` replays a run.  Every run
happens in a child process that locks itself down (lockdownlib.lockdown())
before the first call, so that the parent sees a crash (and reports its
seed and the last call made) and so that a forbidden operation that
succeeds (an "escape") is caught: the child watches the audit events that
stand for such operations, and its working directory, which must stay
empty.  A crash or an escape is written to the regression corpus
(Lib/test/fuzzcorpus/), which test_lockdown replays on every run; a run in
which no call finishes for --hang-timeout seconds is reported as a hang
and stopped, but is no failure (some calls are merely slow).

The building blocks are usable on their own: Values makes random values of
many shapes (edge-case numbers, odd strings, nested containers, hostile
objects whose __eq__, __hash__, __index__, __len__, __iter__ or
__getattr__ misbehave); Walker finds the callables of a module, its
classes and the objects they return; Fuzzer calls them with generated
arguments.

Hostile fuzzing (fuzz_bytes, fuzz_str, fuzz_list, fuzz_dict, fuzz_io,
fuzz_itertools, fuzz_functools, fuzz_deep) goes further:
hostile_targets() returns callables that each build one call (a fresh
receiver, arguments) and then arm it, so that the dunder methods of its
hostile arguments (Hostiles, HostileMixin) can clear, resize, re-initialise
or drop the receiver and the other arguments, re-enter the call or raise
while it runs (Saboteur), and pass objects nested up to a million deep.
LDP_FUZZ_TRACE=1 makes the strikes print to stderr, to minimise a crash:
run the child directly (python -m test.fuzz_X --child --progress 1 --seed
S --iterations N, with PYTHONHASHSEED=S).  Release builds rarely crash on
a read of freed memory: PYTHONMALLOC=debug (or the ASan build) shows more.
"""

import argparse
import importlib
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "fuzzcorpus")
ORACLE_SOURCE = os.path.join(HERE, os.pardir, os.pardir, "Tools", "lockdown",
                             "oracle", "seccomp_oracle.c")


class OracleUnavailable(Exception):
    """The kernel oracle cannot run here (not Linux x86-64, no compiler,
    no seccomp)."""


def build_oracle(directory):
    """Compile the kernel oracle into DIRECTORY; return the library's path."""
    import platform
    import shutil
    if sys.platform != "linux" or platform.machine() != "x86_64":
        raise OracleUnavailable("the oracle needs Linux on x86-64")
    if not os.path.exists(ORACLE_SOURCE):
        raise OracleUnavailable(f"{ORACLE_SOURCE} is missing")
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise OracleUnavailable("no C compiler to build the oracle")
    path = os.path.join(directory, "seccomp_oracle.so")
    proc = subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", path,
                           ORACLE_SOURCE], capture_output=True, text=True)
    if proc.returncode:
        raise OracleUnavailable(f"the oracle does not compile:\n{proc.stderr}")
    return path


def load_oracle(path):
    """Load the oracle library (before lockdown: it is a file)."""
    import ctypes
    lib = ctypes.CDLL(path, use_errno=True)
    lib.oracle_name.restype = ctypes.c_char_p
    lib.oracle_name.argtypes = [ctypes.c_int]
    lib.oracle_install.argtypes = [ctypes.c_int]
    return lib


def install_oracle(lib, progress):
    """Trap forbidden system calls from now on; report them on PROGRESS."""
    import ctypes
    if lib.oracle_install(progress) != 0:
        errno = ctypes.get_errno()
        raise OracleUnavailable(f"seccomp refused the filter: {os.strerror(errno)}")


def syscall_name(lib, number):
    name = lib.oracle_name(number)
    return name.decode() if name else f"syscall {number}"

# Audit events that stand for an operation a locked interpreter must
# refuse: the events of lockdownlib.OPERATIONS (Python/lockdown_operations.txt).
# Guards refuse before the event is raised, and the deny layer refuses the
# rest before any hook runs, so one of these seen after lockdown means an
# unguarded door: an escape.  And a few events of operations that no locked
# code should reach at all, guarded or not.
EXTRA_FORBIDDEN_EVENTS = frozenset({
    "compile-pyc",                      # py_compile writes a file
    "cpython._PySys_ClearAuditHooks",   # the host's hooks removed
    "mmap.__new__",                     # mmap is not a safe module
})


def _forbidden_events():
    try:
        import lockdownlib
    except ImportError:         # not the fork: nothing is locked anyway
        return EXTRA_FORBIDDEN_EVENTS
    return EXTRA_FORBIDDEN_EVENTS | frozenset(
        event for _, event, _ in lockdownlib.OPERATIONS.values() if event)


FORBIDDEN_EVENTS = _forbidden_events()


class Values:
    """Random values of many shapes, from one random.Random."""

    EDGE_INTS = (0, 1, -1, 2, 255, 256, -256, 2**15 - 1, 2**31 - 1, 2**31,
                 -2**31, -2**31 - 1, 2**32, 2**63 - 1, 2**63, -2**63,
                 -2**63 - 1, 2**64, sys.maxsize, -sys.maxsize - 1,
                 sys.maxsize + 1, 10**100)
    EDGE_FLOATS = (0.0, -0.0, 1.0, -1.0, 0.5, float("inf"), float("-inf"),
                   float("nan"), 1e308, -1e308, 5e-324, 2.0**53, 1e-10)
    ODD_STRINGS = ("", "a", "\x00", "\ud800", "\udfff", "\U0010ffff",
                   "e\u0301", "\u202e", "\uffff", "%s%d%n", "{0}", "\n\r\t",
                   "0", "-1", "nan", "  ", "a" * 1000, "\u00e9" * 50)

    def __init__(self, rng, depth=3, small=False):
        self.rng = rng
        self.depth = depth
        self.small = small          # only small numbers: no slow calls
        self.pool = []              # objects found or returned by calls

    def value(self, depth=None):
        depth = self.depth if depth is None else depth
        r = self.rng.random()
        if self.pool and r < 0.25:
            return self.rng.choice(self.pool)
        makers = [self.integer, self.floating, self.string, self.bytes_like,
                  self.constant, self.hostile, self.callable_]
        if depth > 0:
            makers += [self.container, self.container]
        return self.rng.choice(makers)(depth)

    def integer(self, depth=0):
        rng = self.rng
        r = rng.random()
        if self.small:
            return rng.randint(-5, 20)
        if r < 0.4:
            return rng.choice(self.EDGE_INTS)
        if r < 0.8:
            return rng.randint(-10, 100)
        bits = rng.choice((8, 16, 32, 64, 65, 128, 1000))
        return rng.getrandbits(bits) * rng.choice((1, -1))

    def floating(self, depth=0):
        if self.rng.random() < 0.6:
            return self.rng.choice(self.EDGE_FLOATS)
        return self.rng.uniform(-1e6, 1e6)

    def string(self, depth=0):
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(self.ODD_STRINGS)
        length = rng.choice((1, 2, 5, 20, 100))
        top = rng.choice((0x7f, 0xff, 0xffff, 0x10ffff))
        return "".join(chr(rng.randint(0, top)) for _ in range(length))

    def bytes_like(self, depth=0):
        rng = self.rng
        data = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, 4, 16, 100))))
        kind = rng.random()
        if kind < 0.6:
            return data
        if kind < 0.85:
            return bytearray(data)
        return memoryview(data)

    def constant(self, depth=0):
        return self.rng.choice((None, True, False, Ellipsis, NotImplemented,
                                object(), int, str, type, object, 1j,
                                complex("nan+infj"), slice(None, -1, 2),
                                range(-5, 5, 3)))

    def container(self, depth):
        rng = self.rng
        items = [self.value(depth - 1) for _ in range(rng.choice((0, 1, 2, 3, 6)))]
        kind = rng.randrange(6)
        if kind == 0:
            return items
        if kind == 1:
            return tuple(items)
        if kind == 2:
            return {self.hashable(): v for v in items}
        if kind == 3:
            return {self.hashable() for _ in items}
        if kind == 4:
            return frozenset(self.hashable() for _ in items)
        return iter(items)

    def hashable(self):
        return self.rng.choice((self.integer, self.string, self.floating))()

    def callable_(self, depth=0):
        rng = self.rng
        result = self.value(0) if depth else None
        return rng.choice((
            lambda *a, **k: result,
            lambda *a, **k: 1 / 0,
            len, repr, abs, id, hash, type,
            lambda x=None: x,
        ))

    def hostile(self, depth=0):
        """An object whose protocol methods misbehave."""
        rng = self.rng
        values = self
        seed = rng.getrandbits(32)
        behaviours = {}
        for method in ("__eq__", "__lt__", "__hash__", "__index__", "__int__",
                       "__float__", "__len__", "__iter__", "__bool__",
                       "__getitem__", "__contains__", "__getattr__",
                       "__call__", "__repr__", "__fspath__", "__enter__",
                       "__exit__", "__next__", "__buffer__", "__format__"):
            if rng.random() < 0.4:
                behaviours[method] = rng.randrange(4)

        def pick(method, normal):
            mode = behaviours.get(method)
            local = random.Random(seed ^ hash(method))
            if mode is None or mode == 0:
                return normal()
            if mode == 1:
                raise local.choice((ValueError, TypeError, RuntimeError,
                                    OverflowError, MemoryError,
                                    RecursionError, StopIteration))("hostile")
            if mode == 2:
                return values.value(0)
            return local.choice((-1, 2**64, -2**63, 0, None, "x", 1.5))

        class Hostile:
            def __eq__(self, other):
                return pick("__eq__", lambda: self is other)

            def __lt__(self, other):
                return pick("__lt__", lambda: False)

            def __hash__(self):
                return pick("__hash__", lambda: seed)

            def __index__(self):
                return pick("__index__", lambda: seed % 7)

            def __int__(self):
                return pick("__int__", lambda: 3)

            def __float__(self):
                return pick("__float__", lambda: 1.5)

            def __len__(self):
                return pick("__len__", lambda: 2)

            def __iter__(self):
                return pick("__iter__", lambda: iter((1, self, "x")))

            def __bool__(self):
                return pick("__bool__", lambda: True)

            def __getitem__(self, key):
                return pick("__getitem__", lambda: key)

            def __contains__(self, item):
                return pick("__contains__", lambda: False)

            def __getattr__(self, name):
                if name.startswith("__") and name.endswith("__"):
                    raise AttributeError(name)
                return pick("__getattr__", lambda: values.value(0))

            def __call__(self, *args, **kwargs):
                return pick("__call__", lambda: args)

            def __repr__(self):
                result = pick("__repr__", lambda: "<hostile>")
                return result if isinstance(result, str) else "<hostile!>"

            def __fspath__(self):
                return pick("__fspath__", lambda: "/etc/passwd")

            def __format__(self, spec):
                result = pick("__format__", lambda: "hostile")
                return result if isinstance(result, str) else "hostile!"

        return Hostile()

    def remember(self, obj, limit=500):
        pool = self.pool
        if len(pool) < limit:
            pool.append(obj)
        else:
            pool[self.rng.randrange(limit)] = obj


# -- Hostile arguments -------------------------------------------------------
#
# Values.hostile() misbehaves on its own.  CPython's memory-safety bugs come
# from arguments that misbehave *at the objects of the call*: an __index__
# that shrinks the array being assigned to, a __buffer__ that clears the
# bytearray being searched or drops the last reference to the very item
# being joined, an iterator that re-enters the iterator wrapping it.  So a
# hostile call is built first (receiver, arguments) and then armed: the
# dunder methods of its hostile arguments hold a Saboteur that knows the
# receiver, the other arguments and how to repeat the call.

# The things a hostile dunder method may do before it answers.
ACTIONS = ("clear", "shrink", "grow", "reinit", "drop", "reenter", "raise",
           "raise", "nothing")

# The dunder methods a hostile object can misbehave in; __del__ strikes
# when a "drop" (or the end of the call) frees the object.
HOSTILE_DUNDERS = ("__index__", "__int__", "__float__", "__buffer__",
                   "__len__", "__iter__", "__next__", "__eq__", "__lt__",
                   "__hash__", "__format__", "__fspath__", "__del__",
                   "__getitem__", "__call__", "__bool__", "__contains__")


class Saboteur:
    """What the hostile arguments of one call do to that call's objects.

    VICTIMS are the receiver and the mutable arguments (cleared, resized or
    re-initialised), HOLDERS the containers that hold hostile arguments (a
    "drop" empties them, so that an argument loses its last reference while
    the callee still uses it), CALL repeats the call (re-entry)."""

    # Arguments for a victim's __init__ when it is re-initialised (type:
    # function returning the arguments); a fuzz test adds its own types.
    # Types not here are re-initialised with no arguments.
    REINIT = {bytearray: lambda: (b"re-init",)}

    def __init__(self, rng, trace=None):
        self.rng = rng
        self.victims = []
        self.holders = []
        self.call = None
        self.budget = 0             # strikes left; 0 once disarmed
        self.depth = 0              # re-entries under way
        self.trace = trace          # a file descriptor, or None

    def arm(self, call):
        self.call = call
        self.budget = self.rng.choice((1, 1, 2, 3, 8))

    def disarm(self):
        # After the call the hostile objects live on (in the pool, in
        # results) but must not strike at unrelated calls: a crash must be
        # the call's own, to be minimised.
        self.budget = 0
        self.call = None
        self.victims.clear()
        self.holders.clear()

    def strike(self, dunder, actions):
        """Maybe do one of ACTIONS (before DUNDER answers)."""
        rng = self.rng
        if self.budget <= 0 or rng.random() < 0.3:
            return
        self.budget -= 1
        action = rng.choice(actions)
        victim = rng.choice(self.victims) if self.victims else None
        if self.trace is not None:
            os.write(self.trace, f"strike {dunder} {action} "
                                 f"{type(victim).__name__}\n".encode())
        if action == "raise":
            raise rng.choice((ValueError, TypeError, IndexError, KeyError,
                              RuntimeError, StopIteration, MemoryError,
                              RecursionError, BufferError))("hostile")
        if action == "reenter":
            if self.call is not None and self.depth < 3:
                self.depth += 1
                try:
                    self.call()
                except Exception:
                    pass
                finally:
                    self.depth -= 1
        elif action == "drop":
            for holder in self.holders:
                try:
                    holder.clear()
                except Exception:
                    pass
        elif victim is not None and action != "nothing":
            self.mutate(victim, action)

    def mutate(self, victim, action):
        rng = self.rng
        attempts = {
            "clear": (lambda v: v.clear(), lambda v: v.__delitem__(slice(None)),
                      lambda v: v.truncate(0), lambda v: v.release(),
                      lambda v: v.close()),
            "shrink": (lambda v: v.__delitem__(slice(rng.randrange(3), None)),
                       lambda v: v.pop(), lambda v: v.popitem(),
                       lambda v: v.truncate(rng.randrange(3))),
            "grow": (lambda v: v.extend(b"\xff" * rng.choice((1, 100, 5000))),
                     lambda v: v.extend([0] * rng.choice((1, 100, 5000))),
                     lambda v: v.update({-i: i for i in range(
                         rng.choice((8, 100, 5000)))}),
                     lambda v: v.update(range(rng.choice((8, 100, 5000)))),
                     lambda v: v.write(b"\xff" * rng.choice((1, 10000))),
                     lambda v: v.write("\xff" * rng.choice((1, 10000)))),
            "reinit": (lambda v: type(v).__init__(
                           v, *self.REINIT.get(type(v), tuple)()),),
        }[action]
        for attempt in attempts:
            try:
                attempt(victim)
                return
            except Exception:
                continue


class HostileMixin:
    """The dunder methods of hostile objects.  Each asks its Saboteur
    whether to strike, then answers (normally, or oddly)."""

    def _act(self, dunder, normal, odd=()):
        actions = self._modes.get(dunder)
        if actions is not None and self._plan is not None:
            self._plan.strike(dunder, actions)
            if odd and self._plan.rng.random() < 0.3:
                return self._plan.rng.choice(odd)
        return normal()

    def __index__(self):
        return self._act("__index__", lambda: self._number,
                         (0, -1, 1, 2**31, 2**63, -2**63 - 1, 10**6))

    def __int__(self):
        return self._act("__int__", lambda: self._number, (0, -1, 2**64))

    def __float__(self):
        return self._act("__float__", lambda: float(self._number),
                         (float("nan"), float("inf"), -0.0))

    def __buffer__(self, flags):
        return self._act("__buffer__", lambda: memoryview(self._data))

    def __len__(self):
        return self._act("__len__", lambda: len(self._items),
                         (0, 1, 2**31, sys.maxsize))

    def __iter__(self):
        return self._act("__iter__", lambda: self if self._iterator
                         else iter(self._items))

    def __next__(self):
        def normal():
            if self._position >= len(self._items):
                raise StopIteration
            self._position += 1
            return self._items[self._position - 1]
        return self._act("__next__", normal)

    def __getitem__(self, key):
        def normal():
            if isinstance(key, int) and 0 <= key < len(self._items):
                return self._items[key]
            raise IndexError(key)
        return self._act("__getitem__", normal)

    def __eq__(self, other):
        return self._act("__eq__", lambda: self is other,
                         (True, False, NotImplemented))

    def __lt__(self, other):
        return self._act("__lt__", lambda: self._number < 3,
                         (True, NotImplemented))

    def __hash__(self):
        return self._act("__hash__", lambda: self._number, (0, -1, 2**63))

    def __format__(self, spec):
        return self._act("__format__", lambda: "hostile")

    def __fspath__(self):
        return self._act("__fspath__", lambda: "hostile")

    def __call__(self, *args, **kwargs):
        return self._act("__call__", lambda: args[0] if args else self._number,
                         (None, 0, True, ()))

    def __bool__(self):
        return self._act("__bool__", lambda: self._number % 2 == 0)

    def __contains__(self, item):
        return self._act("__contains__", lambda: False)

    def __del__(self):
        # An exception here would only be printed (to a pipe that nobody
        # drains before the run ends): swallow it.
        try:
            self._act("__del__", lambda: None)
        except BaseException:
            pass


def _hostile_classes():
    # Subclasses of built-in types pass the exact-type and subtype checks
    # of C fast paths and still misbehave in their Python dunders.
    classes = {object: type("Hostile", (HostileMixin,), {})}
    for base in (int, str, bytes, list, dict, tuple, float):
        classes[base] = type(f"Hostile_{base.__name__}", (HostileMixin, base),
                             {})
    return classes


class Hostiles:
    """Hostile objects and arguments for calls armed by a Saboteur.

    begin() starts a call: the objects made until the next begin() strike
    at that call.  The fuzz tests of Lib/test/fuzz_bytes.py and friends
    use them through hostile_targets()."""

    CLASSES = _hostile_classes()

    def __init__(self, rng, values, deep=0.02, depths=(10, 1000, 10_000),
                 trace=None):
        self.rng = rng
        self.values = values
        self.deep_rate = deep       # share of arguments that nest deeply
        self.depths = depths
        self.trace = trace
        self.plan = Saboteur(rng, trace)
        self.victim_makers = []     # fresh mutable objects of the group

    def begin(self):
        self.plan = Saboteur(self.rng, self.trace)
        return self.plan

    def hostile(self, base=None, items=None):
        """A hostile object (a subclass of BASE, or of a random type)."""
        rng = self.rng
        if base is None:
            base = rng.choice((object, object, object, int, str, bytes, list,
                               dict, tuple, float))
        cls = self.CLASSES[base]
        number = rng.choice((0, 1, 2, 3, 7, -1, 100))
        seed = {int: number, float: 1.5, str: "hostile", bytes: b"hostile",
                list: [1, 2], dict: {1: 2}, tuple: (1, 2)}.get(base)
        obj = cls() if seed is None else cls(seed)
        obj._plan = self.plan
        obj._number = number
        obj._data = rng.choice((b"", b"x", b"abc", bytearray(b"abcdef" * 10)))
        obj._iterator = rng.random() < 0.5
        obj._position = 0
        obj._items = items if items is not None else [
            rng.choice((0, 1, "a", b"b", 2.5, None)) for _ in range(
                rng.choice((0, 1, 3, 10)))]
        modes = {}
        for dunder in HOSTILE_DUNDERS:
            if rng.random() < 0.35:
                modes[dunder] = tuple(rng.sample(ACTIONS, rng.randint(1, 3)))
        obj._modes = modes
        return obj

    def holder(self, kind=None):
        """A container of hostile and plain items, which a "drop" empties."""
        rng = self.rng
        items = [self.hostile() if rng.random() < 0.6
                 else self.values.value(0) for _ in range(rng.choice(
                     (1, 2, 3, 8)))]
        kind = kind or rng.choice(("list", "list", "dict", "iter", "tuple"))
        if kind == "dict":
            holder = {}
            for item in items:
                try:
                    holder[item] = self.hostile()
                except Exception:       # unhashable, or a hostile __hash__
                    pass
        else:
            holder = items
        self.plan.holders.append(holder)
        if kind == "iter":
            return iter(holder)
        if kind == "tuple":
            # The tuple's items outlive a drop; the list's do not.
            return tuple(holder)
        return holder

    def victim(self):
        """A fresh mutable object of the fuzz test's group, or a list."""
        rng = self.rng
        make = rng.choice(self.victim_makers or [lambda h: [1, 2, 3]])
        obj = make(self)
        self.plan.victims.append(obj)
        return obj

    def argument(self, plain=()):
        rng = self.rng
        r = rng.random()
        if r < self.deep_rate:
            return self.deep()
        if r < 0.45:
            return self.hostile()
        if r < 0.6:
            return self.holder()
        if r < 0.75:
            return self.victim()
        if plain and r < 0.85:
            return rng.choice(plain)
        return self.values.value(1)

    def deep(self, depth=None):
        """A deeply nested object: a chain of iterator wrappers, nested
        containers or a long exception chain."""
        rng = self.rng
        depth = depth or rng.choice(self.depths)
        kind = rng.randrange(6)
        if self.trace is not None:
            os.write(self.trace, f"deep {kind} {depth}\n".encode())
        if kind == 0:
            it = iter(range(depth)) if rng.random() < 0.5 else self.hostile()
            wrappers = (lambda i: map(abs, i), lambda i: filter(None, i),
                        zip, enumerate, itertools.chain, lambda i:
                        itertools.islice(i, None),
                        itertools.chain.from_iterable, itertools.pairwise,
                        lambda i: map(lambda x: x, i), itertools.accumulate)
            wrap = rng.choice(wrappers)
            for _ in range(depth):
                it = wrap(it)
            return it
        if kind == 4:
            error = None
            link = rng.choice(("__context__", "__cause__"))
            for i in range(depth):
                new = ValueError(i)
                setattr(new, link, error)
                error = new
            return error
        obj = self.hostile() if rng.random() < 0.3 else 0
        for i in range(depth):
            if kind == 1:
                obj = [obj]
            elif kind == 2:
                obj = {i: obj}
            elif kind == 3:
                obj = (obj,)
            else:
                obj = [i, (obj, {})]
        return obj


# Methods hostile_targets() does not call: they replace the object's type
# or attributes, or only look the type up.
HOSTILE_SKIP = frozenset({
    "__class__", "__new__", "__init_subclass__", "__subclasshook__",
    "__getattribute__", "__setattr__", "__delattr__", "__dir__",
    "__class_getitem__", "__reduce__", "__reduce_ex__", "__getstate__",
    "__sizeof__", "__subclasses__"})


def hostile_targets(rng, receivers=(), functions=(), victims=(), deep=0.02,
                    depths=(10, 1000, 10_000), reinit=None):
    """Callables for a Fuzzer, each of which makes a hostile call.

    RECEIVERS: (name, make) pairs; make(hostiles) returns a fresh object
    whose every method gets a target "name.method".  FUNCTIONS: callables
    called with hostile arguments.  VICTIMS: functions make(hostiles) of
    the group's mutable objects, passed as further arguments and cleared or
    resized by hostile ones.  DEEP: the share of arguments that nest
    deeply, DEPTHS how deeply (a million overflows the C stack of many
    a C function that recurses: fuzz_deep's business).  REINIT: {type: function returning __init__ arguments} for
    re-initialising victims (Saboteur.REINIT).

    A call's positional arguments (from the Fuzzer) become plain arguments
    that may be mixed in."""
    trace = None
    if os.environ.get("LDP_FUZZ_TRACE"):
        trace = 2       # stderr: what each strike did, to minimise a crash
    hostiles = Hostiles(rng, Values(rng, depth=1), deep=deep, depths=depths,
                        trace=trace)
    hostiles.victim_makers = list(victims)
    if reinit:
        Saboteur.REINIT.update(reinit)
    invoke = eval("lambda f, a: f(*a)", {"__builtins__": __builtins__})

    def arguments(plain):
        return [hostiles.argument(plain)
                for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))]

    def make_call(name, func_of):
        def call(*plain):
            plan = hostiles.begin()
            try:
                func = func_of()
            except Exception:
                plan.disarm()
                return None
            args = arguments(plain)
            plan.arm(lambda: invoke(func, args))
            try:
                return invoke(func, args)
            finally:
                plan.disarm()
        call.__name__ = call.__qualname__ = name
        return call

    calls = []
    for name, make in receivers:
        # The sample only shows the methods; a hostile argument may make
        # its construction fail, so try a few.
        for _ in range(20):
            try:
                sample = make(hostiles)
                break
            except Exception:
                continue
        else:
            continue
        for attr in sorted(dir(sample)):
            if attr in HOSTILE_SKIP or not callable(getattr(sample, attr,
                                                            None)):
                continue

            def func_of(make=make, attr=attr):
                receiver = make(hostiles)
                hostiles.plan.victims.append(receiver)
                return getattr(receiver, attr)
            calls.append(make_call(f"{name}.{attr}", func_of))
    for func in functions:
        name = getattr(func, "__qualname__", None) or repr(func)
        module = getattr(func, "__module__", None)
        if module:
            name = f"{module}.{name}"
        calls.append(make_call(name, lambda func=func: func))
    return calls


class Walker:
    """Find what can be called in modules, classes and returned objects."""

    # Callables that would only stop the run, not test the interpreter.
    SKIP = frozenset({"exit", "quit", "input", "breakpoint", "help",
                      "copyright", "credits", "license", "lockdown",
                      "_exit", "abort",
                      # Wait for a signal, a terminal or a debugger user.
                      "pause", "sigwait", "sigwaitinfo", "interact",
                      "set_trace", "post_mortem", "pm", "run_forever",
                      "default_int_handler", "interrupt_main"})

    def __init__(self, rng, depth=2):
        self.rng = rng
        self.depth = depth
        self.seen = set()
        self.callables = []         # (name, callable)
        self.base = 0               # callables of the targets themselves

    def add(self, name, obj, depth=None):
        depth = self.depth if depth is None else depth
        if id(obj) in self.seen:
            return
        self.seen.add(id(obj))
        if callable(obj) and name.rpartition(".")[2] not in self.SKIP:
            self.callables.append((name, obj))
        if depth <= 0:
            return
        if isinstance(obj, type) or type(obj).__name__ == "module":
            for attr in sorted(dir(obj)):
                if attr in ("__class__", "__subclasses__", "__base__",
                            "__bases__", "__mro__", "__init_subclass__"):
                    continue
                try:
                    value = getattr(obj, attr)
                except Exception:
                    continue
                if type(value).__name__ == "module":
                    continue
                self.add(f"{name}.{attr}", value, depth - 1)

    def add_instance(self, obj):
        """Add the methods of an object a call returned."""
        if len(self.callables) > 5000:
            return
        for attr in dir(type(obj)):
            if attr.startswith("__") and attr not in (
                    "__getitem__", "__setitem__", "__delitem__", "__iter__",
                    "__next__", "__call__", "__reduce__", "__reduce_ex__",
                    "__setstate__", "__format__", "__sizeof__", "__len__",
                    "__contains__", "__enter__", "__exit__", "__copy__",
                    "__deepcopy__"):
                continue
            try:
                value = getattr(obj, attr)
            except Exception:
                continue
            if callable(value):
                name = f"<{type(obj).__name__}>.{attr}"
                if attr not in self.SKIP:
                    self.callables.append((name, value))


class Fuzzer:
    """Call what a Walker found with what Values makes."""

    def __init__(self, targets, rng, depth=3, progress=None):
        self.rng = rng
        self.values = Values(self.rng, depth)
        self.walker = Walker(self.rng)
        self.progress = progress    # a file descriptor, or None
        for target in targets:
            if isinstance(target, type) or callable(target) \
                    or type(target).__name__ == "module":
                name = getattr(target, "__name__", type(target).__name__)
                self.walker.add(name, target)
            else:
                self.walker.add_instance(target)      # its methods
            if type(target).__name__ != "module":
                self.values.remember(target)
        if not self.walker.callables:
            raise ValueError("nothing callable among the targets")
        self.walker.base = len(self.walker.callables)
        self.calls = 0
        # Targets are called from a frame whose globals are a throwaway
        # dict: globals() called from C returns the caller's, and fuzzed
        # code may clear it; the harness's own must survive.
        self.call = eval("lambda f, a, k: f(*a, **k)",
                         {"__builtins__": __builtins__})

    def arguments(self):
        rng = self.rng
        count = rng.choice((0, 1, 1, 2, 2, 3, 4))
        args = [self.values.value() for _ in range(count)]
        kwargs = {}
        if rng.random() < 0.1:
            kwargs[rng.choice(("key", "default", "start", "stop", "n", "x",
                               "errors", "encoding", "strict", "r"))] = \
                self.values.value(1)
        return args, kwargs

    # What step() needs is bound at definition time: fuzzed code may clear
    # module globals (globals() called from C is this module's) or builtins.
    def step(self, _write=os.write, _len=len, _isinstance=isinstance,
             _plain=(int, float, str, bytes), _errors=BaseException):
        name, func = self.rng.choice(self.walker.callables)
        args, kwargs = self.arguments()
        self.calls += 1
        if self.progress is not None:
            line = f"{self.calls} {name}({_len(args)} args)\n"
            _write(self.progress, line.encode("utf-8", "replace"))
        try:
            result = self.call(func, args, kwargs)
        except _errors:
            return
        if result is not None and not _isinstance(result, _plain):
            self.values.remember(result)
            if self.rng.random() < 0.05:
                self.walker.add_instance(result)


def install_escape_watch(progress):
    """Report and stop at the first forbidden audit event after lockdown."""
    import lockdownlib
    is_locked = lockdownlib.is_locked
    # Locked code cannot end the process with os._exit(): leave through
    # SystemExit.
    write, exit_now = os.write, sys.exit
    # A locked interpreter still imports SAFE_MODULES, from itself.
    safe = frozenset(lockdownlib.SAFE_MODULES)
    forbidden = FORBIDDEN_EVENTS

    def hook(event, args):
        if event not in forbidden or not is_locked():
            return
        if event == "import" and args and args[0] in safe:
            return
        message = f"ESCAPE {event} {args!r:.200}\n"
        write(progress, message.encode("utf-8", "replace"))
        exit_now(3)

    sys.addaudithook(hook)


def run_child(targets, args, lock=True):
    """The child: lock down (unless the fuzz test locks by itself), then
    fuzz until the bound."""
    import lockdownlib
    if args.memory:
        try:
            import resource
            limit = args.memory * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    progress = args.progress
    rng = random.Random(args.seed)
    fuzzer = Fuzzer(targets(rng), rng, progress=progress)
    oracle = load_oracle(args.oracle_lib) if args.oracle_lib else None
    if lock and not args.unlocked:
        install_escape_watch(progress)
        lockdownlib.lockdown()
        if oracle is not None:
            install_oracle(oracle, progress)
    # Everything the loop needs is local: fuzzed code may clear this
    # module's globals or change builtins.
    monotonic = time.monotonic
    deadline = None if args.seconds is None else monotonic() + args.seconds
    # Locked code cannot end the process with os._exit(): leave through
    # SystemExit.
    step, write, exit_now = fuzzer.step, os.write, sys.exit
    iterations, out_of_memory = args.iterations, MemoryError
    start = monotonic()
    while True:
        if iterations is not None and fuzzer.calls >= iterations:
            break
        if deadline is not None and fuzzer.calls % 64 == 0 \
                and monotonic() > deadline:
            break
        try:
            step()
        except out_of_memory:
            # The run's memory limit, reached by a hostile argument (an
            # endless iterator extending a list, say): let go of what the
            # run kept and go on.  No crash: the interpreter coped.
            fuzzer.values.pool.clear()
            del fuzzer.walker.callables[fuzzer.walker.base:]
    elapsed = monotonic() - start
    write(progress, b"DONE %d %.3f\n" % (fuzzer.calls, elapsed))
    exit_now(0)


class Outcome:
    def __init__(self, name, seed, status, calls, seconds, last, detail=""):
        self.name = name
        self.seed = seed
        self.status = status        # "ok", "crash", "escape", "hang"
        self.calls = calls
        self.seconds = seconds
        self.last = last
        self.detail = detail

    def failed(self):
        # A hang is reported but is no failure: some calls are merely slow
        # on hostile input (math.perm(2**63), say), which is no bug.
        return self.status in ("crash", "escape")


def read_progress(proc, read_fd, hang_timeout, on_line):
    """Pass each line the child PROC writes to READ_FD to ON_LINE, until the
    child closes it.  If HANG_TIMEOUT seconds go by without output, kill the
    child and return True (a hang); else return False.  Closes READ_FD."""
    import selectors            # the parent's alone: fuzzed children skip it
    selector = selectors.DefaultSelector()
    selector.register(read_fd, selectors.EVENT_READ)
    buffer = b""
    try:
        while True:
            if not selector.select(timeout=hang_timeout):
                proc.kill()
                return True
            chunk = os.read(read_fd, 65536)
            if not chunk:
                return False
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                on_line(raw.decode("utf-8", "replace"))
    finally:
        selector.close()
        os.close(read_fd)


def supervise_run(module, seed, iterations, seconds, hang_timeout=10,
                  memory=4096, python=None, extra=(), oracle=None):
    """Run one child run of fuzz test MODULE; return an Outcome."""
    read_fd, write_fd = os.pipe()
    argv = [python or sys.executable, "-X", "faulthandler", "-m", module,
            "--child", "--seed", str(seed), "--progress", str(write_fd),
            "--memory", str(memory), *extra]
    if iterations is not None:
        argv += ["--iterations", str(iterations)]
    if seconds is not None:
        argv += ["--seconds", str(seconds)]
    if oracle is not None:
        argv += ["--oracle-lib", oracle]
    with tempfile.TemporaryDirectory(prefix="ldp-fuzz-") as workdir:
        start = time.monotonic()
        # The string hash seed follows the run's seed, so that a replay
        # walks dicts and sets in the same order.
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        proc = subprocess.Popen(argv, cwd=workdir, pass_fds=(write_fd,),
                                env=env,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        os.close(write_fd)
        last, calls, escape, done = "", 0, None, None

        def on_line(line):
            nonlocal last, calls, escape, done
            if line.startswith("ESCAPE "):
                escape = line[7:]
            elif line.startswith("TRAP "):
                number = int(line[5:])
                escape = f"forbidden system call {number}"
                if oracle is not None:
                    name = syscall_name(load_oracle(oracle), number)
                    escape = f"forbidden system call {name} ({number})"
            elif line.startswith("DONE "):
                done = line
            elif line:
                last = line
                calls += 1

        hung = read_progress(proc, read_fd, hang_timeout, on_line)
        _, err = proc.communicate()
        elapsed = time.monotonic() - start
        leftovers = os.listdir(workdir)
    name = module.rpartition(".")[2]
    tail = err.decode("utf-8", "replace")[-1500:]
    if escape is not None:
        return Outcome(name, seed, "escape", calls, elapsed, last, escape)
    if leftovers:
        return Outcome(name, seed, "escape", calls, elapsed, last,
                       f"files created in the working directory: {leftovers}")
    if hung:
        return Outcome(name, seed, "hang", calls, elapsed, last,
                       f"no call finished within {hang_timeout} s")
    # Status 120 after DONE: the run finished, and only flushing the
    # standard streams at exit failed (a fuzzed call closed one).
    if (proc.returncode != 0 and not (proc.returncode == 120
                                      and done is not None)) \
            or done is None:
        if proc.returncode < 0:
            import signal
            what = f"killed by {signal.Signals(-proc.returncode).name}"
        else:
            what = f"exit status {proc.returncode}"
        return Outcome(name, seed, "crash", calls, elapsed, last,
                       f"{what}\n{tail}")
    calls = int(done.split()[1])
    return Outcome(name, seed, "ok", calls, float(done.split()[2]), last)


def record(outcome):
    """Write a failed run to the regression corpus; return the path."""
    os.makedirs(CORPUS, exist_ok=True)
    path = os.path.join(CORPUS, f"{outcome.name}-{outcome.seed}.json")
    entry = {"module": f"test.{outcome.name}", "seed": outcome.seed,
             "iterations": outcome.calls, "status": outcome.status,
             "last_call": outcome.last, "detail": outcome.detail[:2000]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(entry, f, indent=1)
        f.write("\n")
    return path


def report(outcome, out=sys.stdout):
    if outcome.status != "ok":
        print(f"{outcome.name}: seed {outcome.seed}: {outcome.status.upper()} "
              f"after {outcome.calls} calls; last call: {outcome.last}\n"
              f"  {outcome.detail.strip()}\n"
              f"  replay: python -m test.{outcome.name} --seed {outcome.seed} "
              f"--iterations {outcome.calls}", file=out, flush=True)
    else:
        rate = outcome.calls / outcome.seconds if outcome.seconds else 0
        print(f"{outcome.name}: seed {outcome.seed}: {outcome.calls} calls in "
              f"{outcome.seconds:.1f} s ({rate:,.0f}/s), ok", file=out,
              flush=True)


def default_memory_limit():
    """4096 MiB, or none for an AddressSanitizer build: ASan reserves
    terabytes of address space at start-up, and a limit on it would stop
    every run before its first call."""
    import sysconfig
    config = sysconfig.get_config_var("CONFIG_ARGS") or ""
    return 0 if "--with-address-sanitizer" in config else 4096


def parse_args(argv=None, prog=None, run_calls=20000):
    parser = argparse.ArgumentParser(prog=prog, description=(
        "Fuzz under lockdown.  Without --seconds or --iterations it runs "
        "without end; every run prints its seed, and --seed replays one."))
    parser.add_argument("--seed", type=int, help="replay the run with this seed")
    parser.add_argument("--seed-sequence", type=int, metavar="SEED",
                        help="draw the seed of every run from a generator "
                             "started with SEED, so that a bounded pass "
                             "makes the same runs each time (CI uses it)")
    parser.add_argument("--iterations", type=int, help="calls to make, in all")
    parser.add_argument("--seconds", type=float, help="time to fuzz for, in all")
    parser.add_argument("--run-calls", type=int, default=run_calls,
                        help=f"calls in one child run (default: {run_calls})")
    parser.add_argument("--hang-timeout", type=float, default=10,
                        help="seconds without progress before a run is a hang")
    parser.add_argument("--memory", type=int, default=default_memory_limit(),
                        help="address-space limit of a run, in MiB (0: none; "
                             "the default under AddressSanitizer)")
    parser.add_argument("--unlocked", action="store_true",
                        help="fuzz without locking (to compare)")
    parser.add_argument("--oracle", action="store_true",
                        help="also trap forbidden system calls with the "
                             "kernel oracle (seccomp; Linux x86-64)")
    parser.add_argument("--oracle-lib", help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true",
                        help="do not write failures to the corpus")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--progress", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("iterations", "seconds", "run_calls", "hang_timeout"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.memory < 0:
        parser.error("--memory must not be negative")
    if args.seed is not None and args.seed_sequence is not None:
        parser.error("--seed replays one run; --seed-sequence draws many")
    for name in ("seed", "seed_sequence"):
        value = getattr(args, name)
        if value is not None and not 0 <= value < 2**32:
            parser.error(f"--{name.replace('_', '-')} must be in "
                         f"[0, 2**32)")
    if args.child and args.progress is None:
        parser.error("--child needs --progress")
    return args


def new_seed():
    return random.SystemRandom().randrange(2**32)


def fuzz_modules(modules, args, out=sys.stdout):
    """Supervise runs of the fuzz test MODULES in turn, until the bounds of
    ARGS (or without end); return the failures and the number of calls."""
    failures = []
    total_calls = 0
    start = time.monotonic()
    extra = ("--unlocked",) if args.unlocked else ()
    replay = args.seed is not None
    seeds = (random.Random(args.seed_sequence)
             if args.seed_sequence is not None else random.SystemRandom())
    oracle = None
    if args.oracle:
        oracle_dir = tempfile.mkdtemp(prefix="ldp-oracle-")
        oracle = build_oracle(oracle_dir)
    while True:
        for module in modules:
            elapsed = time.monotonic() - start
            if args.seconds is not None and elapsed >= args.seconds:
                return failures, total_calls
            if args.iterations is not None and total_calls >= args.iterations:
                return failures, total_calls
            # A fuzz test may set RUN_CALLS (fuzz_threads: one race a run).
            run_calls = getattr(importlib.import_module(module), "RUN_CALLS",
                                args.run_calls)
            if replay:
                seed, calls = args.seed, args.iterations or run_calls
            else:
                seed, calls = seeds.randrange(2**32), run_calls
                if args.iterations is not None:
                    calls = min(calls, args.iterations - total_calls)
            seconds = None
            if args.seconds is not None:
                seconds = max(1.0, min(args.seconds - elapsed,
                                       args.seconds / len(modules)))
            outcome = supervise_run(module, seed, calls, seconds,
                                    args.hang_timeout, args.memory,
                                    extra=extra, oracle=oracle)
            total_calls += outcome.calls
            report(outcome, out)
            if outcome.failed():
                failures.append(outcome)
                if not args.no_record and not replay and outcome.calls:
                    print(f"  recorded in {record(outcome)}", file=out)
            if outcome.status != "ok" and not outcome.calls:
                # It failed before its first call, as every run would:
                # going on would loop without end under --iterations.
                print(f"{outcome.name}: the run made no call; stopping",
                      file=out, flush=True)
                if not outcome.failed():
                    failures.append(outcome)
                return failures, total_calls
        if replay:
            return failures, total_calls


def main(targets, argv=None, lock=True, run_calls=20000):
    """The entry point of a fuzz test module.

    TARGETS(rng) returns what to fuzz.  With LOCK false the harness does
    not lock the child: the fuzz test's own calls do (see fuzz_threads).
    RUN_CALLS is the default number of calls of one child run."""
    module = sys.modules["__main__"].__spec__.name
    args = parse_args(argv, prog=f"python -m {module}", run_calls=run_calls)
    if args.child:
        run_child(targets, args, lock=lock)
        return
    print(f"{module}: fuzzing {'unlocked' if args.unlocked else 'under lockdown'}"
          f"{'' if args.seconds or args.iterations else ' without end (Ctrl-C stops)'}",
          flush=True)
    try:
        failures, calls = fuzz_modules([module], args)
    except KeyboardInterrupt:
        print("stopped", flush=True)
        sys.exit(130)
    print(f"{module}: {calls} calls, {len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
