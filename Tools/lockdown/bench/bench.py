"""Side-by-side benchmark: stock CPython, the fork unlocked, the fork locked.

    python bench.py --stock build/stock/python --fork build/obj/python
    python bench.py ... --callgrind            # count instructions instead
    python bench.py ... --update-readme README.rst

The three interpreters run every workload of workloads.py, interleaved and
in a shuffled order, REPS times, each run in a fresh process that reports
the fastest of REPEAT timings of the workload's loop.  For each
workload it prints the ratio of the fork (unlocked, then locked) to stock:
the median over the repetitions, and the smallest and largest ratio seen.
The last lines give the geometric mean of the ratios and the time
lockdownlib.lockdown() itself took.  With --callgrind, each run is counted
by valgrind's callgrind (the instructions of the loop: a run of LOOPS
iterations minus a run of none), which does not move with machine noise.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import workloads  # noqa: E402

CHILD = os.path.join(HERE, "child.py")
STARTUP = "startup"
CONFIGS = ("stock", "unlocked", "locked")
CALLGRIND_DIVISOR = 5
# Each timed measurement is the fastest of REPEAT runs of the loop inside
# one process (and start-up the fastest of STARTUP_RUNS processes).
REPEAT = 5
STARTUP_RUNS = 20
PAGE = 4096
# glibc's malloc hands memory back to the OS when the free top of its heap
# passes trim_threshold, and moves that threshold and mmap_threshold as
# large blocks come and go.  Whether a loop that grows and clears a 128 KiB
# set table page-faults on every pass then depends on the few kilobytes
# start-up left on the heap: identity_dicts took 1,350 minor faults and 20%
# longer in one interpreter, none in the other, by the size of the
# environment alone.  Thresholds fixed alike for all three interpreters
# take that lottery out of the comparison.
GLIBC_TUNABLES = ("glibc.malloc.trim_threshold=67108864:"
                  "glibc.malloc.mmap_threshold=4194304")
# Fixed hash seed and a clean environment, so that runs are comparable.
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0",
       "LC_ALL": "C.UTF-8", "GLIBC_TUNABLES": GLIBC_TUNABLES}


class BenchError(Exception):
    pass


def run_process(argv, callgrind, pad=0):
    if callgrind:
        # Valgrind maps the heap low, where ids fit in one digit of an int
        # and print short; as high as it allows (2**33), ids take two
        # digits, as they do outside valgrind.
        argv = ["valgrind", "--tool=callgrind", "--aspace-minaddr=0x200000000",
                "--callgrind-out-file=/dev/null"] + argv
    env = dict(ENV, LDP_BENCH_PAD="x" * pad)
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise BenchError(f"{' '.join(argv)} failed:\n{proc.stderr[-2000:]}")
    instructions = None
    if callgrind:
        m = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
        if m is None:
            raise BenchError("no instruction count in valgrind's output")
        instructions = int(m.group(1))
    return proc.stdout, instructions


def measure(python, config, workload, callgrind, pad=0):
    """One measurement: seconds (or instructions), and lockdown() ns.

    PAD bytes of environment move the process's stack and what start-up
    leaves on the heap; layout alone moves a timed loop by several percent,
    whichever interpreter runs, so each repetition draws its own PAD and
    the median ratio averages the layouts out."""
    locked = config == "locked"
    if workload == STARTUP:
        code = "pass"
        if locked:
            # As below: no kernel layer under valgrind.
            code = ("import lockdownlib; lockdownlib.lockdown(kernel=%s)"
                    % (not callgrind))
        argv = [python, "-s", "-c", code]
        if callgrind:
            return run_process(argv, True)[1], None
        times = []
        for _ in range(STARTUP_RUNS):
            start = time.perf_counter()
            run_process(argv, False, pad)
            times.append(time.perf_counter() - start)
        return min(times), None
    loops = workloads.LOOPS[workload]
    if callgrind:
        # Instruction counts need no long runs, and valgrind is slow.
        loops = max(1, loops // CALLGRIND_DIVISOR)
    mode = "locked" if locked else "plain"
    if callgrind and locked:
        # valgrind runs the interpreter's system calls itself, and the
        # kernel layer's filter would apply to valgrind's own (its maps
        # below the program among them): count instructions with the
        # in-process layer only.  kernel_cost.py times the filter.
        mode = "locked-nokernel"
    argv = [python, "-s", CHILD, workload, mode]
    repeat = "1" if callgrind else str(REPEAT)
    out, instructions = run_process(argv + [str(loops), repeat], callgrind,
                                    pad)
    result = json.loads(out)
    if callgrind:
        empty = run_process(argv + ["0", "1"], True)[1]
        return instructions - empty, result["lockdown_ns"]
    return result["seconds"], result["lockdown_ns"]


def run_all(args):
    pythons = {"stock": args.stock, "unlocked": args.fork, "locked": args.fork}
    names = args.workloads or [STARTUP] + [
        name for name in workloads.LOOPS
        if not (args.callgrind and name in workloads.SYSCALL_BOUND)]
    rng = random.Random(args.seed)
    results = {}                  # (workload, config) -> [value per rep]
    lockdown_ns = []
    total = args.reps * len(names)
    done = 0
    for rep in range(args.reps):
        order = names[:]
        rng.shuffle(order)
        for name in order:
            configs = [c for c in CONFIGS
                       if not (c == "locked" and name in workloads.UNLOCKED_ONLY)]
            rng.shuffle(configs)
            # The same layout for the three, a new one each repetition
            # (none under callgrind, which counts instructions).
            pad = 0 if args.callgrind else rng.randrange(PAGE)
            for config in configs:
                value, ns = measure(pythons[config], config, name,
                                    args.callgrind, pad)
                results.setdefault((name, config), []).append(value)
                if ns is not None:
                    lockdown_ns.append(ns)
            done += 1
            print(f"\r[{done}/{total}] rep {rep + 1}/{args.reps}: {name:16}",
                  end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return names, results, lockdown_ns


def summarize(names, results, lockdown_ns, args):
    unit = "instructions" if args.callgrind else "seconds"
    lines = []
    header = f"{'workload':16} {'stock':>12}  {'unlocked/stock':>24}  {'locked/stock':>24}"
    lines.append(header)
    lines.append("-" * len(header))
    geo = {"unlocked": [], "locked": []}
    for name in names:
        stock = results[(name, "stock")]
        cells = []
        for config in ("unlocked", "locked"):
            values = results.get((name, config))
            if values is None:
                cells.append(f"{'n/a':>24}")
                continue
            ratios = [v / s for v, s in zip(values, stock)]
            med = statistics.median(ratios)
            geo[config].append(med)
            cells.append(f"{med:8.4f} [{min(ratios):.4f}-{max(ratios):.4f}]")
        base = statistics.median(stock)
        base_text = f"{base:12.0f}" if args.callgrind else f"{base:12.4f}"
        lines.append(f"{name:16} {base_text}  {cells[0]:>24}  {cells[1]:>24}")
    lines.append("-" * len(header))
    gm = {c: math.exp(statistics.fmean(math.log(r) for r in v))
          for c, v in geo.items() if v}
    lines.append(f"{'geometric mean':16} {'':12}  {gm['unlocked']:24.4f}  "
                 f"{gm['locked']:24.4f}")
    if lockdown_ns and not args.callgrind:
        lines.append(f"lockdownlib.lockdown(): median "
                     f"{statistics.median(lockdown_ns) / 1000:.1f} us, "
                     f"max {max(lockdown_ns) / 1000:.1f} us "
                     f"over {len(lockdown_ns)} calls")
    lines.append(f"({unit}; median ratio over {args.reps} interleaved "
                 f"repetition(s), [smallest-largest]; stock column: median "
                 f"{unit} of stock)")
    if args.callgrind:
        lines.append("(under valgrind the heap starts at 2**33, so stock's ids take "
                     "two digits as outside it,\n but its default hashes (address >> 4) "
                     "still fit in one and its %p reprs are 3 digits\n shorter: this "
                     "counts a little against repr_id; wall-clock time has no such bias)")
    return "\n".join(lines), gm, lockdown_ns


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def update_readme(path, table, args):
    start = f".. bench-{args.marker}-start"
    end = f".. bench-{args.marker}-end"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if start not in text or end not in text:
        raise BenchError(f"{path} has no {start} / {end} markers")
    mode = "callgrind instruction counts" if args.callgrind else "wall-clock time"
    block = (f"{start}\n\nMeasured on {datetime.date.today().isoformat()} on "
             f"{machine()}, {mode}, by\n``{' '.join(sys.argv[1:])}``"
             f" (``Tools/lockdown/bench/bench.py``):\n\n::\n\n"
             + "\n".join("   " + line for line in table.splitlines())
             + f"\n\n{end}")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(before + block + after)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stock", required=True, help="stock CPython interpreter")
    parser.add_argument("--fork", required=True, help="the fork's interpreter")
    parser.add_argument("--reps", type=int, default=None,
                        help="repetitions (default: 9, or 1 with --callgrind)")
    parser.add_argument("--workloads", type=lambda s: s.split(","),
                        help="comma-separated subset of workloads")
    parser.add_argument("--callgrind", action="store_true",
                        help="count instructions with valgrind instead of timing")
    parser.add_argument("--seed", type=int, default=1, help="order shuffling seed")
    parser.add_argument("--update-readme", metavar="FILE",
                        help="write the table between the bench markers of FILE")
    parser.add_argument("--marker", default="time",
                        help="which markers: .. bench-MARKER-start/-end (default: time)")
    args = parser.parse_args()
    if args.reps is None:
        args.reps = 1 if args.callgrind else 9
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    known = {STARTUP, *workloads.LOOPS}
    for name in args.workloads or ():
        if name not in known:
            parser.error(f"unknown workload {name!r}; known: {', '.join(sorted(known))}")
    for python in (args.stock, args.fork):
        if not os.access(python, os.X_OK):
            parser.error(f"{python} is not an executable interpreter")
    try:
        names, results, ns = run_all(args)
        table, gm, ns = summarize(names, results, ns, args)
        print(table)
        if args.update_readme:
            update_readme(args.update_readme, table, args)
            print(f"wrote the table into {args.update_readme}", file=sys.stderr)
    except BenchError as exc:
        sys.exit(f"bench: {exc}")


if __name__ == "__main__":
    main()
