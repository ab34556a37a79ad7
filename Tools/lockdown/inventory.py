"""The lockdown inventory: every public callable of every safe module.

    python Tools/lockdown/inventory.py --check     # from the fork's build
    python Tools/lockdown/inventory.py --update

Lib/test/lockdown_inventory.json classes each public callable of each
module in it as "allowed" (harmless, locked or not), "blocked" (refused
once locked) or "existing-only" (works only on objects made before
lockdown, such as print on sys.stdout), with a one-line reason.  The
modules it lists are lockdownlib.SAFE_MODULES: --update writes
Python/lockdown_safe_modules.h (the C list, beside the code that reads it) and
Doc/includes/lockdown-inventory.rst (the table in the documentation) from
it.  --check fails, naming them, on a public callable the inventory does
not list, an entry that is "unreviewed" or names nothing, and generated
files that are out of date; test_lockdown runs it, so that a rebase onto a
newer upstream cannot add a door silently.  --update adds new callables as
"unreviewed" (which --check rejects until someone classes them) and drops
vanished ones.
"""

import argparse
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The tools' shared module sits beside them (run with -I, the script's
# folder is not on the path).
sys.path.insert(0, HERE)
from generated_files import out_of_date  # noqa: E402
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
INVENTORY = os.path.join(ROOT, "Lib", "test", "lockdown_inventory.json")
HEADER = os.path.join(ROOT, "Python", "lockdown_safe_modules.h")
FROZEN = os.path.join(ROOT, "Python", "lockdown_frozen_modules.txt")
# Frozen by upstream already (Tools/build/freeze_modules.py's own sections).
UPSTREAM_FROZEN = {
    "_collections_abc", "_frozen_importlib", "_frozen_importlib_external",
    "_sitebuiltins", "abc", "codecs", "genericpath", "importlib._bootstrap",
    "importlib._bootstrap_external", "importlib.machinery", "importlib.util",
    "io", "ntpath", "os", "os.path", "posixpath", "runpy", "site", "stat",
    "zipimport"}
TABLE = os.path.join(ROOT, "Doc", "includes", "lockdown-inventory.rst")
CLASSES = ("allowed", "blocked", "existing-only")
# Public dunder callables that are doors too.
DUNDERS = {"builtins": ("__import__", "__build_class__")}


def public_callables(module_name):
    module = importlib.import_module(module_name)
    names = [n for n in dir(module) if not n.startswith("_")]
    names += [n for n in DUNDERS.get(module_name, ()) if hasattr(module, n)]
    return sorted(f"{module_name}.{n}" for n in names
                  if callable(getattr(module, n)))


def load():
    with open(INVENTORY, encoding="utf-8") as f:
        return json.load(f)


def render_header(data):
    lines = ["/* Written by Tools/lockdown/inventory.py from",
             "   Lib/test/lockdown_inventory.json: lockdownlib.SAFE_MODULES.",
             "   Do not edit; run the script with --update. */", "",
             "#ifndef Py_INTERNAL_LOCKDOWN_SAFE_H",
             "#define Py_INTERNAL_LOCKDOWN_SAFE_H", "",
             "static const char * const _Py_lockdown_safe_modules[] = {"]
    lines += [f'    "{name}",' for name in sorted(data["modules"])]
    lines += ["};", "", "#endif /* !Py_INTERNAL_LOCKDOWN_SAFE_H */", ""]
    return "\n".join(lines)


def render_table(data):
    lines = [".. Written by Tools/lockdown/inventory.py from "
             "Lib/test/lockdown_inventory.json; do not edit.", "",
             ".. list-table::", "   :header-rows: 1", "   :widths: 30 15 55", "",
             "   * - callable", "     - once locked", "     - why"]
    counts = dict.fromkeys(CLASSES, 0)
    for module in sorted(data["modules"]):
        info = data["modules"][module]
        for name in sorted(info["callables"]):
            entry = entry_of(info, name)
            cls, reason = entry["class"], entry["reason"]
            counts[cls] = counts.get(cls, 0) + 1
            lines += [f"   * - ``{name}``", f"     - {cls}", f"     - {reason}"]
    total = sum(counts.values())
    summary = (f"{total} callables in {len(data['modules'])} modules: "
               + ", ".join(f"{counts[c]} {c}" for c in CLASSES) + ".")
    return "\n".join([summary, ""] + lines) + "\n"


def entry_of(info, name):
    """The entry of NAME: a class string uses its module's reason."""
    entry = info["callables"][name]
    if isinstance(entry, str):
        return {"class": entry, "reason": info.get("reason", "")}
    return entry


def stdlib_source(module_name):
    """Lib/a/b.py or Lib/a/b/__init__.py (and True) for a pure-Python
    module; None for a built-in or generated one."""
    base = os.path.join(os.path.dirname(os.__file__),
                        *module_name.split("."))
    if os.path.exists(os.path.join(base, "__init__.py")):
        return True
    if os.path.exists(base + ".py"):
        return False
    return None


def render_frozen(data):
    lines = ["# Written by Tools/lockdown/inventory.py from "
             "Lib/test/lockdown_inventory.json:",
             "# the pure-Python modules of lockdownlib.SAFE_MODULES that "
             "Tools/build/",
             "# freeze_modules.py freezes into the interpreter, so that a "
             "locked guest",
             "# imports them without reading a file.  Do not edit; run the "
             "script with",
             "# --update, then 'make regen-frozen' in the assembled tree."]
    for name in sorted(data["modules"]):
        if name in UPSTREAM_FROZEN:
            continue
        ispkg = stdlib_source(name)
        if ispkg is not None:
            lines.append(f"<{name}>" if ispkg else name)
    return "\n".join(lines) + "\n"


def problems(data):
    found = []
    for module, info in sorted(data["modules"].items()):
        try:
            actual = set(public_callables(module))
        except ImportError as exc:
            found.append(f"{module}: cannot be imported ({exc})")
            continue
        listed = set(info["callables"])
        for name in sorted(actual - listed):
            found.append(f"{name}: a public callable the inventory does not list")
        for name in sorted(listed - actual):
            found.append(f"{name}: listed, but {module} has no such callable")
        for name in sorted(info["callables"]):
            entry = entry_of(info, name)
            if entry.get("class") not in CLASSES:
                found.append(f"{name}: class {entry.get('class')!r} "
                             f"(review it: one of {', '.join(CLASSES)})")
            if not entry.get("reason"):
                found.append(f"{name}: no reason given")
            if entry.get("class") == "blocked" and not entry.get("example"):
                found.append(f"{name}: blocked, but no example call")
    found += out_of_date(generated(data), ROOT, "Tools/lockdown/inventory.py")
    return found


def generated(data):
    return ((HEADER, render_header(data)), (TABLE, render_table(data)),
            (FROZEN, render_frozen(data)))


def update(data):
    for module, info in data["modules"].items():
        actual = public_callables(module)
        callables = info["callables"]
        for name in actual:
            callables.setdefault(name, {"class": "unreviewed", "reason": ""})
        for name in list(callables):
            if name not in actual:
                del callables[name]
        info["callables"] = dict(sorted(callables.items()))
    with open(INVENTORY, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for path, text in generated(data):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--update", action="store_true")
    args = parser.parse_args()
    data = load()
    if args.update:
        update(data)
    found = problems(data)
    for line in found:
        print(f"inventory: {line}")
    total = sum(len(i["callables"]) for i in data["modules"].values())
    print(f"inventory: {total} callables in {len(data['modules'])} safe "
          f"modules, {len(found)} problem(s)")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
