"""The table of refused operations (Python/lockdown_operations.txt).

lockdownlib.OPERATIONS is the table compiled in; the audit deny layer's
events, the fuzz harness's watch list and the tests' expectations come
from it, and Tools/lockdown/operations.py holds the guards of the C
sources to it.
"""

import os
import unittest
from test import support
from test.support import import_helper, script_helper

lockdownlib = import_helper.import_module("lockdownlib")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     os.pardir, os.pardir))
TOOL = os.path.join(ROOT, "Tools", "lockdown", "operations.py")
TABLE = os.path.join(ROOT, "Python", "lockdown_operations.txt")
KINDS = {"filesystem": "file system", "process": "process",
         "network": "network", "os-state": "OS state", "import": "import",
         "interpreter": "interpreter", "interpreters": "interpreters",
         "code": "code",
         "native": "native code", "identity": "host identity"}


class OperationsTableTests(unittest.TestCase):

    def test_tool_check(self):
        # Every guard of the sources is in the table, under its kind, and
        # the generated files are current.
        if not os.path.exists(TOOL):
            self.skipTest("Tools/lockdown is not next to this test")
        res = script_helper.assert_python_ok(TOOL, "--check")
        self.assertIn(b", 0 problem(s)", res.out)

    def test_compiled_table_is_the_file(self):
        if not os.path.exists(TABLE):
            self.skipTest("Python/lockdown_operations.txt is not here")
        expected = {}
        with open(TABLE, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if line:
                    name, kind, event, refused_by = line
                    expected[name] = (KINDS[kind],
                                      None if event == "-" else event,
                                      refused_by)
        self.assertEqual(dict(lockdownlib.OPERATIONS), expected)

    def test_denied_events_are_its_event_operations(self):
        from_table = {name: kind for name, (kind, _, refused_by)
                      in lockdownlib.OPERATIONS.items()
                      if refused_by in ("event", "both")}
        self.assertEqual(dict(lockdownlib.DENIED_AUDIT_EVENTS), from_table)

    def test_kinds_are_the_vocabulary(self):
        kinds = {kind for kind, _, _ in lockdownlib.OPERATIONS.values()}
        self.assertLessEqual(kinds, set(KINDS.values()))
        self.assertGreater(len(lockdownlib.OPERATIONS), 300)

    def test_fuzz_watch_list_is_made_from_it(self):
        from test import fuzzhelper
        events = {event for _, event, _ in lockdownlib.OPERATIONS.values()
                  if event}
        self.assertLessEqual(events, fuzzhelper.FORBIDDEN_EVENTS)
        self.assertEqual(fuzzhelper.FORBIDDEN_EVENTS - events,
                         fuzzhelper.EXTRA_FORBIDDEN_EVENTS)

    @support.requires_subprocess()
    def test_refusals_say_what_the_table_says(self):
        # One refusal of each kind, from a locked interpreter: its
        # operation and kind are the table's.
        calls = {"open": "open('/nonexistent')",
                 "os.system": "__import__('os').system('true')",
                 "socket.socket": "__import__('socket').socket()",
                 "os.chdir": "__import__('os').chdir('/')",
                 "import": "__import__('ftplib')",
                 "sys.setrecursionlimit": "__import__('sys').setrecursionlimit(99)",
                 "pwd.getpwnam": "__import__('pwd').getpwnam('root')"}
        code = ("import lockdownlib, json\n"
                "calls = " + repr(calls) + "\n"
                "lockdownlib.lockdown(kernel=False)\n"
                "seen = {}\n"
                "for op, call in calls.items():\n"
                "    try:\n"
                "        eval(call)\n"
                "    except lockdownlib.LockdownError as exc:\n"
                "        seen[op] = [exc.operation, exc.kind]\n"
                "print(json.dumps(seen))\n")
        res = script_helper.assert_python_ok("-c", code)
        import json
        seen = json.loads(res.out)
        for op in calls:
            with self.subTest(operation=op):
                self.assertEqual(seen[op][0], op)
                self.assertEqual(seen[op][1], lockdownlib.OPERATIONS[op][0])


if __name__ == "__main__":
    unittest.main()
