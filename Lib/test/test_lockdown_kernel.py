"""Tests of lockdown's kernel layer and of the core's promises under
attack: what survives a memory-corruption bug that clears the lockdown flag.

As test_audit does, each scenario is a named function of
lockdown_kernel_tests.py, run in a fresh interpreter."""

import os
import signal
import sys
import unittest
from test import support
from test.support import import_helper, os_helper, script_helper

if not support.has_subprocess_support:
    raise unittest.SkipTest("test requires subprocess support")

lockdownlib = import_helper.import_module("lockdownlib")
_testinternalcapi = import_helper.import_module("_testinternalcapi")

SCENARIOS = os.path.join(os.path.dirname(__file__), "lockdown_kernel_tests.py")
REFUSED = {"EPERM", "EACCES"}


def kernel_layer_expected():
    return sys.platform == "linux" and os.uname().machine in (
        "x86_64", "aarch64")


class KernelTestCase(unittest.TestCase):

    def run_scenario(self, name, *args, rc=0):
        res, _ = script_helper.run_python_until_end(SCENARIOS, name, *args)
        out = res.out.decode()
        self.assertEqual(res.rc, rc, msg=out + res.err.decode())
        seen = {}
        for line in out.splitlines():
            key, _, value = line.partition(" ")
            seen.setdefault(key, value)
        return seen, out


@unittest.skipUnless(kernel_layer_expected(), "needs seccomp on Linux")
class KernelLayerTests(KernelTestCase):

    def test_installed_by_default(self):
        seen, _ = self.run_scenario("kernel_layer")
        self.assertEqual(seen["before"], "none: not locked")
        self.assertRegex(seen["after"], r"^seccomp(\+landlock\(\d+\))?$")

    def test_kernel_false(self):
        seen, _ = self.run_scenario("kernel_false")
        self.assertEqual(seen["layer"], "none: locked with kernel=False")
        self.assertEqual(seen["fork"], "0")

    def test_escape_after_flags_cleared(self):
        with os_helper.temp_dir() as workdir:
            seen, out = self.run_scenario("escape_after_flags_cleared",
                                          workdir)
            try:
                self.assertFalse(os.path.exists(
                    os.path.join(workdir, "created")))
                self.assertFalse(os.path.exists(
                    os.path.join(workdir, "created.d")))
            finally:
                if "victim" in seen:
                    try:
                        os.kill(int(seen["victim"]), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        for call in ("open", "os.open", "mkdir", "subprocess", "fork",
                     "socket", "connect", "kill"):
            with self.subTest(call=call):
                self.assertIn(seen[call], REFUSED, out)
        self.assertEqual(seen["os.system"], "True")
        self.assertEqual(seen["accepted"], "False")
        self.assertEqual(seen["victim_alive"], "True")
        self.assertEqual(seen["pipe"], "True")

    def test_raw_syscalls(self):
        with os_helper.temp_dir() as workdir:
            with open(os.path.join(workdir, "keep"), "w"):
                pass
            seen, out = self.run_scenario("raw_syscalls", workdir, "0")
            self.assertEqual(sorted(os.listdir(workdir)), ["keep"])
        queue = int(seen["queue"])
        self.assertGreaterEqual(queue, 0, out)
        self.addCleanup(_testinternalcapi.lockdown_raw_syscall, "msgrmid",
                        queue)
        for where in ("main", "thread"):
            for call in ("open", "creat", "mkdir", "unlink", "socket",
                         "connect", "bind", "sendto", "fork", "execve",
                         "kill", "mprotect_sealed", "munmap_sealed",
                         "msgsnd"):
                with self.subTest(where=where, call=call):
                    self.assertIn(seen[f"{where}:{call}"], REFUSED, out)
            # What a locked process may still do to itself.
            self.assertEqual(seen[f"{where}:kill:self"], "ok")
            self.assertEqual(seen[f"{where}:socketpair"], "ok")

    def test_flag_cleared_by_a_memory_write(self):
        seen, out = self.run_scenario("flag_cleared")
        self.assertEqual(seen["open"], "LockdownError", out)
        self.assertEqual(seen["system"], "LockdownError", out)

    def test_sealed_flag_cannot_be_written(self):
        seen, out = self.run_scenario("write_sealed_flag",
                                      rc=-signal.SIGSEGV)
        self.assertEqual(seen["writing"], "True")
        self.assertNotIn("survived", seen)

    def test_subinterpreter(self):
        import_helper.import_module("_interpreters")
        seen, out = self.run_scenario("subinterpreter_kernel")
        self.assertEqual(seen["main_locked"], "False", out)
        self.assertEqual(seen["main_layer"], "none: not locked", out)
        self.assertEqual(seen["fork"], "0", out)


class GuestTests(KernelTestCase):

    @unittest.skipUnless(kernel_layer_expected(), "needs seccomp on Linux")
    def test_asyncio_streams_under_the_kernel_layer(self):
        seen, out = self.run_scenario("asyncio_streams")
        self.assertTrue(seen["layer"].startswith("seccomp"), out)
        self.assertEqual(seen["lines"], "hello,world", out)
        self.assertEqual(seen["new_loop"], "slept", out)

    def test_exit_refused_by_default(self):
        seen, out = self.run_scenario("exit_allowed", "no")
        self.assertEqual(seen["refused"], "os._exit", out)

    def test_allow_exit(self):
        seen, out = self.run_scenario("exit_allowed", "yes", rc=7)
        self.assertNotIn("refused", seen)


class CoreRaceTests(KernelTestCase):

    def test_concurrent_lockdown_keeps_ids(self):
        for _ in range(20):
            seen, out = self.run_scenario("concurrent_lockdown")
            self.assertEqual(seen["distinct"], "1", out)

    def test_retry_after_failure(self):
        import_helper.import_module("_testcapi")
        seen, out = self.run_scenario("retry_after_failure")
        if "no_partial_failure" in seen:
            self.skipTest("no allocation failed after the flag was set")
        self.assertEqual(seen["locked_after_failure"], "True", out)
        self.assertEqual(seen["path_hidden"], "True", out)
        self.assertEqual(seen["file_hidden"], "True", out)

    def test_filenames_hidden_at_exit(self):
        seen, out = self.run_scenario("filename_at_exit")
        finalizers = [line for line in out.splitlines()
                      if line.startswith("finalizer ")]
        self.assertEqual(len(finalizers), 3, out)
        for line in finalizers:
            self.assertTrue(line.endswith(" <hidden>"), line)

    def test_audit_without_hook(self):
        seen, out = self.run_scenario("audit_without_hook")
        self.assertEqual(seen["refused"], "200", out)


if __name__ == "__main__":
    unittest.main()
