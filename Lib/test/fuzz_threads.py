"""Fuzz lockdown() against threads that keep calling what it forbids.

Each run starts threads that loop over calls lockdown() refuses (opening a
file, stat, listdir, getcwd, making a socket) while the main thread locks
at a random moment.  Once lockdown() has returned, no call that starts
afterwards may succeed: one that does is reported as an escape.  The
harness does not lock these runs; the race does.

    python -m test.fuzz_threads [--seconds S | --iterations N] [--seed S]
"""

import os
import socket
import sys
import threading
import time

import lockdownlib
from test import fuzzhelper

RUN_CALLS = 1       # lockdown() races once a run

CALLS = [
    ("open", lambda: open(os.devnull, "rb").close()),
    ("os.stat", lambda: os.stat(os.curdir)),
    ("os.listdir", lambda: os.listdir(os.curdir)),
    ("os.getcwd", os.getcwd),
    ("socket.socket", lambda: socket.socket().close()),
    ("os.open", lambda: os.close(os.open(os.devnull, os.O_RDONLY))),
]


def targets(rng):
    progress = None
    for i, arg in enumerate(sys.argv):
        if arg == "--progress":
            progress = int(sys.argv[i + 1])

    def race(*ignored):
        if lockdownlib.is_locked():
            return              # one race per run: the first call
        returned = threading.Event()
        stop = threading.Event()
        escapes = []
        switch = sys.getswitchinterval()
        sys.setswitchinterval(rng.choice((1e-6, 1e-5, 1e-4, 5e-3)))

        def worker(seed):
            import random
            local = random.Random(seed)
            while not stop.is_set():
                name, call = local.choice(CALLS)
                started_after = returned.is_set()
                try:
                    call()
                except RuntimeError:
                    continue
                except OSError:
                    continue
                if started_after:
                    escapes.append(name)

        threads = [threading.Thread(target=worker, args=(rng.random(),))
                   for _ in range(rng.randint(1, 6))]
        for t in threads:
            t.start()
        time.sleep(rng.random() * 0.01)
        lockdownlib.lockdown()
        returned.set()
        time.sleep(rng.random() * 0.01)
        stop.set()
        for t in threads:
            t.join()
        sys.setswitchinterval(switch)
        if escapes and progress is not None:
            os.write(progress, f"ESCAPE {escapes[0]} succeeded after "
                               f"lockdown() returned\n".encode())
            os._exit(3)

    return [race]


if __name__ == "__main__":
    fuzzhelper.main(targets, lock=False, run_calls=RUN_CALLS)
