"""Fuzz heapq and bisect, Python and C, under lockdown.

    python -m test.fuzz_heapq [--seconds S | --iterations N] [--seed S]
"""

import bisect
import _bisect
import heapq
import _heapq
from test import fuzzhelper


def targets(rng):
    return [heapq, _heapq, bisect, _bisect]


if __name__ == "__main__":
    fuzzhelper.main(targets)
