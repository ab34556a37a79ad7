"""Regression tests of the crashes that locked code could cause.

Each reproducer crashed the interpreter (or read freed memory) before its
fix; every crash from locked code is a security bug.  Each runs locked, in
a fresh interpreter, and must end with the exception named, not a signal.
The reproducers came from the hostile fuzz tests (Lib/test/fuzz_*.py), from
review, and from upstream issues still open on 3.13.
"""

import textwrap
import unittest
from test import support
from test.support import script_helper

if not support.has_subprocess_support:
    raise unittest.SkipTest("test requires subprocess support")

# What the reproducers use, imported by the host before it locks.
PRELUDE = """\
import abc, faulthandler, io, itertools, os, sys, threading, warnings
import _thread, lockdownlib
lockdownlib.lockdown(kernel=False)
def expect(exc_type, call):
    try:
        call()
    except exc_type as exc:
        print("raised", type(exc).__name__, flush=True)
    else:
        print("returned", flush=True)
"""

# Deep enough to overflow an 8 MiB C stack several times over.
DEEP = 500_000


class CrasherTestCase(unittest.TestCase):

    def run_locked(self, code, expected="raised RecursionError", **env):
        source = PRELUDE + textwrap.dedent(code)
        res, _ = script_helper.run_python_until_end("-c", source, **env)
        out = res.out.decode()
        self.assertEqual(res.rc, 0, out + res.err.decode()[-2000:])
        self.assertIn(expected, out)

    def run_reentrant(self, code, expected):
        # The debug allocator fills freed memory, so that a use crashes.
        self.run_locked(code, expected, PYTHONMALLOC="debug")


class DeepNestingTests(CrasherTestCase):
    """A C stack guard from the thread's real stack bounds."""

    WRAPPERS = ["map(abs, it)", "filter(None, it)", "zip(it)",
                "enumerate(it)", "itertools.chain(it)",
                "itertools.islice(it, None)", "itertools.pairwise(it)",
                "itertools.accumulate(it)",
                "itertools.chain.from_iterable([it])",
                "itertools.takewhile(bool, it)",
                "itertools.dropwhile(bool, it)",
                "itertools.filterfalse(None, it)",
                "itertools.starmap(abs, it)", "itertools.zip_longest(it)",
                "itertools.compress(it, itertools.repeat(1))",
                "itertools.batched(it, 1)"]

    # One interpreter for all the wrappers: a crash still fails the test,
    # and the output says which wrapper it reached.
    def test_next_of_nested_iterators(self):
        self.run_locked(f"""
            for wrapper in {self.WRAPPERS!r}:
                print("wrapper", wrapper, flush=True)
                make = eval("lambda it: " + wrapper)
                it = iter(range(10))
                for _ in range({DEEP}):
                    it = make(it)
                expect(RecursionError, lambda: next(it))
                del it
            print("all done")
        """, expected="all done")

    def test_dealloc_of_nested_objects(self):
        wrappers = self.WRAPPERS + ["slice(it)", "classmethod(it)",
                                    "staticmethod(it)", "property(it)"]
        self.run_locked(f"""
            for wrapper in {wrappers!r}:
                print("wrapper", wrapper, flush=True)
                make = eval("lambda it: " + wrapper)
                it = iter(range(10))
                for _ in range({DEEP}):
                    it = make(it)
                del it
            print("all done")
        """, expected="all done")

    def test_hash_of_nested_tuple(self):
        self.run_locked(f"""
            t = ()
            for _ in range({DEEP}):
                t = (t,)
            expect(RecursionError, lambda: hash(t))
        """)

    def test_property_that_is_its_own_getter(self):
        # The abc.abstractclassmethod crash of
        # python -m test.fuzz_abc --seed 2616645868 --iterations 163.
        self.run_locked("""
            p = property()
            p.__init__(p)
            expect(RecursionError, lambda: p.__isabstractmethod__)
        """)

    def test_classmethod_that_wraps_itself(self):
        self.run_locked("""
            import abc
            c = classmethod(len)
            c.__init__(c)
            expect(RecursionError, lambda: c.__isabstractmethod__)
            expect(RecursionError,
                   lambda: type("X", (abc.ABC,), {"m": c}))
        """)

    def test_deep_repr_in_a_thread(self):
        # The counter allows 10,000 C levels whatever the stack; the stack
        # guard knows the thread's real stack.
        self.run_locked("""
            import threading
            l = []
            for _ in range(200_000):
                l = [l]
            out = []
            t = threading.Thread(
                target=lambda: expect(RecursionError, lambda: repr(l)))
            t.start()
            t.join()
        """)


