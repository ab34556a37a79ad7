"""Tests for Tools/lockdown/test_locked.py, the harness that runs upstream
regression tests in a locked interpreter: it runs a tiny fake test module
and checks how each test is classified, and that a crash and a hang are
reported as such."""

import json
import os
import sys
import textwrap
import unittest
from test import support
from test.support import os_helper, script_helper

support.requires_subprocess()

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    os.pardir, os.pardir, "Tools", "lockdown",
                    "test_locked.py")

FAKE = """\
import _thread
import os
import time
import unittest

class Fake(unittest.TestCase):
    def test_pass(self):
        self.assertEqual(sorted([3, 1, 2]), [1, 2, 3])

    def test_open(self):
        with open(__file__, encoding="utf-8"):
            pass

    def test_assert(self):
        self.assertEqual(1, 2)

    def test_skip(self):
        self.skipTest("not here")

    def test_wrapped_refusal(self):
        # A refusal that the code turned into another error still counts.
        try:
            os.listdir(".")
        except RuntimeError as exc:
            raise ValueError("no listing") from exc

    def test_subtests(self):
        for i in range(3):
            with self.subTest(i=i):
                if i == 1:
                    os.listdir(os.curdir)

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    def test_interrupt(self):
        # unittest lets KeyboardInterrupt through; the run goes on.
        _thread.interrupt_main()
        time.sleep(5)

    def test_z_after_interrupt(self):
        pass
"""

# The killer is started before lockdown; the locked test only writes to a
# pipe made before lockdown, which it may.
CRASH = """\
import os
import subprocess
import sys
import time
import unittest

KILLER = subprocess.Popen(
    [sys.executable, "-c",
     "import os, signal, sys; sys.stdin.read(1); "
     f"os.kill({os.getpid()}, signal.SIGSEGV)"],
    stdin=subprocess.PIPE)

class Crash(unittest.TestCase):
    def test_a_pass(self):
        pass

    def test_b_crash(self):
        KILLER.stdin.write(b"x")
        KILLER.stdin.flush()
        time.sleep(60)
"""

HANG = """\
import time
import unittest

class Hang(unittest.TestCase):
    def test_hang(self):
        time.sleep(60)
"""


@unittest.skipUnless(os.path.exists(TOOL), "Tools/lockdown is not next to "
                     "this test")
class HarnessTests(unittest.TestCase):

    def run_harness(self, name, source, *options):
        with os_helper.temp_dir() as tmp:
            with open(os.path.join(tmp, name + ".py"), "w",
                      encoding="utf-8") as f:
                f.write(source)
            out = os.path.join(tmp, "out.json")
            res = script_helper.run_python_until_end(
                TOOL, "--json", out, *options, name, __cwd=tmp,
                PYTHONPATH=tmp)
            with open(out, encoding="utf-8") as f:
                data = json.load(f)
        self.assertEqual(len(data["modules"]), 1)
        return res[0], data["modules"][0]

    def test_classification(self):
        res, module = self.run_harness("locked_harness_fake", FAKE)
        out = res.out.decode()
        self.assertEqual(res.rc, 1, out)        # one test failed
        self.assertEqual(module["status"], "ok", out)
        self.assertEqual(module["counts"], {"passed": 3, "refused": 3,
                                            "skipped": 1, "failed": 2}, out)
        self.assertEqual(module["kernel_layer"],
                         "none: locked with kernel=False")

        prefix = "locked_harness_fake.Fake."
        failed, interrupted = module["failed"]
        self.assertEqual(interrupted["test"], prefix + "test_interrupt")
        self.assertEqual(interrupted["error"],
                         "escaped from run(): KeyboardInterrupt")
        self.assertEqual(failed["test"], prefix + "test_assert")
        self.assertEqual(failed["error"], "AssertionError: 1 != 2")
        self.assertIn("AssertionError: 1 != 2", failed["traceback"][-1])
        # The source line, though lockdown hides the file.
        self.assertIn("    self.assertEqual(1, 2)", failed["traceback"])

        refused = {r["test"]: r for r in module["refused"]}
        self.assertEqual(sorted(refused), [prefix + "test_open",
                                           prefix + "test_subtests",
                                           prefix + "test_wrapped_refusal"])
        self.assertEqual(refused[prefix + "test_open"]["operation"], "open")
        self.assertEqual(refused[prefix + "test_open"]["kind"],
                         "file system")
        self.assertIn("with open(__file__",
                      refused[prefix + "test_open"]["source"])
        self.assertEqual(refused[prefix + "test_wrapped_refusal"]
                         ["operation"], "os.listdir")
        self.assertEqual(refused[prefix + "test_subtests"]["operation"],
                         "os.listdir")
        skipped, = module["skipped"]
        self.assertEqual(skipped, {"test": prefix + "test_skip",
                                   "reason": "not here"})
        self.assertRegex(out, r"locked_harness_fake +3 +3 +1 +2 ")

    def test_crash(self):
        res, module = self.run_harness("locked_harness_crash", CRASH)
        self.assertEqual(res.rc, 1)
        self.assertEqual(module["status"], "crash (SIGSEGV)",
                         res.out.decode())
        self.assertEqual(module["signal"], "SIGSEGV")
        self.assertEqual(module["last_test"],
                         "locked_harness_crash.Crash.test_b_crash")
        self.assertEqual(module["counts"]["passed"], 1)

    def test_hang(self):
        res, module = self.run_harness("locked_harness_hang", HANG,
                                       "--timeout", "3")
        self.assertEqual(res.rc, 1)
        self.assertEqual(module["status"], "hang (over 3.0 s)",
                         res.out.decode())
        self.assertEqual(module["last_test"],
                         "locked_harness_hang.Hang.test_hang")


if __name__ == "__main__":
    unittest.main()
