"""The command line of lockdownrun: run one guest, or serve JSON lines."""

import argparse
import json
import os
import sys
import threading

from . import Limits, Pool, PoolError, Result, _invalid

# A request line may be this long, in bytes; a longer one is refused.
MAX_LINE = 64 * 1024 * 1024
# Requests read ahead of the workers, for each worker.
READ_AHEAD = 4
_REQUEST_KEYS = frozenset({"id", "code", "stdin", "limits"})

_DEFAULTS = Limits()


def _add_limits(parser, what):
    group = parser.add_argument_group(
        "limits", f"The limits of {what}.")
    group.add_argument(
        "--cpu", type=float, default=_DEFAULTS.cpu, metavar="S",
        help="CPU time, in seconds (default: %(default)s)")
    group.add_argument(
        "--wall", type=float, default=_DEFAULTS.wall, metavar="S",
        help="elapsed time, in seconds (default: %(default)s)")
    group.add_argument(
        "--memory", type=int, default=_DEFAULTS.memory, metavar="MB",
        help="memory the guest may allocate, in MiB (default: %(default)s)")
    group.add_argument(
        "--output", type=int, default=_DEFAULTS.output, metavar="KB",
        help="stdout and stderr together, in KiB (default: %(default)s)")
    parser.add_argument(
        "--preload", default="", metavar="MODS",
        help="comma-separated modules to import before locking; guests "
             "can import them (default: none)")


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m lockdownrun",
        description="Run untrusted Python code in locked, limited workers.")
    commands = parser.add_subparsers(dest="command", required=True,
                                     metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run one guest and print its output",
        description="Run FILE (or standard input, -) in a new locked "
                    "worker and print its output, or with --json one "
                    "result document.  Exits with the guest's exit code, "
                    "128 plus the signal that ended it, or 1.")
    run.add_argument("file", metavar="FILE|-", help="the guest's source")
    run.add_argument("--stdin", metavar="FILE",
                     help="the guest's standard input (default: empty)")
    run.add_argument("--json", action="store_true",
                     help="print the result as one JSON document")
    _add_limits(run, "the run")
    serve = commands.add_parser(
        "serve", help="run guests requested as JSON lines on stdin",
        description="Read one JSON request a line on standard input, "
                    '{"id": ..., "code": "...", "stdin": "...", '
                    '"limits": {...}}, and write one JSON result a line on '
                    "standard output, in the order the runs end.  The "
                    "limits options set the default limits of a request "
                    "and the most it may ask for.")
    serve.add_argument(
        "--workers", type=int, default=os.process_cpu_count() or 1,
        metavar="N", help="runs at the same time (default: the number of "
                          "CPUs, %(default)s)")
    _add_limits(serve, "each run, and the most a request may ask for")
    playground = commands.add_parser(
        "playground", help="serve a web page to run guests in a browser",
        description="Serve the playground: a web page to edit and run "
                    "guests, and its JSON API (POST /api/run).  The limits "
                    "options set the default limits of a run and the most "
                    "a request may ask for.  Ctrl-C or SIGTERM stops it.")
    playground.add_argument(
        "--host", default="127.0.0.1",
        help="address to bind (default: %(default)s); bound to an "
             "address other than loopback, it lets others run code on "
             "this machine")
    playground.add_argument(
        "--port", type=int, default=8000,
        help="port to bind, 0 for any free one (default: %(default)s)")
    playground.add_argument(
        "--workers", type=int, default=os.process_cpu_count() or 1,
        metavar="N", help="runs at the same time (default: the number of "
                          "CPUs, %(default)s)")
    playground.add_argument(
        "--queue", type=int, default=8, metavar="N",
        help="runs that may wait for a worker; more are answered 429 "
             "(default: %(default)s)")
    playground.add_argument(
        "--max-body", type=int, default=1024, metavar="KB",
        help="the largest request, in KiB; larger ones are answered 413 "
             "(default: %(default)s)")
    playground.add_argument(
        "--quiet", action="store_true", help="do not log requests")
    _add_limits(playground, "each run, and the most a request may ask for")
    return parser


def _limits(parser, args):
    try:
        return Limits(cpu=args.cpu, wall=args.wall, memory=args.memory,
                      output=args.output)
    except ValueError as exc:
        parser.error(str(exc))


def _preload(args):
    return [name.strip() for name in args.preload.split(",") if name.strip()]


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    limits = _limits(parser, args)
    try:
        if args.command == "run":
            return _run(parser, args, limits)
        if args.command == "playground":
            from . import playground
            return playground.main(args, limits, _preload(args))
        return _serve(args, limits)
    except PoolError as exc:
        print(f"lockdownrun: {exc}", file=sys.stderr)
        return 1


def _read(parser, path):
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        parser.error(f"cannot read {path}: {exc.strerror}")


def _run(parser, args, limits):
    code = _read(parser, args.file)
    stdin = _read(parser, args.stdin) if args.stdin else b""
    try:
        # One run: a worker primed ahead of it would only cost time.
        with Pool(workers=1, limits=limits, preload=_preload(args),
                  _primed=0) as pool:
            result = pool.run(code, stdin)
    except ValueError as exc:
        parser.error(str(exc))
    if args.json:
        print(result.to_json(indent=2))
    else:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr)
        if result.status not in ("ok", "error", "refused"):
            print(f"lockdownrun: {_summary(result)}", file=sys.stderr)
    if result.exit_code is not None:
        return result.exit_code
    if result.signal is not None:
        return 128 + result.signal
    return 1


