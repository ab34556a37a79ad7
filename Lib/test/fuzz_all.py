"""Run every fuzz test (Lib/test/fuzz_*.py) in turn, without end.

    python -m test.fuzz_all [--seconds S | --iterations N] [--only a,b]

Each run of each fuzz test happens in a child process that locks itself
down; crashes, hangs and escapes are reported with the seed and the last
call, and written to the regression corpus (Lib/test/fuzzcorpus/) that
test_lockdown replays.  The exit status is 1 if any run failed.
"""

import os
import sys
import time

from test import fuzzhelper


def fuzz_tests():
    here = os.path.dirname(os.path.abspath(__file__))
    return sorted(f"test.{name[:-3]}" for name in os.listdir(here)
                  if name.startswith("fuzz_") and name.endswith(".py")
                  and name != "fuzz_all.py")


def main(argv=None):
    args_in = list(sys.argv[1:] if argv is None else argv)
    only = None
    if "--only" in args_in:
        i = args_in.index("--only")
        try:
            only = set(args_in[i + 1].split(","))
        except IndexError:
            sys.exit("fuzz_all: --only needs a comma-separated list of names")
        del args_in[i:i + 2]
    args = fuzzhelper.parse_args(args_in, prog="python -m test.fuzz_all")
    if args.child:
        sys.exit("fuzz_all: --child is for the fuzz tests themselves")
    modules = fuzz_tests()
    if only is not None:
        unknown = only - {m.rpartition(".")[2].removeprefix("fuzz_")
                          for m in modules}
        if unknown:
            sys.exit(f"fuzz_all: no fuzz test named {', '.join(sorted(unknown))}")
        modules = [m for m in modules
                   if m.rpartition(".")[2].removeprefix("fuzz_") in only]
    print(f"fuzz_all: {len(modules)} fuzz tests: "
          f"{', '.join(m.rpartition('.')[2] for m in modules)}", flush=True)
    start = time.monotonic()
    try:
        failures, calls = fuzzhelper.fuzz_modules(modules, args)
    except KeyboardInterrupt:
        print("fuzz_all: stopped", flush=True)
        sys.exit(130)
    elapsed = time.monotonic() - start
    print(f"fuzz_all: {calls:,} calls in {elapsed:.0f} s "
          f"({calls / elapsed if elapsed else 0:,.0f}/s), "
          f"{len(failures)} failure(s)", flush=True)
    for outcome in failures:
        fuzzhelper.report(outcome)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
