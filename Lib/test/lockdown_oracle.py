"""The kernel oracle: every callable of the safe modules, called under
lockdown and under a seccomp filter that traps the system calls lockdown
forbids.

    python -m test.lockdown_oracle [--rounds N] [--seed S]

The parent builds the oracle (Tools/lockdown/oracle/seccomp_oracle.c) and
runs children, each for a chunk of lockdownlib.SAFE_MODULES: a child
imports them, locks down, installs the filter and calls every callable it
can reach in them (functions, classes, methods, and the methods of the
objects those return): once with no arguments, once with simple valid
ones, then ROUNDS times with fuzzed ones.  A trapped system call ends the
child; the parent names it and the callable that made it.  A call that
does not return (a wait on an event no one sets) is named, skipped, and
the chunk runs again without it: a hang is not an escape, but it must not
hide the calls after it.  It prints how many callables it exercised and
what it skipped, and exits 1 if anything was trapped.
"""

import argparse
import importlib
import os
import random
import subprocess
import sys
import tempfile

from test import fuzzhelper

SIMPLE_ARGUMENTS = [(), (1,), ("a",), (2, 3), ([3, 1, 2],), (b"xy",),
                    (1.5,), ("a", "b"), ([1, 2], 1)]


def child(args):
    import lockdownlib
    progress = args.progress
    names = args.modules.split(",") if args.modules else sorted(
        lockdownlib.SAFE_MODULES)
    modules = [importlib.import_module(name) for name in names]
    skip = set(args.skip.split("\n")) if args.skip else set()
    oracle = fuzzhelper.load_oracle(args.oracle_lib)
    rng = random.Random(args.seed)
    fuzzer = fuzzhelper.Fuzzer(modules, rng)
    # The oracle looks for system calls, not slow arithmetic: small numbers
    # keep every call quick (math.perm(2**63) would not be).
    fuzzer.values.small = True
    # Locals: fuzzed calls may empty this module's globals.
    # Locked code cannot end the process with os._exit(): leave through
    # SystemExit.
    write, exit_now = os.write, sys.exit
    from collections.abc import Iterator
    libc_open = None
    if args.self_test:
        import ctypes
        libc_open = ctypes.CDLL(None).open
    import resource
    limit = fuzzhelper.default_memory_limit() * 2**20  # 0 under ASan
    if limit:                           # hostile arguments may be endless
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    lockdownlib.lockdown()
    fuzzhelper.install_oracle(oracle, progress)
    if libc_open is not None:
        # What a missing guard would do: the filter must trap it.
        write(progress, b"CALL self-test: libc open()\n")
        libc_open(b"/etc/hostname", 0)

    def call(name, func, arguments):
        write(progress, f"CALL {name}\n".encode("utf-8", "replace"))
        try:
            result = func(*arguments)
        except BaseException:       # asyncio's CancelledError, among others
            return
        # Iterators are not kept as arguments: itertools.count() and
        # friends never end, and frozenset.issubset() of one would not
        # return (seed 2647831663).
        try:
            keep = (result is not None and not isinstance(result, Iterator)
                    and rng.random() < 0.2)
            if keep:
                fuzzer.values.remember(result)
                fuzzer.walker.add_instance(result)
        except Exception:
            # A result whose attributes raise (a half-made lazy module).
            pass

    exercised = set()
    plans = [SIMPLE_ARGUMENTS] + [None] * args.rounds
    for plan in plans:
        for name, func in list(fuzzer.walker.callables):
            if name in skip:
                continue
            exercised.add(name)
            if plan is None:
                call(name, func, fuzzer.arguments()[0])
            else:
                for arguments in plan:
                    call(name, func, arguments)
    write(progress, f"DONE {len(exercised)}\n".encode())
    exit_now(0)


CHUNK = 24     # modules a child imports and calls


def run_child(args, lib_path, seed, modules, skip):
    """One child over MODULES; return (outcome, detail, exercised)."""
    with tempfile.TemporaryDirectory(prefix="ldp-oracle-") as tmp:
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-m", "test.lockdown_oracle", "--child",
             "--progress", str(write_fd), "--oracle-lib", lib_path,
             "--seed", str(seed), "--rounds", str(args.rounds),
             "--modules", ",".join(modules), "--skip", "\n".join(sorted(skip)),
             *(["--self-test"] if args.self_test else [])],
            pass_fds=(write_fd,), cwd=tmp, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(write_fd)
        last, trap, done = "", None, None

        def on_line(line):
            nonlocal last, trap, done
            if line.startswith("CALL "):
                last = line[5:]
            elif line.startswith("TRAP "):
                trap = int(line[5:])
            elif line.startswith("DONE "):
                done = int(line[5:])

        hung = fuzzhelper.read_progress(proc, read_fd, args.hang_timeout,
                                        on_line)
        _, err = proc.communicate()
    if hung:
        return "hung", last, 0
    if trap is not None:
        name = fuzzhelper.syscall_name(fuzzhelper.load_oracle(lib_path), trap)
        return "trap", f"{name} ({trap}) made by {last}", 0
    # After DONE, only the exit is left: a fuzzed call may have closed the
    # standard streams, so that flushing them at exit fails (status 120).
    if done is None:
        return "failed", (f"status {proc.returncode} after {last}:\n"
                          f"{err.decode('utf-8', 'replace')[-2000:]}"), 0
    return "done", "", done


def parent(args):
    import lockdownlib
    with tempfile.TemporaryDirectory(prefix="ldp-oracle-") as tmp:
        try:
            lib_path = fuzzhelper.build_oracle(tmp)
        except fuzzhelper.OracleUnavailable as exc:
            print(f"lockdown_oracle: skipped: {exc}")
            return 2
        seed = args.seed if args.seed is not None else fuzzhelper.new_seed()
        names = sorted(lockdownlib.SAFE_MODULES)
        if args.self_test:
            names = names[:1]
        chunks = [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
        exercised, skipped = 0, []
        for index, chunk in enumerate(chunks):
            skip = set()
            while True:
                outcome, detail, done = run_child(args, lib_path, seed + index,
                                                  chunk, skip)
                if outcome == "hung" and detail and detail not in skip \
                        and len(skip) < 20:
                    skip.add(detail)
                    skipped.append(detail)
                    continue
                break
            where = f"seed {seed}, modules {chunk[0]}..{chunk[-1]}"
            if outcome == "trap":
                print(f"lockdown_oracle: {where}: FORBIDDEN system call "
                      f"{detail}")
                return 1
            if outcome != "done":
                print(f"lockdown_oracle: {where}: the child {outcome}: "
                      f"{detail}")
                return 1
            exercised += done
        for name in skipped:
            print(f"lockdown_oracle: skipped {name}: no return within "
                  f"{args.hang_timeout} s")
        print(f"lockdown_oracle: seed {seed}: exercised {exercised} callables "
              f"of the safe modules in {len(chunks)} children; no forbidden "
              f"system call")
        return 0


def main():
    parser = argparse.ArgumentParser(prog="python -m test.lockdown_oracle",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="fuzzed calls of each callable (default: 3)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--hang-timeout", type=float, default=10,
                        help="seconds without progress before giving up")
    parser.add_argument("--self-test", action="store_true",
                        help="make a forbidden call on purpose: the oracle "
                             "must report it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--progress", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--oracle-lib", help=argparse.SUPPRESS)
    parser.add_argument("--modules", help=argparse.SUPPRESS)
    parser.add_argument("--skip", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 0:
        parser.error("--rounds must not be negative")
    if args.child:
        child(args)
    sys.exit(parent(args))


if __name__ == "__main__":
    main()