class ReentrancyTests(CrasherTestCase):

    def test_pairwise_reentered(self):
        # gh-149557
        self.run_locked("""
            from itertools import pairwise
            for _ in range(2000):
                def g():
                    yield next(it)
                it = pairwise(g())
                try:
                    next(it)
                except (ValueError, StopIteration, RuntimeError):
                    pass
            print("raised nothing fatal")
        """, expected="raised nothing fatal")

    def test_textiowrapper_init_from_readinto(self):
        self.run_locked("""
            import io
            class Raw(io.RawIOBase):
                done = False
                def readable(self):
                    return True
                def readinto(self, b):
                    if self.done:
                        return 0
                    self.done = True
                    t.__init__(io.BytesIO(b"zz"), encoding="utf-8")
                    b[:3] = b"abc"
                    return 3
            t = io.TextIOWrapper(io.BufferedReader(Raw()), encoding="utf-8")
            expect(RuntimeError, t.read)
        """, expected="raised RuntimeError")

    def test_textiowrapper_detach_from_readinto(self):
        # gh-157363
        self.run_locked("""
            import io
            class Raw(io.RawIOBase):
                def readable(self):
                    return True
                def readinto(self, b):
                    t.detach()
                    b[:1] = b"a"
                    return 1
            t = io.TextIOWrapper(io.BufferedReader(Raw()), encoding="utf-8")
            expect(RuntimeError, lambda: t.read(1))
        """, expected="raised RuntimeError")

    def test_buffered_init_from_readinto(self):
        # found by fuzz_io (seed 3729480064): __init__ freed the buffer
        # that readinto() was filling
        self.run_locked("""
            import io
            class Raw(io.RawIOBase):
                def readable(self):
                    return True
                def readinto(self, b):
                    expect(RuntimeError, lambda: br.__init__(io.BytesIO()))
                    b[:3] = b"abc"
                    return 3
            br = io.BufferedReader(Raw())
            print("read", br.read(3))
        """, expected="read b'abc'")

    def test_count_reentered_from_step(self):
        # gh-154670
        self.run_locked("""
            from itertools import count
            class Step:
                armed = True
                def __index__(self):
                    return 1
                def __radd__(self, other):
                    if Step.armed:
                        Step.armed = False
                        next(c)
                    return other + 1
            c = count(int("9" * 40), Step())
            val = next(c)
            for i in range(100):
                [bytes(40) for _ in range(50)]
            print("value", val + 1 == int("9" * 40) + 1)
        """, expected="value True")

    def test_wrapper_dropped_by_a_reentrant_next(self):
        # Found in islice by fuzz_dict (fresh seed, AddressSanitizer build),
        # then by review in chain and cycle: the wrapped iterator makes the
        # outer wrapper run out, which drops the inner wrapper while its
        # __next__ runs.
        for wrap in ("itertools.islice(it, 5)", "itertools.chain(it)",
                     "itertools.cycle(it)"):
            with self.subTest(wrap=wrap):
                self.run_locked(f"""
                    class Reenter:
                        depth = 0
                        def __iter__(self):
                            return self
                        def __next__(self):
                            Reenter.depth += 1
                            if Reenter.depth == 1:
                                expect(StopIteration, lambda: next(outer))
                            raise StopIteration
                    wrap = lambda it: {wrap}
                    inner = wrap(Reenter())
                    outer = wrap(inner)
                    del inner
                    expect(StopIteration, lambda: next(outer))
                """, expected="raised StopIteration")

    def test_combinations_setstate_of_empty_pool(self):
        self.run_locked("""
            import itertools, warnings
            warnings.simplefilter("ignore", DeprecationWarning)
            for make in (itertools.combinations,
                         itertools.combinations_with_replacement):
                it = make([], 2)
                it.__setstate__((0, 0))
                expect(StopIteration, lambda: next(it))
        """, expected="raised StopIteration")

    def test_buffered_seek_closed_by_index(self):
        # gh-143375
        self.run_locked("""
            import io
            class R:
                calls = 0
                closed = False
                def writable(self): return True
                def seekable(self): return True
                def seek(self, off, whence=0): return 0
                def write(self, mv):
                    self.calls += 1
                    if self.calls == 1:
                        return len(mv) - 1
                    if self.calls == 2:
                        raise BlockingIOError
                    return len(mv)
            bw = io.BufferedWriter(R())
            bw.write(b"ABCD")
            class T:
                def __index__(self):
                    try:
                        bw.close()
                    except Exception:
                        pass
                    return 0
            expect(ValueError, lambda: bw.seek(T()))
        """, expected="raised ValueError")


