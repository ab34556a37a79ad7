"""Run regression checks of memory-safety fixes on several builds: upstream's
backports, and our fixes of CPython bugs the fuzz tests found.

    python Tools/lockdown/fixes_side_by_side.py STOCK_PYTHON FORK_PYTHON

Each check runs in a fresh process of each interpreter and prints whether
it passed, failed, or crashed the interpreter.  On stock CPython of the
pinned release the checks of the fixes it lacks fail or crash; on the fork
they must pass (the exit status says whether the last interpreter passed
them all).  The full reproducers, run locked, are test_lockdown_crashers.
"""

import signal
import subprocess
import sys

CHECKS = {
    "CVE-2026-4224 pyexpat: deep content model": r'''
from xml.parsers import expat
n = 500_000
data = (b"<!DOCTYPE root [\n<!ELEMENT root " + b"(a, " * n + b"a"
        + b")" * n + b">\n]>\n<root/>\n")
parser = expat.ParserCreate()
parser.ElementDeclHandler = lambda name, model: None
try:
    parser.Parse(data)
except RecursionError:
    pass
else:
    raise SystemExit("no RecursionError")
''',
    "CVE-2026-9669 bz2: decompressor reused after an error": r'''
from bz2 import BZ2Decompressor
bad = bytes.fromhex(
    "425a6839314159265359000000000000007fffff000000000000000000000000"
    "00000000000000000000000000000000000000e0370000000000000000000000"
    "000000000000000000000000000000000000000000000000000083f3")
d = BZ2Decompressor()
try:
    d.decompress(bad)
except OSError:
    pass
try:
    d.decompress(b"\0" * 18)
except ValueError:
    pass
else:
    raise SystemExit("the broken decompressor was used again")
''',
    "dict-use-after-free: clear() of embedded values": r'''
class Obj:
    pass
class DropOnDelete:
    def __del__(self):
        global holder
        del holder
holder = Obj()
holder.a = DropOnDelete()
holder.__dict__.clear()
''',
    "patch 0021 ast: None in a list of identifiers (found by fuzz_compile)": r'''
import ast
tree = ast.Module(body=[ast.Nonlocal(names=[None])], type_ignores=[])
ast.fix_missing_locations(tree)
try:
    compile(tree, "<check>", "exec")
except ValueError:
    pass
else:
    raise SystemExit("compiled")
''',
    "patch 0030 C stack: next() of a million nested maps": r'''
it = iter(range(10))
for _ in range(1_000_000):
    it = map(abs, it)
try:
    next(it)
except RecursionError:
    pass
''',
    "patch 0030 C stack: freeing a million nested enumerates": r'''
it = iter(range(10))
for _ in range(1_000_000):
    it = enumerate(it)
del it
''',
    "patch 0030 C stack: hash() of a tuple nested a million deep": r'''
t = ()
for _ in range(1_000_000):
    t = (t,)
try:
    hash(t)
except RecursionError:
    pass
''',
    "patch 0030 C stack: a property that is its own getter": r'''
p = property()
p.__init__(p)
try:
    p.__isabstractmethod__
except RecursionError:
    pass
''',
    "patch 0032 io.TextIOWrapper re-initialised from readinto": r'''
import io
class Raw(io.RawIOBase):
    done = False
    def readable(self):
        return True
    def readinto(self, b):
        if self.done:
            return 0
        self.done = True
        try:
            t.__init__(io.BytesIO(), encoding="no-such-codec")
        except (LookupError, RuntimeError):
            pass
        b[:1] = b"a"
        return 1
t = io.TextIOWrapper(io.BufferedReader(Raw()), encoding="utf-8")
t.read(1)
''',
    "patch 0033 itertools.combinations.__setstate__ of an empty pool": r'''
import itertools, warnings
warnings.simplefilter("ignore")
it = itertools.combinations([], 2)
it.__setstate__((0, 0))
list(it)
''',
}


def run(python, code):
    proc = subprocess.run([python, "-I", "-c", code], capture_output=True,
                          text=True)
    if proc.returncode < 0:
        return "CRASHED (%s)" % signal.Signals(-proc.returncode).name
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return "FAILED: " + last[:60]
    return "passed"


def main(pythons):
    if not pythons:
        sys.exit(__doc__)
    width = max(map(len, CHECKS))
    all_passed = True
    for name, code in CHECKS.items():
        outcomes = [run(python, code) for python in pythons]
        all_passed = all_passed and outcomes[-1] == "passed"
        print(f"{name:{width}}  " + "  |  ".join(
            f"{python}: {outcome}" for python, outcome in zip(pythons, outcomes)))
    sys.exit(0 if all_passed else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
