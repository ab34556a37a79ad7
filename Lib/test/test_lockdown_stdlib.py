"""A locked guest's standard library: lockdownlib.SAFE_MODULES.

Each scenario runs in a fresh interpreter, as in test_lockdown: the modules
of SAFE_MODULES import once locked, from the interpreter itself and no file;
ordinary guest code works; and what the modules cached of the host before
lockdown is gone.
"""

import json
import os
import sys
import tempfile
import textwrap
import unittest
from test import support
from test.support import import_helper, script_helper

if not support.has_subprocess_support:
    raise unittest.SkipTest("test requires subprocess support")

lockdownlib = import_helper.import_module("lockdownlib")

from test.test_lockdown.util import PRELUDE


class GuestTestCase(unittest.TestCase):

    def run_scenario(self, code, *args):
        """Run PRELUDE + code in a fresh interpreter; return its report."""
        source = PRELUDE + "\n" + textwrap.dedent(code)
        res = script_helper.assert_python_ok("-c", source, *args)
        lines = [line.partition("RESULT ")[2]
                 for line in res.out.decode().splitlines()
                 if "RESULT {" in line]
        self.assertEqual(len(lines), 1, msg=res.out.decode() + res.err.decode())
        return json.loads(lines[0])


class ImportOnceLockedTests(GuestTestCase):

    def test_every_safe_module_imports_once_locked_reading_no_file(self):
        # Imported only after lockdown(), in a process that imported as
        # little as it could; an audit hook added before locking sees every
        # file that anything opens.
        result = self.run_scenario('''
            opened, locked = [], False
            def hook(event, args):
                if locked and event in ("open", "os.listdir", "os.scandir"):
                    opened.append(f"{event} {args[0]!r}")
            sys.addaudithook(hook)
            before = set(sys.modules)
            lockdownlib.lockdown(kernel=False)
            locked = True
            failed = {}
            for name in sorted(lockdownlib.SAFE_MODULES):
                try:
                    __import__(name)
                except BaseException as exc:
                    failed[name] = f"{type(exc).__name__}: {exc}"
            report(failed=failed, opened=opened,
                   imported=len(set(sys.modules) - before))
            ''')
        self.assertEqual(result["failed"], {})
        self.assertEqual(result["opened"], [])
        self.assertGreater(result["imported"], 300)

    def test_safe_modules_are_carried_by_the_interpreter(self):
        # Built in or frozen (the frozen table is read once locked); the few
        # others are put in sys.modules by their parent package
        # (collections.abc, os.path, pyexpat.errors), or imported by
        # lockdown() itself (_lockdown_forget.PRELOAD).
        result = self.run_scenario('''
            import _imp, _lockdown_forget
            before = sorted(name for name in lockdownlib.SAFE_MODULES
                            if _imp.is_frozen(name)
                            and name not in ("abc", "codecs", "io", "os",
                                             "posixpath", "ntpath",
                                             "genericpath", "stat",
                                             "_collections_abc",
                                             "_frozen_importlib",
                                             "_frozen_importlib_external",
                                             "importlib.util",
                                             "importlib.machinery",
                                             "zipimport", "os.path"))
            lockdownlib.lockdown(kernel=False)
            carried = {name: name in sys.builtin_module_names
                       or _imp.is_frozen(name)
                       for name in lockdownlib.SAFE_MODULES}
            report(before=before, carried=carried,
                   preload=list(_lockdown_forget.PRELOAD))
            ''')
        by_parent = {"collections.abc", "os.path", "pyexpat.errors",
                     "pyexpat.model", "xml.parsers.expat.errors",
                     "xml.parsers.expat.model", "importlib._bootstrap",
                     "importlib._bootstrap_external"}
        preloaded = set(result["preload"])
        self.assertLessEqual(preloaded, lockdownlib.SAFE_MODULES)
        # Before lockdown, they come from files, as upstream.
        self.assertEqual(result["before"], [])
        for name, carried in sorted(result["carried"].items()):
            if name not in by_parent | preloaded:
                with self.subTest(module=name):
                    self.assertTrue(carried)

    def test_modules_outside_safe_modules_stay_refused(self):
        result = self.run_scenario('''
            import _imp
            sys.modules.pop("ftplib", None)
            frozen_before = _imp.is_frozen("runpy")
            lockdownlib.lockdown(kernel=False)
            outcome = attempt(lambda: __import__("ftplib"))
            try:
                import ftplib
            except ModuleNotFoundError as exc:
                not_found = isinstance(exc, lockdownlib.LockdownImportError)
            # A frozen module outside SAFE_MODULES is not handed out either,
            # whichever _imp function asks.
            report(outcome=outcome, not_found=not_found,
                   frozen_before=frozen_before,
                   frozen_after=_imp.is_frozen("runpy"),
                   init_frozen=_imp.init_frozen("runpy"))
            ''')
        self.assertTrue(result["outcome"]["refused"])
        self.assertEqual(result["outcome"]["type"], "LockdownImportError")
        self.assertTrue(result["not_found"])
        self.assertTrue(result["frozen_before"])
        self.assertFalse(result["frozen_after"])
        self.assertIsNone(result["init_frozen"])

    def test_frozen_code_from_the_callers_bytes_is_refused(self):
        result = self.run_scenario('''
            import _imp, marshal
            data = marshal.dumps(compile("x = 1", "<guest>", "exec"))
            before = attempt(lambda: _imp.get_frozen_object("json", data))
            lockdownlib.lockdown(kernel=False)
            report(before=before,
                   after=attempt(lambda: _imp.get_frozen_object("json", data)),
                   own=attempt(lambda: _imp.get_frozen_object("json")))
            ''')
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertTrue(result["after"]["refused"])
        self.assertEqual(result["own"], {"refused": False, "error": None})


