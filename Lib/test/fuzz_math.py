"""Fuzz math and cmath under lockdown.

    python -m test.fuzz_math [--seconds S | --iterations N] [--seed S]
"""

import cmath
import math
from test import fuzzhelper


def targets(rng):
    return [math, cmath]


if __name__ == "__main__":
    fuzzhelper.main(targets)
