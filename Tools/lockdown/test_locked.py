"""Run upstream regression tests inside a locked interpreter.

    build/obj/python Tools/lockdown/test_locked.py [--json FILE] [TESTS...]

Each test module runs in a fresh child interpreter, which imports the
module and everything its tests need (the module is loaded with unittest's
loader, which imports it, its helpers and, for a package, its submodules),
then calls ``lockdownlib.lockdown(kernel=False)`` and only then runs the
suite.  Every test ends in one of four classes:

passed
    it passed (an expected failure that failed counts as passed);
refused
    its error or failure is, or was caused by (``__cause__``,
    ``__context__``, or inside an exception group), a
    ``lockdownlib.LockdownError``: the test needs something lockdown
    refuses, whose ``operation`` and ``kind`` are recorded;
skipped
    it was skipped;
failed
    anything else: a bug of the fork or a test that cannot run locked for
    a reason lockdown does not name.

A test with subtests counts once, in the worst class of its parts (failed,
then refused, then passed, then skipped).  An error in ``setUpClass`` or
``setUpModule`` counts as one test, named as unittest names it.

The child is locked with ``kernel=False`` by default: the in-process layer
is what raises ``LockdownError`` with an operation to classify, and the
parent, which is not locked, removes the child's temporary directory
afterwards.  ``--kernel`` installs the kernel layer as well; a test that
then fails with ``PermissionError`` where it passed with ``kernel=False``
found a system call that no in-process guard stops.

Each module has a time limit (``--timeout``, 300 s) and an address-space
limit (``--memory``, 4 GiB).  A child that dies of a signal is reported as
a crash, with the signal and the last test started: a crash of locked code
is a security bug (a crash before lockdown is reported as a crash "while
loading").  A test that lets KeyboardInterrupt or another exception escape
its run() is counted as failed and the run goes on.  A child that runs out
of time is reported as a hang; ``faulthandler`` dumps its threads to the
child's output a few seconds before it is killed.  The exit status is 1
if any test failed or any module crashed, hung or could not be loaded.

A TEST is a module of Lib/test (``test_json``), a module of a test
package (``test_asyncio.test_tasks``), a class or a test of either
(``test_asyncio.test_events.TestServer``), or any full module name.  As
under regrtest, resources (``-u``) are disabled unless named.
``--unlocked`` runs the same way without locking, as a baseline: every
test that fails or is refused locked should pass there.  ``--json FILE``
writes, per module, the counts, the status and, for each test not passed,
its id and: for a failure, the first and last lines of its traceback
(frames named by module, since lockdown hides the files); for a refusal,
the operation, its kind and where it was refused; for a skip, the reason.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEFAULT_TESTS = (
    "test_json", "test_re", "test_collections", "test_datetime",
    "test_decimal", "test_fractions", "test_statistics", "test_itertools",
    "test_functools", "test_dataclasses", "test_enum", "test_typing",
    # The asyncio subset: the core of what a guest runs (tasks, futures,
    # synchronization, queues, runners, timeouts, task groups) and the
    # event loop tests, most of which need sockets or processes.
    "test_asyncio.test_tasks", "test_asyncio.test_futures",
    "test_asyncio.test_locks", "test_asyncio.test_queues",
    "test_asyncio.test_runners", "test_asyncio.test_timeouts",
    "test_asyncio.test_taskgroups", "test_asyncio.test_events",
    "test_csv", "test_email", "test_struct", "test_zlib", "test_difflib",
    "test_textwrap", "test_string", "test_random",
)

CLASSES = ("passed", "refused", "skipped", "failed")
# Worst first: the class a test with several outcomes (subtests) gets.
_RANK = {"failed": 0, "refused": 1, "passed": 2, "skipped": 3}

TRACEBACK_HEAD = 40     # lines of a traceback kept in the details
TRACEBACK_TAIL = 10
GRACE = 20              # seconds a child may take to exit after its last test


def module_name(test):
    """'test_json' -> 'test.test_json'; other names are full module names."""
    if test.startswith("test_"):
        return "test." + test
    return test


# ---------------------------------------------------------------------------
# The child: load, lock, run.

def lockdown_cause(exc):
    """Return the LockdownError that exc is or was caused by, or None."""
    import lockdownlib
    seen = set()
    stack = [exc]
    while stack:
        exc = stack.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        if isinstance(exc, lockdownlib.LockdownError):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            stack.extend(reversed(exc.exceptions))
        stack.append(exc.__context__)
        stack.append(exc.__cause__)
    return None


class SourceLines:
    """The source of the loaded modules, read before lockdown.

    Once locked, code objects show '<hidden>' as their file name and
    linecache reads nothing, so tracebacks would name no file and show no
    line.  The module a frame runs in is still known (its globals'
    __name__); this maps it to the lines read while that was allowed."""

    def __init__(self):
        self._lines = {}

    def read(self, modules):
        import tokenize
        for name, module in list(modules.items()):
            path = getattr(module, "__file__", None)
            if name in self._lines or not isinstance(path, str):
                continue
            if not path.endswith(".py"):
                continue
            try:
                with tokenize.open(path) as f:
                    self._lines[name] = f.read().splitlines()
            except (OSError, SyntaxError, UnicodeDecodeError):
                pass

    def line(self, module, lineno):
        lines = self._lines.get(module, ())
        if lineno is not None and 0 < lineno <= len(lines):
            return lines[lineno - 1].strip()
        return ""


def format_exception(exc, sources, depth=0):
    """Format exc and its chain as traceback does, naming modules instead
    of the files that lockdown hides."""
    import traceback
    lines = []
    if depth < 8:
        if exc.__cause__ is not None:
            lines += format_exception(exc.__cause__, sources, depth + 1)
            lines += ["", "The above exception was the direct cause of "
                      "the following exception:", ""]
        elif (exc.__context__ is not None
              and not exc.__suppress_context__):
            lines += format_exception(exc.__context__, sources, depth + 1)
            lines += ["", "During handling of the above exception, another "
                      "exception occurred:", ""]
    frames = [(frame, lineno)
              for frame, lineno in traceback.walk_tb(exc.__traceback__)]
    # The frames of unittest's machinery and of this harness tell nothing
    # about the test.
    frames = [(frame, lineno) for frame, lineno in frames
              if frame.f_globals is not globals()
              and not str(frame.f_globals.get("__name__")).startswith(
                  "unittest.")]
    if frames:
        lines.append("Traceback (most recent call last):")
    for frame, lineno in frames:
        module = frame.f_globals.get("__name__", "?")
        lines.append(f"  Module {module}, line {lineno}, "
                     f"in {frame.f_code.co_name}")
        source = sources.line(module, lineno)
        if source:
            lines.append("    " + source)
    for chunk in traceback.format_exception_only(exc):
        lines += chunk.rstrip("\n").split("\n")
    return lines


def _error_line(exc):
    """The first line of 'Type: message' for exc."""
    import traceback
    return traceback.format_exception_only(exc)[0].split("\n")[0]


def _trim(lines):
    if len(lines) <= TRACEBACK_HEAD + TRACEBACK_TAIL:
        return lines
    cut = len(lines) - TRACEBACK_HEAD - TRACEBACK_TAIL
    return (lines[:TRACEBACK_HEAD] + [f"    [... {cut} lines ...]"]
            + lines[-TRACEBACK_TAIL:])


def _raised_at(exc, sources):
    """Where exc was raised: 'module.function:line' of its last frame,
    and the source line."""
    import traceback
    where = source = ""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "?")
        where = f"{module}.{frame.f_code.co_name}:{lineno}"
        source = sources.line(module, lineno)
    return where, source


def _make_result_class():
    import unittest

    class LockedResult(unittest.TestResult):
        """Classify each test and report it as a line of JSON."""

        def __init__(self, report, sources):
            super().__init__()
            self._report = report
            self._sources = sources
            self._current = None
            self._escaped = False
            self._outcomes = []

        def _outcome(self, test, cls, **details):
            details["test"] = test.id()
            details["class"] = cls
            if self._escaped:
                details["escaped"] = True
                if "error" in details:
                    details["error"] = ("escaped from run(): "
                                        + details["error"])
            if self._current is None:
                # An error or skip outside any test: setUpClass,
                # setUpModule and their tearDowns.
                self._report("test", **details)
            else:
                self._outcomes.append(details)

        def _error(self, test, err):
            exc = err[1]
            cause = lockdown_cause(exc)
            lines = _trim(format_exception(exc, self._sources))
            if cause is None:
                self._outcome(test, "failed", error=_error_line(exc),
                              traceback=lines)
            else:
                where, source = _raised_at(cause, self._sources)
                self._outcome(test, "refused",
                              operation=getattr(cause, "operation", "?"),
                              kind=getattr(cause, "kind", "?"),
                              where=where, source=source, traceback=lines)

        def startTest(self, test):
            super().startTest(test)
            self._current = test
            self._outcomes = []
            self._report("start", test=test.id())

        def stopTest(self, test):
            super().stopTest(test)
            outcomes = self._outcomes or [{"class": "passed"}]
            worst = min(outcomes, key=lambda o: _RANK[o["class"]])
            self._report("test", test=test.id(), cls=worst["class"],
                         parts=[o for o in self._outcomes
                                if o["class"] != "passed"])
            self._current = None

        def addSuccess(self, test):
            super().addSuccess(test)
            self._outcome(test, "passed")

        def addError(self, test, err):
            super().addError(test, err)
            self._error(test, err)

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._error(test, err)

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                self._error(subtest, err)

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._outcome(test, "skipped", reason=reason)

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            self._outcome(test, "passed", note="expected failure")

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            self._outcome(test, "failed", error="unexpected success",
                          traceback=[])

        def addEscaped(self, test, err):
            """An exception that escaped the test's run() after it ended
            (an IsolatedAsyncioTestCase's runner failing to close, say):
            one more failure, which would otherwise end the whole run."""
            self._current = None
            self._escaped = True
            try:
                self._error(_Escaped(test), err)
            finally:
                self._escaped = False

        # Keep no formatted tracebacks: they are reported as they come.
        def _exc_info_to_string(self, err, test):
            return ""

    return LockedResult


class _Escaped:
    """Stands for a test whose run() let an exception escape."""

    def __init__(self, test):
        self._id = test.id()

    def id(self):
        return self._id


def _guard_runs(suite):
    """Make every test of suite report an exception escaping its run()
    instead of ending the run of the whole suite."""
    import unittest
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            _guard_runs(test)
            continue
        run = test.run

        def guarded(result=None, *, _run=run, _test=test):
            try:
                return _run(result)
            except (Exception, KeyboardInterrupt):
                # unittest lets KeyboardInterrupt through: a test that
                # interrupts itself (_thread.interrupt_main) and expects a
                # handler that lockdown refused would end the whole run.
                if result is None or not hasattr(result, "addEscaped"):
                    raise
                result.addEscaped(_test, sys.exc_info())

        # TestCase.__call__ calls self.run: the instance attribute wins.
        test.run = guarded


def child_main(args):
    """Load one test module, lock, run it; report on args.events."""
    started = time.monotonic()
    # Opened before lockdown: objects made before keep working.
    events = open(args.events, "a", encoding="utf-8", buffering=1)

    def report(event, **fields):
        fields["event"] = event
        if "cls" in fields:
            fields["class"] = fields.pop("cls")
        events.write(json.dumps(fields) + "\n")
        events.flush()

    if args.memory:
        # Set before lockdown, which refuses resource limits.
        import resource
        limit = args.memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    import faulthandler
    faulthandler.enable(all_threads=True)
    if args.timeout > 20:
        faulthandler.dump_traceback_later(args.timeout - 10)

    import unittest
    import lockdownlib
    from test import support
    support.verbose = args.verbose
    support.use_resources = set(args.use)
    support.failfast = False

    name = module_name(args.child)
    try:
        loader = unittest.TestLoader()
        suite = loader.loadTestsFromName(name)
    except BaseException as exc:
        import traceback
        report("load-error", traceback=_trim(
            [line.rstrip("\n") for line in traceback.format_exception(exc)]))
        return 2
    for error in loader.errors:
        report("load-error", traceback=_trim(error.splitlines()))

    _guard_runs(suite)
    LockedResult = _make_result_class()
    sources = SourceLines()
    sources.read(sys.modules)
    report("loaded", tests=suite.countTestCases(), modules=len(sys.modules),
           seconds=round(time.monotonic() - started, 2))

    if args.unlocked:
        report("locked", kernel_layer="unlocked")
    else:
        lockdownlib.lockdown(kernel=args.kernel)
        report("locked", kernel_layer=lockdownlib.kernel_layer())

    result = LockedResult(report, sources)
    result.startTestRun()
    try:
        suite.run(result)
    finally:
        result.stopTestRun()
    report("done", seconds=round(time.monotonic() - started, 2))
    return 0


# ---------------------------------------------------------------------------
# The parent: one child per module, then the table.

def _read_events(path, offset):
    """Return the events written to path after offset, and the new offset.

    A line being written is left for the next call."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return [], offset
    events = []
    end = data.rfind(b"\n") + 1
    for line in data[:end].splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    return events, offset + end


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def run_module(test, args):
    """Run one module in a child and return its record."""
    record = {"module": test, "status": "ok", "counts": dict.fromkeys(
        CLASSES, 0), "failed": [], "refused": [], "skipped": [],
        "load_errors": []}
    tmp = tempfile.mkdtemp(prefix="test_locked_")
    try:
        cwd = os.path.join(tmp, "cwd")
        os.mkdir(cwd)
        events_path = os.path.join(tmp, "events.jsonl")
        output_path = os.path.join(tmp, "output.txt")
        argv = [args.python, os.path.abspath(__file__), "--child", test,
                "--events", events_path, "--timeout", str(args.timeout),
                "--memory", str(args.memory)]
        if args.kernel:
            argv.append("--kernel")
        if args.unlocked:
            argv.append("--unlocked")
        if args.use:
            argv += ["-u", ",".join(args.use)]
        if args.verbose:
            argv.append("-v")
        env = dict(os.environ, TMPDIR=cwd)
        started = time.monotonic()
        with open(output_path, "wb") as output:
            proc = subprocess.Popen(argv, cwd=cwd, env=env,
                                    stdin=subprocess.DEVNULL,
                                    stdout=output, stderr=subprocess.STDOUT)
        offset = 0
        seen = {}
        last_started = None
        done_at = None
        killed = None
        while True:
            rc = proc.poll()
            events, offset = _read_events(events_path, offset)
            for event in events:
                kind = event.pop("event")
                if kind == "start":
                    last_started = event["test"]
                elif kind == "test":
                    _add_test(record, event, seen)
                    if event["test"] == last_started:
                        last_started = None
                elif kind == "load-error":
                    record["load_errors"].append(event["traceback"])
                elif kind == "loaded":
                    record["loaded"] = event
                elif kind == "locked":
                    record["kernel_layer"] = event["kernel_layer"]
                elif kind == "done":
                    done_at = time.monotonic()
            if rc is not None:
                break
            now = time.monotonic()
            if now - started > args.timeout:
                killed = "timeout"
            elif done_at is not None and now - done_at > GRACE:
                killed = "hung at exit"
            if killed:
                proc.kill()
                proc.wait()
                # Pick up the events written before the kill.
                continue
            time.sleep(0.2)
        record["seconds"] = round(time.monotonic() - started, 1)
        record["returncode"] = rc
        if killed == "timeout":
            record["status"] = f"hang (over {args.timeout} s)"
        elif killed:
            record["status"] = killed
        elif rc < 0:
            # A crash before lockdown is the loading's; after, it is a
            # crash of locked code: a security bug.
            phase = "" if "kernel_layer" in record else " while loading"
            what = "interrupted" if -rc == signal.SIGINT else "crash"
            record["status"] = f"{what}{phase} ({_signal_name(-rc)})"
            record["signal"] = _signal_name(-rc)
        elif done_at is None:
            record["status"] = ("load error" if "loaded" not in record
                                else f"died (exit status {rc})")
        elif record["load_errors"]:
            record["status"] = "load error"
        if last_started is not None and record["status"] != "ok":
            record["last_test"] = last_started
        if record["status"] != "ok":
            with open(output_path, "rb") as f:
                tail = f.read().decode("utf-8", "replace").splitlines()
            record["output_tail"] = tail[-40:]
    finally:
        if args.keep:
            record["directory"] = tmp
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return record


def _add_test(record, event, seen):
    """Count a test reported by the child; seen maps the ids counted so
    far to their class."""
    test = event["test"]
    cls = event["class"]
    if event.get("escaped") and test in seen:
        # An exception escaped the test's run() after the test was
        # reported: the later report replaces the earlier one.  (Ids are
        # not unique: doctests of two modules may share one.)
        old = seen[test]
        record["counts"][old] -= 1
        if old != "passed":
            record[old] = [r for r in record[old] if r["test"] != test]
        if _RANK[old] < _RANK[cls]:
            cls = old
    seen[test] = cls
    record["counts"][cls] += 1
    # A test reported by stopTest carries its parts; an error outside any
    # test (setUpClass, ...) is its own part.
    parts = event.get("parts", [event])
    if cls == "failed":
        errors = [part.get("error", "") for part in parts
                  if part["class"] == "failed"]
        lines = []
        for part in parts:
            if part["class"] == "refused":
                lines.append(f"[refused: {part['operation']}]")
            elif part["test"] != test:
                lines.append(f"[{part['test']}]")
            lines += part.get("traceback", [])
        record["failed"].append({"test": test, "error": errors[0],
                                 "traceback": lines})
    elif cls == "refused":
        part = next(p for p in parts if p["class"] == "refused")
        record["refused"].append({"test": test, **{
            key: part[key]
            for key in ("operation", "kind", "where", "source", "traceback")
            if key in part}})
    elif cls == "skipped":
        reasons = [part.get("reason", "") for part in parts
                   if part["class"] == "skipped"]
        record["skipped"].append({"test": test,
                                  "reason": reasons[0] if reasons else ""})


def print_table(records, file=sys.stdout):
    width = max([len("module")] + [len(r["module"]) for r in records])
    header = (f"{'module':<{width}}  {'passed':>6} {'refused':>7} "
              f"{'skipped':>7} {'failed':>6} {'time':>6}  status")
    print(header, file=file)
    print("-" * len(header), file=file)
    totals = dict.fromkeys(CLASSES, 0)
    for r in records:
        c = r["counts"]
        for cls in CLASSES:
            totals[cls] += c[cls]
        extra = ""
        if r.get("last_test"):
            extra = f"; last test started: {r['last_test']}"
        print(f"{r['module']:<{width}}  {c['passed']:>6} {c['refused']:>7} "
              f"{c['skipped']:>7} {c['failed']:>6} "
              f"{r.get('seconds', 0):>5.0f}s  {r['status']}{extra}",
              file=file)
    print("-" * len(header), file=file)
    seconds = sum(r.get("seconds", 0) for r in records)
    print(f"{'total':<{width}}  {totals['passed']:>6} {totals['refused']:>7} "
          f"{totals['skipped']:>7} {totals['failed']:>6} {seconds:>5.0f}s",
          file=file)
    return totals


def print_details(records, file=sys.stdout):
    operations = {}
    for r in records:
        for refusal in r["refused"]:
            key = (refusal.get("operation"), refusal.get("kind"))
            operations[key] = operations.get(key, 0) + 1
    if operations:
        print("\nrefused operations (tests):", file=file)
        for (operation, kind), n in sorted(operations.items(),
                                           key=lambda item: -item[1]):
            print(f"  {n:5}  {operation} ({kind})", file=file)
    for r in records:
        if r["failed"]:
            print(f"\n{r['module']}: failed", file=file)
            for failure in r["failed"]:
                print(f"  {failure['test']}\n      {failure['error'][:150]}",
                      file=file)
        for error in r["load_errors"]:
            print(f"\n{r['module']}: load error\n  "
                  + "\n  ".join(error[-5:]), file=file)
        if r["status"] not in ("ok", "load error"):
            print(f"\n{r['module']}: {r['status']}"
                  + (f", last test started: {r['last_test']}"
                     if r.get("last_test") else ""), file=file)
            for line in r.get("output_tail", [])[-15:]:
                print("  | " + line, file=file)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Run upstream regression tests in a locked interpreter.")
    parser.add_argument("tests", nargs="*", metavar="TEST",
                        help="test modules (test_json, "
                        "test_asyncio.test_tasks, or a full module name); "
                        "by default: " + " ".join(DEFAULT_TESTS))
    parser.add_argument("--json", metavar="FILE",
                        help="write every module's details to FILE")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds per module (default: 300)")
    parser.add_argument("--memory", type=int, default=4096, metavar="MIB",
                        help="address space limit of each child, in MiB "
                        "(default: 4096; 0: none, as an ASan build needs)")
    parser.add_argument("--kernel", action="store_true",
                        help="lock with the kernel layer too")
    parser.add_argument("--unlocked", action="store_true",
                        help="run the same way without locking: the "
                        "baseline")
    parser.add_argument("-u", "--use", default="",
                        help="resources to enable, comma-separated, as "
                        "regrtest's -u (default: none)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter to test (default: this one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep each child's directory (its output)")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--events", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.use = [r for r in args.use.split(",") if r]
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    records = []
    for test in args.tests or DEFAULT_TESTS:
        print(f"test_locked: {test} ...", end=" ", flush=True)
        record = run_module(test, args)
        c = record["counts"]
        print(f"{record['status']}, {record.get('seconds', 0):.0f} s: "
              + ", ".join(f"{c[cls]} {cls}" for cls in CLASSES), flush=True)
        records.append(record)
    print()
    totals = print_table(records)
    print_details(records)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"python": args.python, "kernel": args.kernel,
                       "unlocked": args.unlocked,
                       "timeout": args.timeout, "use": args.use,
                       "totals": totals, "modules": records}, f, indent=1)
            f.write("\n")
    bad = totals["failed"] or any(r["status"] != "ok" for r in records)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
