"""Time lockdownrun against a fresh interpreter per run, side by side.

    python runner_bench.py [--python build/obj/python] [--runs 300]

Runs the same guest, print(1), three ways, interleaved in one run of this
script so that machine noise falls on all of them alike:

serve      a warm `python -m lockdownrun serve --workers 1`: one request
           line written, its result line read back (end to end, as a
           client sees it), one run at a time;
fresh      `python -c "print(1)"`, a new process per run;
fresh+lock `python -c` that locks, then prints: what a host without a
           zygote pays for the same guarantee.

It prints the median, the 99th percentile and runs per second of each
(runs per second is the inverse of the mean), and the speed-up of serve.
A last line gives the throughput of serve with two workers and the
requests written ahead (pipelined), the way a busy server runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

GUEST = "print(1)"
LOCKED = "import lockdownlib; lockdownlib.lockdown(); print(1)"


class Server:
    def __init__(self, python, workers):
        self.proc = subprocess.Popen(
            [python, "-m", "lockdownrun", "serve", "--workers",
             str(workers)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.count = 0

    def send(self, code):
        self.count += 1
        line = json.dumps({"id": self.count, "code": code}) + "\n"
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()

    def receive(self):
        result = json.loads(self.proc.stdout.readline())
        if result["status"] != "ok" or result["stdout"] != "1\n":
            raise SystemExit(f"unexpected result: {result}")
        return result

    def run(self, code):
        start = time.perf_counter()
        self.send(code)
        self.receive()
        return time.perf_counter() - start

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def fresh(python, code):
    start = time.perf_counter()
    out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE,
                         check=True).stdout
    elapsed = time.perf_counter() - start
    if out != b"1\n":
        raise SystemExit(f"unexpected output: {out!r}")
    return elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter to time (default: this one)")
    parser.add_argument("--runs", type=int, default=300,
                        help="runs of each way (default: %(default)s)")
    parser.add_argument("--warm-up", type=int, default=20,
                        help="untimed serve runs first (default: "
                             "%(default)s)")
    args = parser.parse_args()

    server = Server(args.python, 1)
    for _ in range(args.warm_up):
        server.run(GUEST)
    times = {"serve": [], "fresh": [], "fresh+lock": []}
    try:
        for _ in range(args.runs):
            times["serve"].append(server.run(GUEST))
            times["fresh"].append(fresh(args.python, GUEST))
            times["fresh+lock"].append(fresh(args.python, LOCKED))
    finally:
        server.close()

    # Pipelined: two workers, requests written ahead of the results.
    server = Server(args.python, 2)
    for _ in range(args.warm_up):
        server.run(GUEST)
    batch = args.runs
    start = time.perf_counter()
    for _ in range(batch):
        server.send(GUEST)
    for _ in range(batch):
        server.receive()
    pipelined = batch / (time.perf_counter() - start)
    server.close()

    print(f"{args.runs} runs of print(1) each, interleaved, "
          f"{os.cpu_count()} CPUs, {args.python}")
    print()
    print(f"{'way':<12}{'median ms':>12}{'p99 ms':>10}{'runs/s':>10}"
          f"{'serve is':>12}")
    print("-" * 56)
    base = statistics.median(times["serve"])
    for name, values in times.items():
        median = statistics.median(values)
        line = (f"{name:<12}{median * 1000:>12.2f}"
                f"{percentile(values, 0.99) * 1000:>10.2f}"
                f"{1 / statistics.fmean(values):>10.0f}")
        if name != "serve":
            line += f"{median / base:>11.1f}x"
        print(line)
    print()
    print(f"serve, 2 workers, pipelined: {pipelined:.0f} runs/s")


if __name__ == "__main__":
    main()
