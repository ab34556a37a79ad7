"""Fuzz with deep nesting: chains of up to a million iterators, nested
containers and exception chains, passed to built-ins that walk them
(next, hash, repr, ==, len, list, sorted...) and dropped.

A C function that recurses without a stack guard overflows the C stack on
them; with one, it raises RecursionError or MemoryError.

    python -m test.fuzz_deep [--seconds S | --iterations N] [--seed S]
"""

import itertools
from test import fuzzhelper

RUN_CALLS = 200         # a million-deep object takes a second to build


def targets(rng):
    functions = [next, hash, repr, str, len, list, tuple, sorted, iter, bool,
                 sum, min, max, any, all, set, frozenset, dict.fromkeys,
                 itertools.tee, itertools.islice, lambda a, b=0: a == b,
                 lambda a, b=0: a < b, lambda *a: None]
    return fuzzhelper.hostile_targets(
        rng, functions=functions, deep=0.7,
        depths=(1000, 100_000, 1_000_000))


if __name__ == "__main__":
    fuzzhelper.main(targets, run_calls=RUN_CALLS)
