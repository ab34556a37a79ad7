"""Run one workload in this interpreter and print what it measured as JSON.

    python child.py WORKLOAD MODE LOOPS [REPEAT]

MODE is "plain", "locked" (lockdownlib.lockdown() after the set-up and
before the timed loops; the time lockdown() took is reported too) or
"locked-nokernel" (the same with kernel=False: no seccomp filter).  The
LOOPS iterations are timed REPEAT times (default 1) and the fastest time
is reported, as timeit does: the slower ones measure the machine's other
work, not the interpreter.  Run by bench.py, never by hand.
"""

import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def main():
    name, mode, loops = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    run = workloads.prepare(name)
    run()                                   # warm up
    result = {"lockdown_ns": None}
    if mode in ("locked", "locked-nokernel"):
        import lockdownlib
        start = time.perf_counter_ns()
        lockdownlib.lockdown(kernel=(mode == "locked"))
        result["lockdown_ns"] = time.perf_counter_ns() - start
    # The same collector state in every interpreter and mode: lockdown()
    # and the fork's start-up allocate a few objects more or fewer than
    # stock's, which would otherwise shift when the collections of the
    # timed loop happen, and a full collection moved into or out of the
    # loop costs more than the difference being measured.  Frozen, the
    # objects made before the loop are no longer traversed, so the loop's
    # collections see only what the loop makes, alike everywhere.
    gc.collect()
    gc.freeze()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            run()
        times.append(time.perf_counter() - start)
    result["seconds"] = min(times)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