class GuestCodeWorksTests(GuestTestCase):

    def test_everyday_guest_code(self):
        result = self.run_scenario('''
            lockdownlib.lockdown()
            import asyncio, codecs, concurrent.futures, email.message
            import json, decimal, sqlite3, os, inspect

            async def main():
                await asyncio.sleep(0)
                return 42

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                mapped = list(pool.map(abs, [-1, -2]))
            message = email.message.EmailMessage()
            message["Subject"] = "hi"
            db = sqlite3.connect(":memory:")
            db.execute("create table t (x)")
            db.executemany("insert into t values (?)", [(i,) for i in range(5000)])
            rows = db.execute("select count(*), sum(x) from t order by x desc").fetchone()
            report(run=asyncio.run(main()),
                   loop=type(asyncio.new_event_loop()).__name__,
                   mapped=mapped, subject=str(message).splitlines()[0],
                   cp1252="\\u00e9".encode("cp1252").hex(),
                   idna="b\\u00fccher.example".encode("idna").decode(),
                   rot13=codecs.encode("abc", "rot13"),
                   big5="\\u4e2d".encode("big5").hex(),
                   rows=rows,
                   decimal=str(decimal.Decimal(1) / 7)[:8],
                   abspath=os.path.abspath("data.txt"))
            ''')
        self.assertEqual(result["run"], 42)
        self.assertEqual(result["mapped"], [1, 2])
        self.assertEqual(result["subject"], "Subject: hi")
        self.assertEqual(result["cp1252"], "e9")
        self.assertEqual(result["idna"], "xn--bcher-kva.example")
        self.assertEqual(result["rot13"], "nop")
        self.assertEqual(result["big5"], "a4a4")
        self.assertEqual(result["rows"], [5000, 12497500])
        self.assertEqual(result["decimal"], "0.142857")
        self.assertEqual(result["abspath"], "/data.txt")

    def test_mimetypes_imported_once_locked(self):
        result = self.run_scenario('''
            lockdownlib.lockdown(kernel=False)
            import mimetypes
            report(guess=mimetypes.guess_type("a.json")[0])
            ''')
        self.assertEqual(result["guess"], "application/json")


class SqliteTests(GuestTestCase):

    def test_files_stay_closed_to_sql_and_to_connect(self):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {k: os.path.join(tmp, k + ".db")
                     for k in ("host", "attach", "vacuum", "connect", "uri")}
            result = self.run_scenario(f'''
                import sqlite3
                paths = {paths!r}
                host = sqlite3.connect(paths["host"])
                host.execute("create table t (x)")
                host.commit()
                memory = sqlite3.connect(":memory:")
                lockdownlib.lockdown(kernel=False)
                def sql(db, statement):
                    return attempt(lambda: db.execute(statement))
                report(
                    host_reads=host.execute("select count(*) from t").fetchone()[0],
                    attach=sql(host, f"attach database '{{paths['attach']}}' as a"),
                    vacuum=sql(memory, f"vacuum into '{{paths['vacuum']}}'"),
                    connect=attempt(lambda: sqlite3.connect(paths["connect"])),
                    uri=attempt(lambda: sqlite3.connect(
                        "file:" + paths["uri"], uri=True)),
                    temp=attempt(lambda: sqlite3.connect("")),
                    memory_uri=attempt(lambda: sqlite3.connect(
                        "file::memory:?cache=shared", uri=True)),
                    memory=attempt(lambda: sqlite3.connect(":memory:")))
                ''')
            created = sorted(k for k, p in paths.items() if os.path.exists(p))
        self.assertEqual(created, ["host"])
        self.assertEqual(result["host_reads"], 0)
        self.assertIn("unable to open", result["attach"]["error"])
        self.assertIn("unable to open", result["vacuum"]["error"])
        for key in ("connect", "uri", "temp", "memory_uri"):
            with self.subTest(key=key):
                self.assertTrue(result[key]["refused"], result[key])
        self.assertEqual(result["memory"], {"refused": False, "error": None})


