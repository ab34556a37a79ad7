"""Fuzz the built-in functions and types under lockdown.

    python -m test.fuzz_builtins [--seconds S | --iterations N] [--seed S]
"""

import builtins
from test import fuzzhelper


def targets(rng):
    return [builtins]


if __name__ == "__main__":
    fuzzhelper.main(targets)
