"""What a locked interpreter hides: addresses, identifiers and paths."""

import unittest
from test.support import os_helper, script_helper
from test.test_lockdown.util import LockdownTestCase


class AddressTests(LockdownTestCase):
    """Once locked, no object's address can be learned."""

    def test_id(self):
        result = self.run_named_scenario("ids")
        for old, new in zip(result["before"], result["after"]):
            self.assertNotEqual(old, new)
        self.assertEqual(result["after"], result["again"])
        self.assertTrue(result["live_unique"])

    def test_id_is_not_a_linear_map_of_the_address(self):
        # Objects of one size sit at equal distances in a pool.  A map the
        # size of a few samples could undo (adding or XORing a key, or any
        # affine map) turns equal distances into equal distances.
        result = self.run_named_scenario(
            "id_is_not_a_linear_map_of_the_address")
        real, masked = result["real"], result["masked"]
        by_sum, by_xor = {}, {}
        for i in range(len(real) - 1):
            by_sum.setdefault(real[i + 1] - real[i], set()).add(
                masked[i + 1] - masked[i])
            by_xor.setdefault(real[i + 1] ^ real[i], set()).add(
                masked[i + 1] ^ masked[i])
        for name, table in (("difference", by_sum), ("xor", by_xor)):
            with self.subTest(name):
                delta, images = max(table.items(), key=lambda kv: len(kv[1]))
                self.assertGreater(len(images), 100,
                                   f"equal {name} {delta:#x} stays equal")

    def test_thread_idents_are_not_addresses(self):
        # A thread identifier is permuted from the thread's pthread_t, the
        # address of its control block: unlike id(), from startup, since
        # the identifiers of running threads are kept (threading._active).
        # The C library must still get the pthread_t back.
        result = self.run_named_scenario("thread_idents_are_not_addresses")
        self.assertEqual(result["main_ident"], result["main"]["ident"])
        self.assertEqual(result["worker_ident"], result["worker"]["ident"])
        for name in ("main", "worker"):
            with self.subTest(name):
                seen = result[name]
                self.assertNotEqual(seen["ident"], seen["raw"])
                self.assertTrue(seen["in_frames"])
                self.assertIn(f"thread 0x{seen['ident']:016x}", seen["dump"])
                self.assertNotIn(f"{seen['raw']:x}", seen["dump"])
                # Linux makes a thread's CPU clock from its kernel id
                # (MAKE_THREAD_CPUCLOCK): the right pthread_t was found.
                self.assertEqual(seen["clock"], ~seen["native"] << 3 | 6)

    def test_native_thread_ids_hide_the_pid(self):
        # The kernel's id of the main thread is the process id: once
        # locked, get_native_id() and the ids threading recorded are
        # permuted, and agree with each other.
        result = self.run_named_scenario("native_thread_ids_hide_the_pid")
        self.assertEqual(result["before"], result["pid"])
        self.assertNotEqual(result["after"], result["pid"])
        self.assertEqual(result["recorded"], result["after"])
        self.assertEqual(result["worker_recorded"], result["worker"])
        self.assertNotEqual(result["worker"], result["after"])

    def test_reprs(self):
        result = self.run_named_scenario("reprs")
        for name, text in result["shown"].items():
            with self.subTest(name=name):
                self.assertNotIn(result["real"][name], text)
                # A method-wrapper shows the address of its object.
                owner = "object" if name == "method" else name
                self.assertIn(result["ids"][owner], text)
        self.assertTrue(result["buffer_changed"])

    def test_hash_hides_address_and_never_changes(self):
        result = self.run_named_scenario(
            "hash_hides_address_and_never_changes")
        self.assertEqual(result, {"same": True, "lookups": True, "leaks": 0})


    def test_hash_key_is_not_the_hash_seed(self):
        # PYTHONHASHSEED=0 zeroes the string hash secret; were the object
        # hash keyed by it, hash() could be undone into the address.
        results = [self.run_named_scenario("hash_key_is_not_the_hash_seed",
                                           PYTHONHASHSEED="0")
                   for _ in range(2)]
        self.assertEqual([result["matches"] for result in results], [0, 0])
        # The string hash still follows the seed.
        self.assertEqual(results[0]["seeded"], results[1]["seeded"])


