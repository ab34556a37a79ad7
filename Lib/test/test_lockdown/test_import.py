"""Imports once locked: nothing new is loaded."""

import os
import unittest
from test.support import os_helper
from test.test_lockdown.util import LockdownTestCase


class ImportTests(LockdownTestCase):

    def test_import_statement(self):
        # ftplib: a module outside SAFE_MODULES.
        self.check_refused("__import__('ftplib')", "import", "import",
                           setup="sys.modules.pop('ftplib', None)",
                           unlocked="(__import__('ftplib'), sys.modules.pop('ftplib'))",
                           error_type="LockdownImportError")

    def test_refused_import_is_import_error(self):
        result = self.run_named_scenario("refused_import_is_import_error")
        self.assertTrue(result["caught"])

    def test_module_in_sys_modules(self):
        result = self.run_named_scenario("module_in_sys_modules")
        self.assertEqual(result["json"], {"refused": False, "error": None})
        self.assertEqual(result["os"], {"refused": False, "error": None})

    def test_safe_builtin_module_still_imports(self):
        result = self.run_named_scenario("safe_builtin_module_still_imports")
        self.assertEqual(result["safe"], {"refused": False, "error": None})
        self.assertTrue(result["unsafe"])

    def test_import_module(self):
        # Lockdown empties sys.path; given one back, importlib's path
        # finder is refused when it stats its directories.
        self.check_refused("(sys.path.extend(paths), "
                           "importlib.import_module('ftplib'))", "os.stat",
                           "file system",
                           setup="import importlib\n"
                                 "paths = list(sys.path)\n"
                                 "sys.modules.pop('ftplib', None)",
                           unlocked="(importlib.import_module('ftplib'), "
                                    "sys.modules.pop('ftplib'))")

    def test_import_module_finds_nothing(self):
        result = self.run_named_scenario("import_module_finds_nothing")
        self.assertEqual(result["outcome"], "ModuleNotFoundError")

    def test_extension_loading(self):
        self.check_refused("_imp.create_dynamic(spec)", "_imp.create_dynamic",
                           "import", error_type="LockdownImportError",
                           setup="import _imp, importlib.util\n"
                                 "spec = importlib.util.find_spec('_zoneinfo')")

    def test_builtin_creation(self):
        self.check_refused("_imp.create_builtin(spec)",
                           "_imp.create_builtin", "import",
                           error_type="LockdownImportError",
                           setup="import _imp, importlib.machinery\n"
                                 "spec = importlib.machinery.ModuleSpec("
                                 "'_symtable', None)")

    def test_extension_exec(self):
        self.check_refused("_imp.exec_dynamic(mod)", "_imp.exec_dynamic",
                           "import", error_type="LockdownImportError",
                           setup="import _imp, importlib.util\n"
                                 "spec = importlib.util.find_spec('_zoneinfo')\n"
                                 "mod = _imp.create_dynamic(spec)")

    def test_frozen_init(self):
        # A frozen module outside SAFE_MODULES is not found once locked.
        result = self.run_named_scenario("frozen_init")
        self.assertTrue(result["before"])
        self.assertIsNone(result["after"])

    def test_frozen_code(self):
        result = self.run_named_scenario("frozen_code")
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertIn("ImportError", result["after"]["error"])

    def test_zipimport(self):
        with os_helper.temp_dir() as tmp:
            archive = os.path.join(tmp, "mods.zip")
            import zipfile
            with zipfile.ZipFile(archive, "w") as z:
                z.writestr("zipped_mod.py", "VALUE = 1\n")
            self.check_refused(f"zipimport.zipimporter({archive!r})",
                               "os.stat", "file system",
                               setup="import zipimport")
            result = self.run_named_scenario("zipimport_refused", archive)
            self.assertTrue(result["imp"]["refused"])


if __name__ == "__main__":
    unittest.main()
