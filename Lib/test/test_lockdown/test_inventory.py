"""The inventory of the safe modules (Tools/lockdown/inventory.py and
lockdown_inventory.json): every public callable is classed and checked."""

import json
import os
import unittest
from test import support
from test.support import script_helper
from test.test_lockdown.util import LockdownTestCase


class InventoryTests(LockdownTestCase):
    """Every public callable of the safe modules is classed, and checked."""

    TOOL = os.path.join(support.REPO_ROOT, "Tools", "lockdown",
                        "inventory.py")
    DATA = os.path.join(support.TEST_HOME_DIR, "lockdown_inventory.json")

    def load(self):
        with open(self.DATA, encoding="utf-8") as f:
            return json.load(f)

    def test_inventory_lists_every_public_callable(self):
        if not os.path.exists(self.TOOL):
            self.skipTest("Tools/lockdown is not next to this test")
        res = script_helper.assert_python_ok(self.TOOL, "--check")
        self.assertIn(b", 0 problem(s)", res.out)

    def test_safe_modules_are_the_inventory(self):
        import lockdownlib
        self.assertEqual(lockdownlib.SAFE_MODULES,
                         frozenset(self.load()["modules"]))

    def test_entries(self):
        data = self.load()
        entries = {}
        for module, info in data["modules"].items():
            for name, entry in info["callables"].items():
                if isinstance(entry, str):
                    entry = {"class": entry}
                entries[name] = dict(entry, module=module,
                                     probe=info.get("probe", False))
        # The same scenario, unlocked and then locked, each in a fresh
        # interpreter (an example may import or cache what it uses).  The
        # callables of the modules marked "probe" are also called with
        # simple arguments, locked and not; every blocked example is run.
        unlocked = self.run_named_scenario("inventory_entries", self.DATA,
                                           "unlocked")
        result = self.run_named_scenario("inventory_entries", self.DATA,
                                         "locked")
        counts = {}
        for name, entry in entries.items():
            counts[entry["class"]] = counts.get(entry["class"], 0) + 1
            with self.subTest(callable=name, cls=entry["class"]):
                if entry["class"] == "blocked":
                    self.assertFalse(unlocked["examples"][name]["refused"])
                    self.assertTrue(result["examples"][name]["refused"],
                                    result["examples"][name])
                elif entry["class"] == "allowed" and name in result["allowed"]:
                    # Locked, it behaves exactly as it did unlocked.
                    self.assertEqual(result["allowed"][name],
                                     unlocked["allowed"][name])
                elif (entry["class"] == "existing-only"
                      and name in result["existing"]):
                    self.assertNotIn("LockdownError", result["existing"][name])
        self.assertGreater(counts["allowed"], 3000)
        self.assertGreater(counts["blocked"], 100)


if __name__ == "__main__":
    unittest.main()