def _summary(result):
    if result.status == "timeout":
        return f"timeout: {result.timeout} time limit reached"
    if result.status == "memory":
        return "memory limit reached"
    if result.status == "output":
        return "output limit reached; output truncated"
    if result.status == "crashed":
        return f"the worker crashed (signal {result.signal})"
    return result.status


def _request(line, ceiling):
    """Parse one request line; return (id, code, stdin, limits) or raise
    ValueError with a message for the client (and the id if known)."""
    try:
        request = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _BadRequest(None, f"malformed JSON: {exc}")
    if not isinstance(request, dict):
        raise _BadRequest(None, "a request must be a JSON object")
    rid = request.get("id")
    if not isinstance(rid, (str, int, float, type(None))) or isinstance(
            rid, bool):
        raise _BadRequest(None, "id must be a string, a number or null")
    unknown = set(request) - _REQUEST_KEYS
    if unknown:
        raise _BadRequest(rid, f"unknown field {sorted(unknown)[0]!r}")
    code = request.get("code")
    if not isinstance(code, str):
        raise _BadRequest(rid, "code must be a string")
    stdin = request.get("stdin", "")
    if not isinstance(stdin, str):
        raise _BadRequest(rid, "stdin must be a string")
    try:
        limits = request.get("limits")
        limits = (ceiling if limits is None
                  else Limits.from_dict(limits, ceiling))
    except (ValueError, TypeError) as exc:
        raise _BadRequest(rid, str(exc))
    above = limits.exceeding(ceiling)
    if above:
        raise _BadRequest(rid, f"limit {above!r} is above this server's "
                               f"{getattr(ceiling, above)!r}")
    return rid, code, stdin, limits


class _BadRequest(ValueError):
    def __init__(self, rid, message):
        super().__init__(message)
        self.rid = rid


class _Server:
    """Reads requests and writes results in the pool's own thread (the
    pool's loop watches the input), so that a run crosses no thread."""

    def __init__(self, pool, ceiling):
        self.pool = pool
        self.ceiling = ceiling
        self.stdin = sys.stdin.buffer.fileno()
        self.stdout = sys.stdout.buffer.fileno()
        self.pending = bytearray()
        self.skipping = False    # inside a line that was too long
        self.in_flight = 0
        self.eof = False
        self.reading = False
        self.client_gone = False
        self.over = threading.Event()

    def serve(self):
        """Serve until the input ends and every result is written; return
        the exit status."""
        self.pool._call_soon(self.update)
        self.over.wait()
        if self.client_gone:
            # Nobody will read the results.
            self.pool.close(cancel=True)
        return 0

    # The methods below run in the pool's thread.

    def update(self):
        if self.client_gone or (self.eof and self.in_flight == 0):
            if self.reading:
                self.pool._unwatch(self.stdin)
                self.reading = False
            self.over.set()
            return
        want = (not self.eof
                and self.in_flight < self.pool.workers * READ_AHEAD)
        if want != self.reading:
            if want:
                self.pool._watch(self.stdin, self.read_requests)
            else:
                self.pool._unwatch(self.stdin)
            self.reading = want

    def read_requests(self):
        data = os.read(self.stdin, 1 << 16)
        if not data:
            self.eof = True
            if self.pending and not self.skipping:
                self.handle(bytes(self.pending))
            self.pending.clear()
            self.update()
            return
        self.pending += data
        while (end := self.pending.find(b"\n")) >= 0:
            line = bytes(self.pending[:end])
            del self.pending[:end + 1]
            if self.skipping:
                self.skipping = False
            else:
                self.handle(line)
        if len(self.pending) > MAX_LINE and not self.skipping:
            self.pending.clear()
            self.skipping = True
            self.write({"id": None, **_invalid(
                f"request line longer than {MAX_LINE} bytes").to_dict()})
        self.update()

    def handle(self, line):
        if not line.strip():
            return
        try:
            rid, code, stdin, limits = _request(line, self.ceiling)
            future = self.pool.submit(code, stdin, limits)
        except _BadRequest as exc:
            self.write({"id": exc.rid, **_invalid(str(exc)).to_dict()})
            return
        except ValueError as exc:
            self.write({"id": rid, **_invalid(str(exc)).to_dict()})
            return
        self.in_flight += 1
        future.add_done_callback(lambda f, rid=rid: self.finished(rid, f))

    def finished(self, rid, future):
        try:
            result = future.result()
        except BaseException as exc:
            result = Result("crashed", error={
                "type": type(exc).__name__, "message": str(exc),
                "traceback": ""})
        self.in_flight -= 1
        self.write({"id": rid, **result.to_dict()})
        self.update()

    def write(self, item):
        if self.client_gone:
            return
        data = (json.dumps(item) + "\n").encode("ascii")
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.stdout, view):]
        except BrokenPipeError:
            self.client_gone = True


def _serve(args, limits):
    if not 1 <= args.workers <= 1024:
        print("lockdownrun: --workers must be in [1, 1024]", file=sys.stderr)
        return 2
    pool = Pool(workers=args.workers, limits=limits, preload=_preload(args))
    server = _Server(pool, limits)
    try:
        return server.serve()
    finally:
        # Nothing is left to run once the input has ended; on an error or
        # Ctrl-C, kill what runs.
        pool.close(cancel=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # Python flushes stdout at exit; make that a no-op.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
