"""What the kernel layer costs a system call, measured side by side.

    python kernel_cost.py --fork PYTHON [--reps N]

Runs the fd_syscalls workload (reads, writes, polls, sends and receives on
descriptors opened before lockdown: 5 system calls an iteration) in the
fork locked with the kernel layer and locked without it, alternating, and
prints the median time per system call of each and their difference: the
seccomp filter's cost.  The filter returns "allow" for these calls without
looking at their arguments, which the kernel caches per system call, so
the difference is expected to be within the noise.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import workloads  # noqa: E402

CALLS_PER_RUN = 2000 * 5        # see workloads.prepare_fd_syscalls()
MODES = ("locked", "locked-nokernel")


def measure(python, mode):
    loops = workloads.LOOPS["fd_syscalls"]
    out = subprocess.run(
        [python, "-s", os.path.join(HERE, "child.py"), "fd_syscalls", mode,
         str(loops), "3"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["seconds"] / (loops * CALLS_PER_RUN) * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fork", required=True)
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    ns = {mode: [] for mode in MODES}
    for rep in range(args.reps):
        order = MODES if rep % 2 == 0 else MODES[::-1]
        for mode in order:
            ns[mode].append(measure(args.fork, mode))
        print(f"\r[{rep + 1}/{args.reps}]", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    with_filter = statistics.median(ns["locked"])
    without = statistics.median(ns["locked-nokernel"])
    print(f"{'fd_syscalls, ns per system call':40} {'median':>8} "
          f"{'min':>8} {'max':>8}")
    for label, mode in (("locked, kernel layer", "locked"),
                        ("locked, kernel=False", "locked-nokernel")):
        print(f"{label:40} {statistics.median(ns[mode]):8.1f} "
              f"{min(ns[mode]):8.1f} {max(ns[mode]):8.1f}")
    print(f"{'the filter costs (median difference)':40} "
          f"{with_filter - without:8.1f}  "
          f"({(with_filter / without - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
