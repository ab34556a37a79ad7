"""The refused operations: one table, and what is made from it.

    python Tools/lockdown/operations.py --check    # from the fork's build
    python Tools/lockdown/operations.py --update

Python/lockdown_operations.txt lists every operation a locked interpreter
refuses, one a line: its name (what LockdownError.operation says), its kind
(one of KINDS below), the audit event the call raises ("-" if none), and
what refuses it: "guard" (a C guard, before any audit event), "event"
(only the audit deny layer, by the event) or "both" (a guard, and the
deny layer as a backstop for a call site that lacks one).  From it,
--update writes

* Python/lockdown_denied_events.h, the audit deny layer's table (the
  events of the "event" and "both" operations), which
  Python/lockdown_audit.c reads;
* Python/lockdown_operations.h, the whole table, which lockdownlib
  exposes as lockdownlib.OPERATIONS (the fuzz harness's watch list and
  test_lockdown's expectations read it there);
* Doc/includes/lockdown-operations.rst, the documentation's table.

--check fails, naming them, on a guard in the C sources of the assembled
tree (build/cpython) that the table lacks or classes under another kind, a
"guard" entry that no guard names, and generated files out of date.  The
fuzz harness's watch list (Lib/test/fuzzhelper.py) and test_lockdown's
expectations read the table too.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The tools' shared module sits beside them (run with -I, the script's
# folder is not on the path).
sys.path.insert(0, HERE)
from generated_files import out_of_date  # noqa: E402
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
TABLE = os.path.join(ROOT, "Python", "lockdown_operations.txt")
HEADER = os.path.join(ROOT, "Python", "lockdown_denied_events.h")
OPERATIONS_HEADER = os.path.join(ROOT, "Python", "lockdown_operations.h")
DOC = os.path.join(ROOT, "Doc", "includes", "lockdown-operations.rst")
SOURCE = os.path.join(ROOT, "build", "cpython")

# The kinds, as pledge(2) names its promises: each a token, the C name and
# what LockdownError.kind says, and the one thing it means.
KINDS = {
    "filesystem": ("_Py_LOCKDOWN_FILESYSTEM", "file system",
                   "reads, changes or names files and directories"),
    "process": ("_Py_LOCKDOWN_PROCESS", "process",
                "starts, signals, waits for or ends processes"),
    "network": ("_Py_LOCKDOWN_NETWORK", "network",
                "opens network access: sockets, addresses, name look-ups"),
    "os-state": ("_Py_LOCKDOWN_OS_STATE", "OS state",
                 "changes what the process or the OS is set to (working "
                 "directory, environment, limits, signal handling, locale)"),
    "import": ("_Py_LOCKDOWN_IMPORT", "import",
               "loads a module the interpreter does not carry"),
    "interpreter": ("_Py_LOCKDOWN_INTERPRETER", "interpreter",
                    "changes or reads this interpreter's global state: "
                    "its hooks, settings and exit functions, every object, "
                    "other threads' frames"),
    "interpreters": ("_Py_LOCKDOWN_INTERPRETERS", "interpreters",
                     "creates, runs or talks to other interpreters"),
    "code": ("_Py_LOCKDOWN_CODE", "code",
             "builds code objects from parts (hand-made bytecode)"),
    "native": ("_Py_LOCKDOWN_NATIVE", "native code",
               "loads or calls native code, or reaches raw memory"),
    "identity": ("_Py_LOCKDOWN_IDENTITY", "host identity",
                 "reveals who or where the host is (names, ids, hardware)"),
}
BY_C_NAME = {c: token for token, (c, _, _) in KINDS.items()}
MECHANISMS = ("guard", "event", "both")

GUARD = re.compile(
    r'(?:_PyLockdown_Check|_PyLockdown_Refuse)'
    r'\(\s*"([^"]+)",\s*(_Py_LOCKDOWN_[A-Z_]+)\s*\)')


def load(path=TABLE):
    entries = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 4:
                raise SystemExit(f"{path}:{number}: four fields expected")
            name, kind, event, mechanism = fields
            if kind not in KINDS:
                raise SystemExit(f"{path}:{number}: unknown kind {kind!r}")
            if mechanism not in MECHANISMS:
                raise SystemExit(f"{path}:{number}: unknown mechanism "
                                 f"{mechanism!r}")
            if mechanism != "guard" and event != name:
                raise SystemExit(f"{path}:{number}: an operation refused by "
                                 f"its event is named after it")
            if name in entries:
                raise SystemExit(f"{path}:{number}: {name} listed twice")
            entries[name] = {"kind": kind, "event": event,
                             "mechanism": mechanism}
    return entries


def guards_in_sources(source=SOURCE):
    """{operation: {kind, ...}} of the guards in the C sources."""
    files = subprocess.run(
        ["git", "-C", source, "ls-files", "*.c", "*.h"],
        capture_output=True, text=True, check=True).stdout.split()
    found = {}
    for name in files:
        with open(os.path.join(source, name), encoding="utf-8",
                  errors="replace") as f:
            text = f.read()
        if "_Py_LOCKDOWN_" not in text:
            continue
        for operation, c_kind in GUARD.findall(text):
            found.setdefault(operation, set()).add(BY_C_NAME[c_kind])
    return found


def render_header(entries):
    lines = ["/* Written by Tools/lockdown/operations.py from",
             "   Python/lockdown_operations.txt: the events the audit deny "
             "layer refuses",
             "   (sorted, for bsearch).  Do not edit; run the script with "
             "--update. */", ""]
    for name in sorted(n for n, e in entries.items()
                       if e["mechanism"] != "guard"):
        lines.append(f'{{"{name}", {KINDS[entries[name]["kind"]][0]}}},')
    return "\n".join(lines) + "\n"


def render_operations(entries):
    lines = ["/* Written by Tools/lockdown/operations.py from",
             "   Python/lockdown_operations.txt: every refused operation "
             "(name, kind,",
             "   audit event or NULL, what refuses it).  Do not edit; run the "
             "script",
             "   with --update. */", ""]
    for name in sorted(entries):
        e = entries[name]
        event = "NULL" if e["event"] == "-" else f'"{e["event"]}"'
        lines.append(f'{{"{name}", {KINDS[e["kind"]][0]}, {event}, '
                     f'"{e["mechanism"]}"}},')
    return "\n".join(lines) + "\n"


def render_doc(entries):
    lines = [".. Written by Tools/lockdown/operations.py from "
             "Python/lockdown_operations.txt; do not edit.", "",
             ".. list-table:: The kinds", "   :header-rows: 1", "", 
             "   * - kind", "     - ``LockdownError.kind``", "     - means"]
    for token, (_, shown, meaning) in KINDS.items():
        lines += [f"   * - ``{token}``", f"     - {shown}", f"     - {meaning}"]
    lines += ["", ".. list-table:: The refused operations",
              "   :header-rows: 1", "   :widths: 40 15 30 15", "",
              "   * - operation", "     - kind", "     - audit event",
              "     - refused by"]
    for name in sorted(entries):
        e = entries[name]
        event = "" if e["event"] == "-" else f"``{e['event']}``"
        lines += [f"   * - ``{name}``", f"     - {e['kind']}",
                  f"     - {event}", f"     - {e['mechanism']}"]
    return "\n".join(lines) + "\n"


def generated(entries):
    return ((HEADER, render_header(entries)),
            (OPERATIONS_HEADER, render_operations(entries)),
            (DOC, render_doc(entries)))


def problems(entries, source=SOURCE):
    found = []
    if os.path.isdir(os.path.join(source, ".git")):
        guards = guards_in_sources(source)
        for operation, kinds in sorted(guards.items()):
            entry = entries.get(operation)
            if entry is None:
                found.append(f"{operation}: a guard the table lacks "
                             f"(kind {', '.join(sorted(kinds))})")
                continue
            if kinds != {entry["kind"]}:
                found.append(f"{operation}: guarded as "
                             f"{', '.join(sorted(kinds))}, "
                             f"listed as {entry['kind']}")
        for name, entry in sorted(entries.items()):
            if entry["mechanism"] != "event" and name not in guards:
                found.append(f"{name}: listed as guarded, but no guard "
                             f"names it")
    found += out_of_date(generated(entries), ROOT,
                         "Tools/lockdown/operations.py")
    return found


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--update", action="store_true")
    parser.add_argument("--source", default=SOURCE,
                        help="the assembled CPython tree (default: "
                             "build/cpython)")
    args = parser.parse_args()
    entries = load()
    if args.update:
        for path, text in generated(entries):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    found = problems(entries, args.source)
    for line in found:
        print(f"operations: {line}")
    counts = {m: sum(e["mechanism"] == m for e in entries.values())
              for m in MECHANISMS}
    print(f"operations: {len(entries)} refused operations "
          f"({counts['guard']} by a guard, {counts['event']} by their audit "
          f"event, {counts['both']} by both), {len(found)} problem(s)")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
