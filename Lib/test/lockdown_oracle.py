"""The kernel oracle: every callable of the safe modules, called under
lockdown and under a seccomp filter that traps the system calls lockdown
forbids.

    python -m test.lockdown_oracle [--rounds N] [--seed S]

The parent builds the oracle (Tools/lockdown/oracle/seccomp_oracle.c) and
runs a child that imports lockdownlib.SAFE_MODULES, locks down, installs
the filter and calls every callable it can reach in them (functions,
classes, methods, and the methods of the objects those return): once with
no arguments, once with simple valid ones, then ROUNDS times with fuzzed
ones.  A trapped system call ends the child; the parent names it and the
callable that made it.  It prints how many callables it exercised and
exits 1 if anything was trapped.
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
    modules = [importlib.import_module(name)
               for name in sorted(lockdownlib.SAFE_MODULES)]
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
        except (Exception, SystemExit, GeneratorExit):
            return
        # Iterators are not kept as arguments: itertools.count() and
        # friends never end, and frozenset.issubset() of one would not
        # return (seed 2647831663).
        if (result is not None and not isinstance(result, Iterator)
                and rng.random() < 0.2):
            fuzzer.values.remember(result)
            fuzzer.walker.add_instance(result)

    exercised = set()
    plans = [SIMPLE_ARGUMENTS] + [None] * args.rounds
    for plan in plans:
        for name, func in list(fuzzer.walker.callables):
            exercised.add(name)
            if plan is None:
                call(name, func, fuzzer.arguments()[0])
            else:
                for arguments in plan:
                    call(name, func, arguments)
    write(progress, f"DONE {len(exercised)}\n".encode())
    exit_now(0)


def parent(args):
    with tempfile.TemporaryDirectory(prefix="ldp-oracle-") as tmp:
        try:
            lib_path = fuzzhelper.build_oracle(tmp)
        except fuzzhelper.OracleUnavailable as exc:
            print(f"lockdown_oracle: skipped: {exc}")
            return 2
        seed = args.seed if args.seed is not None else fuzzhelper.new_seed()
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-m", "test.lockdown_oracle", "--child",
             "--progress", str(write_fd), "--oracle-lib", lib_path,
             "--seed", str(seed), "--rounds", str(args.rounds),
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
            print(f"lockdown_oracle: seed {seed}: no call finished within "
                  f"{args.hang_timeout} s; last call: {last}")
            return 1
        if trap is not None:
            name = fuzzhelper.syscall_name(fuzzhelper.load_oracle(lib_path),
                                           trap)
            print(f"lockdown_oracle: seed {seed}: FORBIDDEN system call "
                  f"{name} ({trap}) made by {last}")
            return 1
        if proc.returncode != 0 or done is None:
            print(f"lockdown_oracle: seed {seed}: the child failed "
                  f"(status {proc.returncode}) after {last}:\n"
                  f"{err.decode('utf-8', 'replace')[-2000:]}")
            return 1
        print(f"lockdown_oracle: seed {seed}: exercised {done} callables "
              f"of the safe modules; no forbidden system call")
        return 0


def main():
    parser = argparse.ArgumentParser(prog="python -m test.lockdown_oracle",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="fuzzed calls of each callable (default: 3)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--hang-timeout", type=float, default=60,
                        help="seconds without progress before giving up")
    parser.add_argument("--self-test", action="store_true",
                        help="make a forbidden call on purpose: the oracle "
                             "must report it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--progress", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--oracle-lib", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 0:
        parser.error("--rounds must not be negative")
    if args.child:
        child(args)
    sys.exit(parent(args))


if __name__ == "__main__":
    main()