class ReentrantFieldTests(CrasherTestCase):
    """A wrapper calls out through a field it does not hold, and the call
    re-enters the wrapper and clears or replaces the field (found by an
    audit of the class after the fuzzers found islice).  The debug
    allocator fills freed memory, so that a use of it crashes.

    Ruled out by the audit, each because no re-entrant call can clear or
    replace the field it calls through: compress, dropwhile, takewhile,
    starmap, filterfalse (their fields are set once), product,
    combinations, permutations and repeat (no call out while a field is
    borrowed), enumerate, map, filter and zip (fields set once; zip's
    __setstate__ sets only a flag), anext's awaitable, and the __reduce__
    methods (new references only).  chain's source may leak a reference
    when re-entered, which is not a memory-safety bug."""

    def test_batched_iterator_exhausted_by_a_nested_next(self):
        self.run_reentrant("""
            class It:
                depth = n = 0
                def __iter__(self):
                    return self
                def __next__(self):
                    It.n += 1
                    if It.depth == 0 and It.n == 1:
                        It.depth = 1
                        expect(StopIteration, lambda: next(b))
                        It.depth = 0
                        return 1
                    if It.depth == 1:
                        raise StopIteration
                    return 2
            b = itertools.batched(It(), 3)
            print("batch", next(b))
        """, expected="batch (1, 2, 2)")

    def test_zip_longest_iterator_retired_twice(self):
        self.run_reentrant("""
            class A:
                depth = 0
                def __iter__(self):
                    return self
                def __next__(self):
                    if A.depth == 0:
                        A.depth = 1
                        expect(StopIteration, lambda: next(z))
                    raise StopIteration
            a = A()
            z = itertools.zip_longest(a, [1, 2], [3, 4])
            print("first", next(z))
            del z
            print("refs", sys.getrefcount(a))
        """, expected="refs 2")

    def test_accumulate_total_replaced_while_extended(self):
        self.run_reentrant("""
            class V:
                done = False
                def __iter__(self):
                    return self
                def __next__(self):
                    if not V.done:
                        V.done = True
                        next(acc)
                        return 1
                    raise StopIteration
            def src():
                yield []
                yield V()
                yield ()
            acc = itertools.accumulate(src(), list.extend)
            next(acc)
            next(acc)
            print("survived")
        """, expected="survived")

    def test_tee_data_object_replaced_while_filled(self):
        # No crash: the freed block is reused, and the write shows in the
        # object that reuses it (the system allocator's layout).
        self.run_locked("""
            warnings.simplefilter("ignore", DeprecationWarning)
            other, = itertools.tee([7, 8, 9], 1)
            other_tdo = other.__reduce__()[2][0]
            class It:
                def __iter__(self):
                    return self
                def __next__(self):
                    t.__setstate__((other_tdo, 0))
                    global b
                    b = bytes(475)
                    return 42
            t, = itertools.tee(It(), 1)
            print("got", next(t), "intact", b == bytes(475))
        """, expected="got 42 intact True")

    def test_tee_setstate_index_past_the_values_read(self):
        self.run_locked("""
            warnings.simplefilter("ignore", DeprecationWarning)
            t1, t2 = itertools.tee(iter(range(100)), 2)
            tdo = t1.__reduce__()[2][0]
            expect(ValueError, lambda: t1.__setstate__((tdo, 10)))
            print("next", next(t1), next(t2))
        """, expected="next 0 0")

    def test_cycle_saved_list_shrunk(self):
        self.run_reentrant("""
            warnings.simplefilter("ignore", DeprecationWarning)
            saved = [object() for i in range(8)]
            c = itertools.cycle([])
            c.__setstate__((saved, 1))
            next(c)
            for i in range(5):
                next(c)
            del saved[1:]
            print("same", next(c) is saved[0])
        """, expected="same True")

    def test_groupby_key_emptied_by_a_comparison(self):
        self.run_reentrant("""
            armed = True
            class K:
                def __eq__(self, other):
                    global armed
                    if armed:
                        armed = False
                        key, group = next(g)
                        next(group)
                    return False
                __hash__ = object.__hash__
            g = itertools.groupby([K(), K(), K(), K()])
            next(g)
            key, group = next(g)
            print("group of", type(key).__name__)
        """, expected="group of K")

    def test_sequence_iterator_exhausted_by_a_nested_next(self):
        self.run_reentrant("""
            class S:
                depth = 0
                def __getitem__(self, i):
                    if S.depth == 0:
                        S.depth = 1
                        expect(StopIteration, lambda: next(it))
                    raise IndexError
            s = S()
            it = iter(s)
            expect(StopIteration, lambda: next(it))
            del it
            print("refs", sys.getrefcount(s))
        """, expected="refs 2")

    def test_callable_iterator_callable_dropped_while_it_runs(self):
        self.run_reentrant("""
            SENT = object()
            class Src:
                def __init__(self, items):
                    self.items = list(items)
                def __iter__(self):
                    return self
                def __next__(self):
                    if not self.items:
                        raise StopIteration
                    return self.items.pop(0)
            nested = False
            def pred(x):
                global nested
                if x == 1 and not nested:
                    nested = True
                    next(ci, None)
                    return False
                return x is SENT
            ci = iter(filter(pred, Src([1, SENT, 2, 3])).__next__, SENT)
            print("next", next(ci, "end"))
        """, expected="next end")

    def test_callable_iterator_sentinel_dropped_while_compared(self):
        self.run_reentrant("""
            class Sent:
                depth = 0
                def __eq__(self, other):
                    if Sent.depth == 0:
                        Sent.depth = 1
                        next(ci, None)
                        Sent.depth = 0
                        return NotImplemented
                    return True
            ci = iter(lambda: 5, Sent())
            print("next", next(ci, "end"))
        """, expected="next 5")

    def test_reversed_sequence_dropped_while_indexed(self):
        self.run_reentrant("""
            class T(tuple):
                __getitem__ = tuple.index
            nested = False
            class Item:
                def __eq__(self, other):
                    global nested
                    if not nested:
                        nested = True
                        expect(ValueError, lambda: next(r))
                    return False
            r = reversed(T([Item(), Item(), Item()]))
            expect(ValueError, lambda: next(r))
        """, expected="raised ValueError")


