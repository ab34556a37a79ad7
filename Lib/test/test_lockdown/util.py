"""What the tests of test_lockdown share: running a scenario."""

import json
import os
import textwrap
import unittest
from test.support import script_helper

# The scenarios, run as a script so that their process imports nothing else.
SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "scenarios.py")

_PRELUDE_END = "\n# End of the prelude.\n"


def _read_prelude():
    # From the first import (after the docstring) to the end of the prelude.
    with open(SCENARIOS, encoding="utf-8") as f:
        head, end, _ = f.read().partition(_PRELUDE_END)
    start = head.find("\nimport ")
    if not end or start < 0:
        raise RuntimeError(f"{SCENARIOS}: no prelude found")
    return head[start + 1:]


# Code every scenario given as a string starts with: the imports and the
# helpers at the head of scenarios.py.  attempt() runs a call and
# describes its outcome as JSON-friendly data; report() prints the result.
PRELUDE = _read_prelude()


class LockdownTestCase(unittest.TestCase):

    def _report(self, res):
        # A line of its own, though a prompt (pdb's, say) may precede it.
        lines = [line.partition("RESULT ")[2]
                 for line in res.out.decode().splitlines()
                 if "RESULT {" in line]
        self.assertEqual(len(lines), 1, msg=res.out.decode() + res.err.decode())
        return json.loads(lines[0])

    def run_named_scenario(self, name, *args, **env_vars):
        """Run the function NAME of scenarios.py, given ARGS, in a fresh
        interpreter; return its report.

        ENV_VARS, as for script_helper.assert_python_ok(), are set in the
        interpreter's environment (which is then not isolated)."""
        return self._report(script_helper.assert_python_ok(
            SCENARIOS, name, *args, **env_vars))

    def run_scenario(self, code, *args):
        """Run PRELUDE + code in a fresh interpreter; return its report."""
        source = PRELUDE + "\n" + textwrap.dedent(code)
        return self._report(script_helper.assert_python_ok(
            "-c", source, *args))

    def check_refused(self, call, operation, kind, *, setup="",
                      unlocked=None, error_type="LockdownError"):
        """CALL (an expression) works unlocked and is refused when locked.

        An OPERATION of None accepts any refusal, for Python wrappers whose
        first refused step may change between releases.

        SETUP runs first.  UNLOCKED, if given, is the expression to try
        before lockdown instead of CALL (for calls such as exec that would
        not return)."""
        result = self.run_scenario(textwrap.dedent(setup) + f'''
before = attempt(lambda: {unlocked or call})
lockdownlib.lockdown()
after = attempt(lambda: {call})
report(before=before, after=after)
''')
        self.assertEqual(result["before"], {"refused": False, "error": None},
                         "the call must work before lockdown")
        after = result["after"]
        if operation is None:
            # A Python wrapper: any refusal on its way will do.
            after = dict(after, operation=None, kind=None, type=error_type)
            kind = None
        self.assertEqual(after, {
            "refused": True, "type": error_type,
            "args": ["lockdown is enabled"], "operation": operation,
            "kind": kind, "runtime": True})
        return result
