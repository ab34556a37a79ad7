"""lockdownlib itself: what it is, that lockdown is one way, and what
keeps working once locked."""

import os
import sys
import unittest
from test.support import os_helper, script_helper
from test.test_lockdown.util import LockdownTestCase


class LockdownlibTests(LockdownTestCase):

    def test_builtin_module(self):
        self.assertIn("lockdownlib", sys.builtin_module_names)

    def test_identity(self):
        # The fork says what it is without breaking what parses sys.version.
        import lockdownlib
        import platform
        self.assertIn("Locked Down Python", sys.version)
        self.assertEqual(platform.python_version(),
                         lockdownlib.UPSTREAM_VERSION)
        self.assertEqual(lockdownlib.UPSTREAM_VERSION, "3.13.15")
        self.assertIn("Locked Down Python", platform.python_build()[0])
        res = script_helper.assert_python_ok("-VV")
        self.assertIn(b"Locked Down Python", res.out)
        fixes = lockdownlib.UPSTREAM_FIXES
        self.assertIsInstance(fixes, tuple)
        self.assertEqual(len(fixes), len(set(fixes)))
        self.assertTrue(all(isinstance(name, str) for name in fixes))

    def test_error_type(self):
        result = self.run_named_scenario("error_type")
        self.assertEqual(result, {
            "runtime": True, "import_runtime": True, "import_import": True,
            "name": "lockdownlib.LockdownError", "frozen": True})

    def test_one_way(self):
        result = self.run_named_scenario("one_way")
        self.assertFalse(result["before"])
        self.assertTrue(result["after"])
        # Nothing in the module could switch lockdown off.
        self.assertEqual(result["names"], [
            "DENIED_AUDIT_EVENTS", "HIDDEN_PATH", "LockdownError",
            "LockdownImportError", "OPERATIONS", "SAFE_MODULES",
            "UPSTREAM_FIXES", "UPSTREAM_VERSION", "is_locked",
            "kernel_layer", "lockdown"])
        self.assertTrue(result["open"]["refused"])

    def test_except_runtime_error(self):
        result = self.run_named_scenario("except_runtime_error")
        self.assertEqual(result["caught"], "lockdown is enabled")

    def test_command_line(self):
        # The check from the user's description, verbatim.
        res = script_helper.assert_python_failure(
            "-c", "import lockdownlib; lockdownlib.lockdown(); "
                  "open('/etc/hostname')")
        self.assertIn(b"lockdownlib.LockdownError: lockdown is enabled",
                      res.err)

    def test_safe_modules_are_closed(self):
        # Importing the safe modules brings in no module outside them.
        result = self.run_named_scenario("safe_modules_are_closed")
        self.assertEqual(result["frozen"], "frozenset")
        self.assertLessEqual(set(result["new"]), set(result["safe"]))
        self.assertNotIn("_ctypes", result["safe"])

    def test_objects_made_before_keep_working(self):
        with os_helper.temp_dir() as tmp:
            path = os.path.join(tmp, "data")
            result = self.run_named_scenario(
                "objects_made_before_keep_working", path)
            self.assertEqual(result["text"], "kept")
            with open(path) as f:
                self.assertEqual(f.read(), "kept")

    def test_logging_keeps_working(self):
        # A log record asks for the process id, which a locked interpreter
        # may not learn: the record gets the stand-in os.getpid() gives.
        result = self.run_named_scenario("logging_keeps_working")
        self.assertEqual(result["logged"], {"refused": False, "error": None})
        self.assertEqual(result["messages"], ["before", "after"])
        self.assertIsInstance(result["process"][0], int)
        self.assertNotEqual(result["process"][1], result["process"][0])
        self.assertEqual(result["process"][1], result["stand_in"])

    def test_getpid_stand_in(self):
        # Locked, os.getpid() is stable and equals the main thread's native
        # id as lockdown permutes it, so code that compares pids to detect
        # a fork keeps working; it is not the host's pid.
        result = self.run_named_scenario("getpid_stand_in")
        self.assertNotEqual(result["locked"][0], result["real"])
        self.assertEqual(result["locked"][0], result["locked"][1])
        self.assertEqual(result["locked"][0], result["main"])

    def test_threads_see_lockdown_at_once(self):
        # Threads keep opening files while the main thread locks: once
        # lockdown() has returned, no call started after it may succeed.
        result = self.run_named_scenario("threads_see_lockdown_at_once")
        self.assertEqual(result["escapes"], 0)
        self.assertGreater(result["refusals"], 0)


if __name__ == "__main__":
    unittest.main()
