"""Fuzz a random handful of lockdownlib.SAFE_MODULES at a time, under lockdown.

    python -m test.fuzz_safe_modules [--seconds S | --iterations N] [--seed S]

Each run draws its modules from the seed, so that fuzz_all reaches all of
them over time; the other fuzz tests go deep into one group of types each.
"""

import importlib
import lockdownlib
from test import fuzzhelper

PER_RUN = 12


def targets(rng):
    names = rng.sample(sorted(lockdownlib.SAFE_MODULES), PER_RUN)
    return [importlib.import_module(name) for name in names]


if __name__ == "__main__":
    fuzzhelper.main(targets)
