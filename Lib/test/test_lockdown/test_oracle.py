"""The kernel oracle (lockdown_oracle): what the kernel sees of the guards."""

import unittest
from test.support import script_helper


class KernelOracleTests(unittest.TestCase):
    """The kernel checks what the guards promise (seccomp, Linux x86-64)."""

    def run_oracle(self, *args):
        res = script_helper.run_python_until_end(
            "-m", "test.lockdown_oracle", *args)[0]
        out = res.out.decode()
        if res.rc == 2 and "skipped" in out:
            self.skipTest(out.strip())
        return res.rc, out + res.err.decode()

    def test_oracle_traps_a_forbidden_call(self):
        # Without this, a broken filter would let every test below pass.
        rc, out = self.run_oracle("--self-test", "--rounds", "0")
        self.assertEqual(rc, 1, out)
        self.assertIn("FORBIDDEN system call openat", out)
        self.assertIn("self-test", out)

    def test_safe_modules_make_no_forbidden_system_call(self):
        # A fixed seed: a regression check.  Fresh seeds explore (python -m
        # test.lockdown_oracle, and fuzz_all --oracle).
        rc, out = self.run_oracle("--rounds", "3", "--seed", "20261129")
        self.assertEqual(rc, 0, out)
        self.assertIn("no forbidden system call", out)
        exercised = int(out.split("exercised ")[1].split()[0])
        self.assertGreater(exercised, 1000)


if __name__ == "__main__":
    unittest.main()