class PathTests(LockdownTestCase):
    """Once locked, no file-system path can be learned."""

    def test_module_attributes(self):
        result = self.run_named_scenario("module_attributes")
        # wsgiref: a package read from files (SAFE_MODULES are frozen).
        hidden = result.pop("hidden")
        self.assertEqual(hidden, "<hidden>")
        self.assertEqual(result, {
            "file": hidden, "cached": hidden, "origin": hidden,
            "cached_spec": hidden, "locations": [hidden],
            "package_path": [hidden], "loader": hidden,
            "handlers": hidden, "repr": f"<module 'wsgiref' from '{hidden}'>"})

    def test_sys(self):
        result = self.run_named_scenario("sys_paths", "/some/where/arg")
        for name, value in result["after"].items():
            self.assertNotEqual(result["before"][name], "<hidden>", name)
            self.assertEqual(value, "<hidden>", name)
        self.assertEqual(result["path"], [])
        self.assertEqual(result["cache"], 0)
        self.assertEqual(result["argv0"], "<hidden>")
        self.assertEqual(result["orig"], [])

    def test_environment(self):
        result = self.run_named_scenario("environment")
        self.assertGreater(result["before"], 0)
        self.assertEqual(result["environ"], {})
        self.assertEqual(result["environb"], 0)
        self.assertEqual(result["posix"], 0)
        self.assertIsNone(result["getenv"])

    def test_sysconfig(self):
        result = self.run_named_scenario("sysconfig_values")
        self.assertTrue(result["prefix"].startswith("/"))
        self.assertEqual(result["leaks"], [])

    MODULE = '''
import sys, warnings
def warn():
    warnings.warn("careful")
def fail():
    raise ValueError("in a module file")
def frame():
    return sys._getframe()
'''

    def test_code_frames_tracebacks_warnings(self):
        with os_helper.temp_dir() as tmp:
            script_helper.make_script(tmp, "guestmod", self.MODULE)
            result = self.run_named_scenario("code_frames_tracebacks_warnings",
                                             tmp)
            self.assertEqual(result["co_filename"], "<hidden>")
            self.assertEqual(result["warning"], "<hidden>")
            for key in ("traceback", "frame", "code"):
                self.assertNotIn(tmp, result[key], key)
                self.assertIn("<hidden>", result[key], key)
            self.assertFalse(result["marshal"])
            self.assertNotIn(tmp, "".join(result["stack"]))

    def test_uncaught_traceback_names_no_file(self):
        # The interpreter's own traceback printing, for a script file.
        with os_helper.temp_dir() as tmp:
            script = script_helper.make_script(tmp, "guest", """
import lockdownlib
lockdownlib.lockdown()
def fail():
    raise ValueError("boom")
fail()
""")
            res = script_helper.assert_python_failure(script)
            err = res.err.decode()
            self.assertIn("ValueError: boom", err)
            self.assertIn('File "<hidden>"', err)
            self.assertNotIn(tmp, err)

    def test_crash_dump_names_no_file(self):
        # faulthandler, enabled by the host before locking, writes its dump
        # from a signal handler: the C code must hide the paths itself.
        with os_helper.temp_dir() as tmp:
            script = script_helper.make_script(tmp, "guest", """
import faulthandler, lockdownlib, _testinternalcapi
faulthandler.enable()
lockdownlib.lockdown()
def crash():
    _testinternalcapi.lockdown_write_sealed_flag()
crash()
""")
            res = script_helper.assert_python_failure(script)
            err = res.err.decode()
            self.assertIn("Segmentation fault", err)
            self.assertIn('File "<hidden>", line 6 in crash', err)
            self.assertNotIn(tmp, err)
            self.assertNotIn(".py", err)


if __name__ == "__main__":
    unittest.main()
