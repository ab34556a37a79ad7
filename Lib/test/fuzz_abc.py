"""Fuzz abc and _abc: abstract base classes under lockdown.

    python -m test.fuzz_abc [--seconds S | --iterations N] [--seed S]
"""

import abc
import _abc
from test import fuzzhelper


def targets(rng):
    return [abc, _abc]


if __name__ == "__main__":
    fuzzhelper.main(targets)