class HostFactsForgottenTests(GuestTestCase):

    def test_uuid_gives_no_hardware_address(self):
        result = self.run_scenario('''
            import uuid
            node = uuid.getnode()
            lockdownlib.lockdown(kernel=False)
            report(node=node, after=uuid.getnode(), uuid1=uuid.uuid1().node,
                   raw=attempt(lambda: __import__("_uuid").generate_time_safe()))
            ''')
        self.assertNotEqual(result["after"], result["node"])
        self.assertNotEqual(result["uuid1"], result["node"])
        # A random node has the multicast bit set (RFC 4122, 4.5).
        self.assertTrue(result["after"] & (1 << 40))
        self.assertTrue(result["raw"]["refused"])

    def test_cached_directories_and_paths(self):
        result = self.run_scenario('''
            import builtins, gettext, tempfile
            tmp = tempfile.gettempdir()
            license_files = list(builtins.license._Printer__filenames)
            lockdownlib.lockdown(kernel=False)
            report(tmp=tmp, tempdir=tempfile.tempdir,
                   gettempdir=attempt(tempfile.gettempdir),
                   license_files=license_files,
                   license_after=builtins.license._Printer__filenames,
                   localedir=gettext._default_localedir)
            ''')
        self.assertTrue(result["tmp"])
        self.assertIsNone(result["tempdir"])
        self.assertTrue(result["gettempdir"]["refused"])
        self.assertTrue(result["license_files"])
        self.assertEqual(result["license_after"], [])
        self.assertTrue(result["localedir"].startswith(lockdownlib.HIDDEN_PATH))

    def test_ssl_paths(self):
        for call in ("ssl.get_default_verify_paths()",
                     "_ssl._test_decode_cert(os.devnull)"):
            with self.subTest(call=call):
                result = self.run_scenario(f'''
                    import ssl, _ssl
                    before = attempt(lambda: {call})
                    lockdownlib.lockdown(kernel=False)
                    report(before=before, after=attempt(lambda: {call}))
                    ''')
                self.assertFalse(result["before"]["refused"])
                self.assertTrue(result["after"]["refused"])

    def test_no_host_path_in_module_state(self):
        # Every safe module imported and its caches warmed as a host would,
        # then locked: no string reachable from a module's globals (three
        # levels down) names the interpreter's or the user's directories.
        result = self.run_scenario('''
            import importlib, mimetypes, tempfile, uuid, logging, linecache
            for name in sorted(lockdownlib.SAFE_MODULES):
                importlib.import_module(name)
            tempfile.gettempdir(); mimetypes.init(); uuid.getnode()
            logging.getLogger("x").warning("warm")
            linecache.getline(os.__file__, 1)
            secrets = {os.getcwd(), os.path.dirname(os.__file__),
                       sys.prefix, os.path.expanduser("~")}
            secrets = sorted(s for s in secrets if len(s) > 1)
            lockdownlib.lockdown(kernel=False)
            found, seen = [], set()
            def scan(obj, where, depth):
                if id(obj) in seen or depth > 3:
                    return
                seen.add(id(obj))
                if isinstance(obj, str):
                    found.extend(where for s in secrets if s in obj)
                elif isinstance(obj, dict):
                    for k, v in list(obj.items()):
                        scan(k, where, depth + 1)
                        scan(v, f"{where}[{k!r}]", depth + 1)
                elif isinstance(obj, (list, tuple, set, frozenset)):
                    for v in list(obj):
                        scan(v, where + "[]", depth + 1)
                elif isinstance(obj, type) or callable(obj):
                    scan(getattr(obj, "__dict__", None), where, depth + 1)
            # Constants of the source, not facts of the host.
            seen.add(id(mimetypes.knownfiles))
            for name, module in sorted(sys.modules.items()):
                if name != "__main__" and module is not None:
                    scan(vars(module), name, 0)
            report(found=found[:20])
            ''')
        self.assertEqual(result["found"], [])


if __name__ == "__main__":
    unittest.main()
