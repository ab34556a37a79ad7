"""Fuzz lockdownlib itself (lockdown() excluded) under lockdown.

    python -m test.fuzz_lockdownlib [--seconds S | --iterations N] [--seed S]
"""

import lockdownlib
from test import fuzzhelper


def targets(rng):
    return [lockdownlib]


if __name__ == "__main__":
    fuzzhelper.main(targets)
