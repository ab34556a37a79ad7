"""Tests for lockdownlib.

Lockdown cannot be undone, so, as in test_audit, every scenario runs in a
fresh interpreter: a named function of scenarios.py, or a short code string
after util.PRELUDE.  Each guard is checked twice in that interpreter: the
call must work before lockdown() and must raise LockdownError after it, so
that every test fails if its guard is removed.
"""

import os
import unittest
from test import support
from test.support import import_helper, load_package_tests

if not support.has_subprocess_support:
    raise unittest.SkipTest("test requires subprocess support")

import_helper.import_module("lockdownlib")

# Where the tests outside this package found them.
from test.test_lockdown.util import LockdownTestCase, PRELUDE  # noqa: F401


def load_tests(*args):
    return load_package_tests(os.path.dirname(__file__), *args)