class ReentrantFieldTests2(CrasherTestCase):
    """The same class in _functools, _collections and OrderedDict (a second
    audit; deque, reduce, lru_cache, heapq and OrderedDict.__eq__ hold
    what they call, and the OrderedDict iterators, setdefault, copy and
    update were not reviewed)."""

    def test_partial_state_replaced_while_called(self):
        self.run_reentrant("""
            import functools, operator
            class A:
                def __eq__(self, other):
                    p.__setstate__((len, (), None, None))
                    return NotImplemented
            class B:
                def __eq__(self, other):
                    return NotImplemented
            p = functools.partial(operator.eq, A(), B())
            print("equal", p())
            p = functools.partial([A() for _ in range(100)].count)
            print("count", p(1))
        """, expected="count 0")

    def test_defaultdict_factory_replaced_while_it_runs(self):
        self.run_reentrant("""
            import collections, functools
            class A:
                def __eq__(self, other):
                    dd.default_factory = None
                    return False
            dd = collections.defaultdict(
                functools.partial(list.count, [A() for _ in range(100)], 1))
            print("missing", dd["x"])
        """, expected="missing 0")

    def test_cmp_to_key_objects_replaced_while_compared(self):
        self.run_reentrant("""
            import functools, operator
            class A:
                def __eq__(self, other):
                    k1.obj = None
                    k2.obj = None
                    return NotImplemented
            class B:
                def __eq__(self, other):
                    return NotImplemented
            key = functools.cmp_to_key(operator.eq)
            k1, k2 = key(A()), key(B())
            print("less", k1 < k2)
        """, expected="less False")

    def test_ordereddict_pop_node_freed_by_a_key_eq(self):
        self.run_reentrant("""
            from collections import OrderedDict
            armed = False
            calls = 0
            class K:
                def __hash__(self):
                    return 1
                def __eq__(self, other):
                    global calls, armed
                    if armed:
                        calls += 1
                        if calls == 2:
                            armed = False
                            del od[k2]
                    return self is other
            k1, k2 = K(), K()
            od = OrderedDict()
            od[k1] = 1
            od[k2] = 2
            armed = True
            expect(KeyError, lambda: od.pop(k2))
            print("left", len(od), list(od) == [k1])
        """, expected="left 1 True")


