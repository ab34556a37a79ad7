"""Fuzz operator and _operator under lockdown.

    python -m test.fuzz_operator [--seconds S | --iterations N] [--seed S]
"""

import operator
import _operator
from test import fuzzhelper


def targets(rng):
    return [operator, _operator]


if __name__ == "__main__":
    fuzzhelper.main(targets)
