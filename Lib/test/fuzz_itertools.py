"""Fuzz itertools under lockdown.

    python -m test.fuzz_itertools [--seconds S | --iterations N] [--seed S]
"""

import itertools
from test import fuzzhelper


def targets(rng):
    return [itertools]


if __name__ == "__main__":
    fuzzhelper.main(targets)
