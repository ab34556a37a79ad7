"""Run CPython's regression suite on stock CPython and on the fork, unlocked,
and print what fails, errors or is skipped on the fork but not on stock.

    python compare_upstream.py --stock build/stock/python --fork build/obj/python

Both runs use the same regrtest options (-j JOBS, --junit-xml); the suite
of the fork's own tests (test_lockdown) is left out of both.  The exit
status is 1 if the fork does worse than stock on any test.  Failures that
both builds share are listed with their reason, not hidden.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

OURS = ("test_lockdown",)

# Skips on the fork that follow from its design, each with why.  The C
# modules of lockdownlib.SAFE_MODULES are built into the interpreter, so
# that a locked guest imports them from no file; a few upstream tests need
# one of them as a shared library (or a replaceable module) and skip.
BUILT_IN = ("the fork builds this module into the interpreter (a C module "
            "of lockdownlib.SAFE_MODULES)")
EXPECTED_SKIPS = {
    ".test.test_inspect.test_inspect.TestBuggyCases."
    "test_findsource_binary": BUILT_IN,
    ".test.test_zipimport.CompressedZipImportTestCase.testAFakeZlib":
        BUILT_IN,
    ".test.test_zipimport.UncompressedZipImportTestCase.testAFakeZlib":
        BUILT_IN,
}


def run_suite(python, jobs, xml_path, extra, exclude=()):
    argv = [python, "-m", "test", "-j", str(jobs), "--junit-xml", xml_path,
            "--timeout", "1200"]
    argv += extra if extra else ["-x", *OURS, *exclude]
    print(f"compare: running {' '.join(argv)}", flush=True)
    start = time.monotonic()
    # Both suites in one environment, whatever the caller's shell sets:
    # PYTHONUNBUFFERED, say, fails test_cmd_line's buffering test, and
    # stock's results may be reused from a run made in another shell.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=env)
    elapsed = time.monotonic() - start
    with open(xml_path + ".out", "w", encoding="utf-8") as f:
        f.write(proc.stdout)
    tail = "\n".join(proc.stdout.splitlines()[-12:])
    print(f"compare: {python}: exit status {proc.returncode} after "
          f"{elapsed / 60:.1f} min\n{tail}", flush=True)
    return proc.stdout


def failed_files(out_path):
    """Test files regrtest named as failed in its summary (a failure the
    junit XML does not always show, in a subtest or at file level)."""
    try:
        with open(out_path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    names = set()
    for i, line in enumerate(lines):
        if line.strip().endswith("failed:") and "test" in line:
            for follow in lines[i + 1:]:
                if not follow.startswith("    "):
                    break
                names.update(follow.split())
    return names


def outcomes(xml_path):
    """{test id: (kind, message)} for every case; kind "ok" if it passed."""
    result = {}
    tree = ET.parse(xml_path)
    for case in tree.iter("testcase"):
        ident = f"{case.get('classname', '')}.{case.get('name', '')}"
        result[ident] = ("ok", "")
        for kind in ("failure", "error", "skipped"):
            node = case.find(kind)
            if node is not None:
                message = (node.get("message") or node.text or "").strip()
                result[ident] = (kind, message.splitlines()[0][:120]
                                 if message else "")
                break
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stock", required=True)
    parser.add_argument("--fork", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", metavar="DIR",
                        help="keep each build's results (stock.xml, fork.xml) "
                             "in DIR, and reuse those that are there")
    parser.add_argument("--only", choices=("stock", "fork"),
                        help="run one build's suite and stop (with --results)")
    parser.add_argument("--exclude", action="append", default=[],
                        help="leave out this test (repeatable)")
    parser.add_argument("tests", nargs="*", help="limit to these tests")
    args = parser.parse_args()
    for python in (args.stock, args.fork):
        if not os.access(python, os.X_OK):
            parser.error(f"{python} is not an executable interpreter")
    with tempfile.TemporaryDirectory() as tmp:
        results_dir = args.results or tmp
        args.results = results_dir
        os.makedirs(results_dir, exist_ok=True)
        results = {}
        for label, python in (("stock", args.stock), ("fork", args.fork)):
            if args.only and label != args.only:
                continue
            xml_path = os.path.join(results_dir, f"{label}.xml")
            if args.results and os.path.exists(xml_path) and not args.only:
                print(f"compare: reusing {xml_path}")
            else:
                run_suite(python, args.jobs, xml_path, args.tests,
                          args.exclude)
            if not os.path.exists(xml_path):
                sys.exit(f"compare: {label} wrote no results")
            results[label] = outcomes(xml_path)
        if args.only:
            return
    stock, fork = results["stock"], results["fork"]
    rank = {"ok": 0, "skipped": 1, "failure": 2, "error": 2}
    # Worse: a test stock runs that does worse on the fork.  Tests stock
    # does not have (the regression tests of the upstream fixes) are new.
    worse = {k: v for k, v in fork.items()
             if k in stock and rank[v[0]] > rank[stock[k][0]]}
    expected = {k: v for k, v in worse.items()
                if v[0] == "skipped" and k in EXPECTED_SKIPS}
    for k in expected:
        del worse[k]
    new = {k: v for k, v in fork.items() if k not in stock}
    print(f"\ncompare: {len(stock)} test cases on stock, {len(fork)} on the "
          f"fork; {len(new)} exist on the fork only (its own tests and the "
          f"upstream fixes'): {sum(v[0] == 'ok' for v in new.values())} pass, "
          f"{sum(v[0] == 'skipped' for v in new.values())} skip, "
          f"{sum(v[0] in ('failure', 'error') for v in new.values())} fail")
    shared = {k: v for k, v in fork.items()
              if v[0] in ("failure", "error") and stock.get(k, ("ok",))[0] == v[0]}
    print(f"\ncompare: {len(worse)} test(s) fail, error or skip on the fork "
          f"but not on stock:")
    for ident, (kind, message) in sorted(worse.items()):
        print(f"  {kind:8} {ident}: {message}")
    print(f"\ncompare: {len(expected)} skip(s) on the fork only, by design:")
    for ident in sorted(expected):
        print(f"  skipped  {ident}: {EXPECTED_SKIPS[ident]}")
    print(f"\ncompare: {len(shared)} failure(s) shared by both builds on this "
          f"machine (their reasons):")
    for ident, (kind, message) in sorted(shared.items()):
        print(f"  {kind:8} {ident}: {message}")
    files = {label: failed_files(os.path.join(results_dir, f"{label}.xml.out"))
             for label in ("stock", "fork")} if args.results else {}
    worse_files = set()
    if files and None not in files.values():
        worse_files = files["fork"] - files["stock"]
        print(f"\ncompare: {len(worse_files)} test file(s) fail on the fork "
              f"but not on stock: {', '.join(sorted(worse_files)) or '-'}")
    fixed = {k for k, v in stock.items() if v[0] in ("failure", "error")
             and fork.get(k, ("ok",))[0] not in ("failure", "error")}
    if fixed:
        print(f"\ncompare: {len(fixed)} failure(s) of stock that pass on the "
              f"fork (upstream fixes): " + ", ".join(sorted(fixed)[:20]))
    sys.exit(1 if worse or worse_files else 0)


if __name__ == "__main__":
    main()