class SafeModuleCrashTests(CrasherTestCase):
    """Crashes found by the review of the guest's standard library."""

    def test_expat_parse_reentered_from_a_handler(self):
        self.run_locked("""
            import pyexpat
            p = pyexpat.ParserCreate()
            p.StartElementHandler = lambda name, attrs: p.Parse(b"<b/>", False)
            expect(RuntimeError, lambda: p.Parse(b"<a><c/></a>", True))
        """, expected="raised RuntimeError")

    def test_expat_parse_reentered_from_parsefile_read(self):
        self.run_locked("""
            import pyexpat
            p = pyexpat.ParserCreate()
            class F:
                def read(self, n):
                    p.Parse(b"<x>", False)
                    return b""
            expect(RuntimeError, lambda: p.ParseFile(F()))
        """, expected="raised RuntimeError")

    def test_elementtree_feed_reentered_from_the_target(self):
        self.run_locked("""
            import xml.etree.ElementTree as ET
            class Target:
                def start(self, tag, attrs):
                    parser.feed("<b/>")
            parser = ET.XMLParser(target=Target())
            expect(RuntimeError, lambda: parser.feed("<a><c/></a>"))
        """, expected="raised RuntimeError")

    def test_elementtree_init_reentered_from_the_target(self):
        self.run_locked("""
            import xml.etree.ElementTree as ET
            class Target:
                def start(self, tag, attrs):
                    parser.__init__(target=Target())
            parser = ET.XMLParser(target=Target())
            expect(RuntimeError, lambda: parser.feed("<a><c/></a>"))
        """, expected="raised RuntimeError")

    def test_sre_code_with_short_skips(self):
        # An IN with skip 1 and an INFO whose skip ends before its fields
        # made the validator read out of bounds.
        self.run_locked("""
            import _sre
            for code in ([13, 1, 1], [14, 0, 1, 0, 0, 2**31, 0, 1],
                         [14, 4, 1, 0, 0, 1, 0], [7, 1, 0, 1]):
                expect(RuntimeError,
                       lambda: _sre.compile("", 0, code, 0, {}, (None,)))
        """, expected="raised RuntimeError")

    def test_sqlite_fts3_tokenizer_pointer(self):
        # fts3_tokenizer() handed out and called raw function pointers.
        self.run_locked("""
            import sqlite3
            db = sqlite3.connect(":memory:")
            def install():
                db.execute("select fts3_tokenizer('evil', x'4141414141410000')")
                db.execute("create virtual table t using fts3(tokenize=evil)")
            expect(sqlite3.Error, install)
            value = db.execute("select fts3_tokenizer('simple')").fetchone()[0]
            print("pointer", value)
        """, expected="raised OperationalError\npointer None")


class EndingTheProcessTests(CrasherTestCase):
    """Locked code cannot end the process on purpose."""

    def test_refused(self):
        for call in ["os.abort()", "os._exit(3)",
                     "faulthandler._sigsegv()", "faulthandler._read_null()",
                     "faulthandler._sigabrt()", "faulthandler._sigfpe()",
                     "faulthandler._fatal_error_c_thread()",
                     "faulthandler._stack_overflow()",
                     "_thread.stack_size(1 << 16)",
                     "threading.stack_size(1 << 16)"]:
            with self.subTest(call=call):
                self.run_locked(f"""
                    import os, faulthandler, _thread, threading
                    expect(lockdownlib.LockdownError, lambda: {call})
                    print("alive")
                """, expected="raised LockdownError")

    def test_still_allowed(self):
        self.run_locked("""
            import _thread, sys
            print("size", _thread.stack_size())
            expect(SystemExit, lambda: sys.exit(3))
        """, expected="raised SystemExit")


if __name__ == "__main__":
    unittest.main()
