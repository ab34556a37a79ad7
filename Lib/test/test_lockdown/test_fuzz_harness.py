"""The fuzz harness (fuzzhelper, fuzz_all) and its corpus of past failures."""

import json
import os
import re
import subprocess
import sys
import unittest
from test import support
from test.support import os_helper, script_helper


class FuzzTests(unittest.TestCase):
    """The fuzz harness works, and the corpus of past failures stays fixed."""

    CORPUS = os.path.join(support.TEST_HOME_DIR, "fuzzcorpus")

    def test_corpus_replays(self):
        entries = sorted(name for name in os.listdir(self.CORPUS)
                         if name.endswith(".json"))
        self.assertTrue(entries, "the corpus holds no entry")
        for name in entries:
            with open(os.path.join(self.CORPUS, name), encoding="utf-8") as f:
                entry = json.load(f)
            with self.subTest(entry=name):
                res = script_helper.run_python_until_end(
                    "-m", entry["module"], "--seed", str(entry["seed"]),
                    "--iterations", str(entry["iterations"]), "--no-record")[0]
                self.assertEqual(res.rc, 0, res.out.decode() + res.err.decode())
                self.assertIn(f"seed {entry['seed']}", res.out.decode())

    def test_fuzz_run_prints_seed_and_replays(self):
        # Few calls: a fresh seed may draw a slow one (operator.pow of
        # huge numbers), which the harness would report as a hang.
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_operator", "--iterations", "30", "--no-record")
        out = res.out.decode()
        self.assertIn("30 calls", out)
        seed = int(out.split("seed ")[1].split(":")[0])
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_operator", "--seed", str(seed),
            "--iterations", "30", "--no-record")
        self.assertIn(f"seed {seed}: 30 calls", res.out.decode())

    def test_seed_sequence_repeats_the_runs(self):
        def seeds(sequence):
            res = script_helper.assert_python_ok(
                "-m", "test.fuzz_all", "--only", "operator,heapq",
                "--iterations", "400", "--run-calls", "100",
                "--seed-sequence", sequence, "--no-record")
            return re.findall(r"seed (\d+):", res.out.decode())
        first = seeds("7")
        self.assertEqual(len(first), 4)
        self.assertEqual(len(set(first)), 4)
        self.assertEqual(seeds("7"), first)
        self.assertNotEqual(seeds("8"), first)

    def test_seed_options_are_checked(self):
        for argv in (["--seed", "1", "--seed-sequence", "2"],
                     ["--seed-sequence", "-1"], ["--seed", str(2**32)]):
            with self.subTest(argv=argv):
                res = script_helper.assert_python_failure(
                    "-m", "test.fuzz_all", "--iterations", "10", *argv)
                self.assertIn(b"--seed", res.err)

    def test_fuzz_all_names_every_fuzz_test(self):
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_all", "--iterations", "50", "--seed-sequence",
            "1", "--no-record")
        out = res.out.decode()
        for name in ("fuzz_abc", "fuzz_builtins", "fuzz_compile",
                     "fuzz_threads", "fuzz_lockdownlib"):
            self.assertIn(name, out)

    def run_fuzz_test(self, name, source, *, timeout=120):
        """Write SOURCE as the fuzz test fuzzpkg.NAME and run it for five
        calls; return the completed process."""
        tmp = self.enterContext(os_helper.temp_dir())
        pkg = os.path.join(tmp, "fuzzpkg")
        os.mkdir(pkg)
        script_helper.make_script(pkg, "__init__", "")
        script_helper.make_script(pkg, name, source)
        # A timeout, so that a harness that never stops fails the test.
        return subprocess.run(
            [sys.executable, "-m", f"fuzzpkg.{name}", "--iterations", "5",
             "--no-record"],
            capture_output=True, text=True, timeout=timeout,
            env=dict(os.environ, PYTHONPATH=tmp))

    def test_escape_is_caught(self):
        # A fuzz test whose target does something forbidden must fail: the
        # harness must not take an escape for a pass.
        proc = self.run_fuzz_test("fuzz_escape", """
import sys
from test import fuzzhelper
def escape(*args):
    # As an import from disk would, if nothing refused it.
    sys.audit("import", "evil", None, [], [], [])
def targets(rng):
    return [escape]
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("ESCAPE", proc.stdout)
        self.assertIn("import ('evil'", proc.stdout)

    def test_run_that_cannot_start_stops(self):
        # A run that fails before its first call makes no progress towards
        # --iterations: the harness must stop, not start runs without end.
        proc = self.run_fuzz_test("fuzz_broken", """
from test import fuzzhelper
def targets(rng):
    raise SystemExit(3)
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("CRASH after 0 calls", proc.stdout)
        self.assertIn("the run made no call; stopping", proc.stdout)
        self.assertEqual(proc.stdout.count("CRASH"), 1)

    def test_crash_is_caught(self):
        proc = self.run_fuzz_test("fuzz_crash", """
import _testinternalcapi
from test import fuzzhelper
def crash(*args):
    # Locked, faulthandler's crash helpers are refused; the sealed flag
    # page is not writable.
    _testinternalcapi.lockdown_write_sealed_flag()
def targets(rng):
    return [crash]
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("CRASH", proc.stdout)
        # "killed by SIGSEGV"; under AddressSanitizer, its "SEGV" report.
        self.assertIn("SEGV", proc.stdout)
        self.assertIn("crash(", proc.stdout)


if __name__ == "__main__":
    unittest.main()
