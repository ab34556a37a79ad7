"""The audit layer: forbidden audit events are refused before any hook."""

import unittest
from test.support import import_helper, os_helper
from test.test_lockdown.util import LockdownTestCase


class AuditLayerTests(LockdownTestCase):
    """The second layer: forbidden audit events are refused before hooks."""

    def test_deny_table(self):
        result = self.run_named_scenario("deny_table")
        table = result["table"]
        self.assertGreater(len(table), 100)
        for event, kind in table.items():
            with self.subTest(event=event):
                # Unlocked, the event reaches the hook.
                self.assertEqual(result["before"][event], [event])
                outcome, seen = result["after"][event]
                self.assertEqual(outcome, {
                    "refused": True, "type": "LockdownError",
                    "args": ["lockdown is enabled"], "operation": event,
                    "kind": kind, "runtime": True})
                # Refused before any hook ran.
                self.assertEqual(seen, [])

    def test_host_identity_through_existing_objects(self):
        # Objects made before lockdown must not give away who the host is.
        with os_helper.temp_dir() as tmp:
            result = self.run_named_scenario(
                "host_identity_through_existing_objects", tmp)
        self.assertNotEqual(result["before"], [0, 0])
        self.assertEqual(result["after"], [0, 0])
        self.assertEqual(result["peercred"]["operation"],
                         "socket.getsockopt(SO_PEERCRED)")
        self.assertEqual(result["peercred"]["kind"], "host identity")
        self.assertEqual(result["fstatvfs"]["operation"], "os.fstatvfs")

    def test_addresses_handed_out_by_c_code(self):
        # The json encoder's markers and the pickler's memo are keyed by
        # address; once locked, by the same masked address id() gives.
        result = self.run_named_scenario("addresses_handed_out_by_c_code")
        self.assertEqual(result, {"json": True, "pickle": True})

    def test_semlock_address(self):
        # SemLock._rebuild() takes a semaphore's address: any integer is a
        # read and a decrement anywhere; .handle gives the address away.
        import_helper.import_module("_multiprocessing")
        result = self.run_named_scenario("semlock_address")
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertEqual(result["after"]["operation"],
                         "_multiprocessing.SemLock._rebuild")
        self.assertEqual(result["after"]["kind"], "native code")
        self.assertTrue(result["masked"])

    def test_addaudithook_refused(self):
        # A hook added by locked code would watch the host's later events.
        result = self.run_named_scenario("addaudithook_refused")
        self.assertEqual(result["outcome"]["operation"], "sys.addaudithook")
        self.assertEqual(result["seen"], [])

    def test_allowed_events_pass(self):
        result = self.run_named_scenario("allowed_events_pass")
        self.assertEqual(result["seen"], [
            "builtins.id", "exec", "compile", "object.__setattr__", "import",
            "socket.__new__", "marshal.loads", "code.__new__"])

    def test_backstop_stops_calls_without_a_guard(self):
        # These functions have no guard of their own yet; their audit
        # events stop them.
        for call, operation, kind, setup in [
                ("resource.setrlimit(resource.RLIMIT_CORE, limit)",
                 "resource.setrlimit", "OS state",
                 "import resource\n"
                 "limit = resource.getrlimit(resource.RLIMIT_CORE)"),
                ("fcntl.fcntl(0, fcntl.F_GETFD)", "fcntl.fcntl", "OS state",
                 "import fcntl"),
                ("socket.gethostname()", "socket.gethostname", "host identity",
                 "import socket"),
                ("socket.getaddrinfo('127.0.0.1', 80)", "socket.getaddrinfo",
                 "network", "import socket"),
                ("gc.get_objects()", "gc.get_objects", "interpreter",
                 "import gc"),
                ("gc.get_referrers(sys)", "gc.get_referrers", "interpreter",
                 "import gc"),
                ("sys.settrace(None)", "sys.settrace", "interpreter", ""),
                ("sys.setprofile(None)", "sys.setprofile", "interpreter", ""),
                ("sys._current_frames()", "sys._current_frames",
                 "interpreter", ""),
                ("syslog.openlog('ldp-test')", "syslog.openlog", "OS state",
                 "import syslog")]:
            with self.subTest(call=call):
                self.check_refused(call, operation, kind, setup=setup)


if __name__ == "__main__":
    unittest.main()
