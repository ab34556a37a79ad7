"""Workloads for the side-by-side benchmark (see bench.py).

Pure-Python programs in the spirit of the well-known pyperformance
benchmarks, written for this fork.  Each prepare_<name>() does the set-up
(before lockdown, in locked runs) and returns a function that runs one
iteration.  LOOPS gives the iterations of one timed run.
"""

import copy
import json
import math
import os
import random
import re
import select
import socket
import threading


def prepare_nbody():
    # Five bodies, simple Euler integration; floats and attribute-free lists.
    bodies = [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 39.47],
        [4.84, -1.16, -0.10, 0.60, 2.81, -0.02, 0.037],
        [8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011],
        [12.89, -15.11, -0.22, 1.08, 0.86, -0.01, 0.0017],
        [15.37, -25.91, 0.17, 0.97, 0.59, -0.03, 0.002],
    ]
    pairs = [(bodies[i], bodies[j])
             for i in range(len(bodies)) for j in range(i + 1, len(bodies))]

    def run(steps=2000, dt=0.01):
        for _ in range(steps):
            for (x1, y1, z1, vx1, vy1, vz1, m1), b2 in (
                    (tuple(b1), b2) for b1, b2 in pairs):
                dx, dy, dz = x1 - b2[0], y1 - b2[1], z1 - b2[2]
                mag = dt * (dx * dx + dy * dy + dz * dz) ** -1.5
                b2[3] += dx * m1 * mag
                b2[4] += dy * m1 * mag
                b2[5] += dz * m1 * mag
            for b in bodies:
                b[0] += dt * b[3]
                b[1] += dt * b[4]
                b[2] += dt * b[5]
    return run


class _Task:
    __slots__ = ("ident", "priority", "work", "waiting", "next")

    def __init__(self, ident, priority, work):
        self.ident = ident
        self.priority = priority
        self.work = work
        self.waiting = False
        self.next = None


def prepare_scheduler():
    # A small operating-system-like scheduler, richards-style: tasks pass
    # packets around a priority-ordered run queue.
    def run(rounds=3000):
        tasks = [_Task(i, (i * 7) % 5, 0) for i in range(12)]
        tasks.sort(key=lambda t: t.priority, reverse=True)
        for a, b in zip(tasks, tasks[1:]):
            a.next = b
        packets = list(range(40))
        done = 0
        for r in range(rounds):
            task = tasks[0]
            while task is not None:
                if task.waiting:
                    task.waiting = False
                elif packets:
                    p = packets.pop()
                    task.work += p & 3
                    if task.work > 50:
                        task.work = 0
                        task.waiting = True
                        done += 1
                    packets.insert(0, (p + task.ident) % 97)
                task = task.next
        return done
    return run


def prepare_fannkuch():
    def run(n=8):
        perm1 = list(range(n))
        count = [0] * n
        max_flips = checksum = 0
        r = n
        sign = 1
        while True:
            while r != 1:
                count[r - 1] = r
                r -= 1
            perm = perm1[:]
            flips = 0
            k = perm[0]
            while k:
                perm[:k + 1] = perm[k::-1]
                flips += 1
                k = perm[0]
            max_flips = max(max_flips, flips)
            checksum += flips * sign
            sign = -sign
            while True:
                if r == n:
                    return max_flips, checksum
                first = perm1[0]
                perm1[:r] = perm1[1:r + 1]
                perm1[r] = first
                count[r] -= 1
                if count[r] > 0:
                    break
                r += 1
    return run


def prepare_spectral_norm():
    def a(i, j):
        return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

    def times(v, transpose):
        n = len(v)
        if transpose:
            return [sum(a(j, i) * v[j] for j in range(n)) for i in range(n)]
        return [sum(a(i, j) * v[j] for j in range(n)) for i in range(n)]

    def run(n=60):
        u = [1.0] * n
        for _ in range(5):
            v = times(times(u, False), True)
            u = times(times(v, False), True)
        vbv = sum(x * y for x, y in zip(u, v))
        vv = sum(x * x for x in v)
        return math.sqrt(vbv / vv)
    return run


class _Point:
    def __init__(self, i):
        self.x = math.sin(i)
        self.y = math.cos(i) * 3
        self.z = self.x * self.x / 2

    def normalize(self):
        norm = math.sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        self.x = max(self.x, other.x)
        self.y = max(self.y, other.y)
        self.z = max(self.z, other.z)
        return self


def prepare_float():
    def run(n=20000):
        points = [_Point(i) for i in range(n)]
        for p in points:
            p.normalize()
        best = points[0]
        for p in points[1:]:
            best = best.maximize(p)
        return best
    return run


def _document():
    return {
        "name": "Locked Down Python",
        "tags": ["sandbox", "cpython", "bench"] * 5,
        "numbers": [i * 1.5 for i in range(100)],
        "nested": [{"id": i, "ok": i % 2 == 0, "label": f"item {i}",
                    "none": None} for i in range(50)],
        "text": "unicode \u00e9\u4e2d\U0001f600 " * 10,
    }


def prepare_json_dumps():
    doc = _document()

    def run():
        for _ in range(40):
            json.dumps(doc)
    return run


def prepare_json_loads():
    text = json.dumps(_document())

    def run():
        for _ in range(40):
            json.loads(text)
    return run


def prepare_regex():
    text = ("From: someone@example.org Date: 2026-11-29 12:00:01 "
            "Subject: [ldp] build 1234 passed in 181.5 s; see #issue-42\n") * 50
    patterns = [re.compile(p) for p in (
        r"[\w.]+@[\w.]+", r"\d{4}-\d{2}-\d{2} \d\d:\d\d:\d\d",
        r"\[(\w+)\]", r"#[\w-]+", r"(\d+(?:\.\d+)?) s\b")]

    def run():
        total = 0
        for p in patterns:
            total += len(p.findall(text))
        total += len(re.sub(r"\s+", " ", text))
        return total
    return run


def prepare_deepcopy():
    doc = _document()
    doc["objects"] = [_Point(i) for i in range(30)]

    def run():
        for _ in range(5):
            copy.deepcopy(doc)
    return run


def prepare_generators():
    def numbers(n):
        for i in range(n):
            yield i

    def evens(it):
        for i in it:
            if i % 2 == 0:
                yield i

    def squares(it):
        for i in it:
            yield i * i

    def run(n=50000):
        return sum(squares(evens(numbers(n))))
    return run


def prepare_unpacking():
    data = [(i, i + 1, i + 2, (i, i)) for i in range(2000)]

    def run():
        total = 0
        for _ in range(10):
            for a, b, c, (d, e) in data:
                a, b, c = c, a, b
                first, *rest = a, b, c
                total += first + d + e + len(rest)
        return total
    return run


class _Node:
    """Hashed by identity: the default hash of object."""


def prepare_identity_dicts(shuffled=False):
    nodes = [_Node() for _ in range(2000)]
    if shuffled:
        random.Random(2000).shuffle(nodes)

    def run():
        seen = set()
        index = {}
        for _ in range(5):
            for i, n in enumerate(nodes):
                seen.add(n)
                index[n] = i
            hits = sum(1 for n in nodes if n in seen and index[n] >= 0)
            seen.clear()
            index.clear()
        return hits
    return run


def prepare_identity_shuffled():
    # identity_dicts, with the nodes in another order than the one they
    # were allocated in: stock's identity hash is the rotated address, so
    # objects allocated in a row fill a table's slots in a row, which the
    # caches like; the fork's keyed mix scatters them in either order.
    return prepare_identity_dicts(shuffled=True)


def prepare_repr_id():
    objects = [_Node() for _ in range(500)] + [len, _Node, os, prepare_nbody]

    def run():
        total = 0
        for _ in range(10):
            for o in objects:
                total += len(repr(o)) + (id(o) & 1) + (hash(o) & 1)
        return total
    return run


def prepare_thread_ident():
    # What asks for the thread's identifier on every call: an RLock's
    # owner check, threading.current_thread() and get_ident() itself.  The
    # fork's identifiers are permuted (computed once per thread).
    lock = threading.RLock()
    current, get_ident = threading.current_thread, threading.get_ident

    def run():
        for _ in range(5000):
            with lock:
                current()
                get_ident()
    return run


def prepare_guarded_call():
    # An allowed call into a function that carries a lockdown guard: the
    # guard's cost when not locked (locked runs refuse it: not measured).
    path = os.curdir

    def run():
        for _ in range(2000):
            os.stat(path)
    return run


def prepare_fd_syscalls():
    # System calls on descriptors opened before lockdown, as a locked
    # guest makes them (its stdout, a pipe, a socket pair): what the kernel
    # layer's seccomp filter sees on every call.
    r, w = os.pipe()
    a, b = socket.socketpair()
    read, write, send, recv = os.read, os.write, a.send, b.recv
    poller = select.poll()
    poller.register(r, select.POLLIN)
    poll = poller.poll

    def run():
        for _ in range(2000):
            write(w, b"x")
            poll(0)
            read(r, 1)
            send(b"y")
            recv(1)
    return run


# name: iterations of one timed run, tuned to about 0.1 to 0.3 s on the
# 2-core machine the results in README.rst come from.
LOOPS = {
    "nbody": 12,
    "scheduler": 20,
    "fannkuch": 5,
    "spectral_norm": 10,
    "float": 12,
    "json_dumps": 100,
    "json_loads": 150,
    "regex": 400,
    "deepcopy": 100,
    "generators": 40,
    "unpacking": 40,
    "identity_dicts": 100,
    "identity_shuffled": 100,
    "repr_id": 50,
    "thread_ident": 120,
    "guarded_call": 40,
    "fd_syscalls": 30,
}

# Workloads that cannot run locked, by design.
UNLOCKED_ONLY = {"guarded_call"}

# Workloads whose time is spent in the kernel, which callgrind does not
# count: timed only.
SYSCALL_BOUND = {"fd_syscalls"}


def prepare(name):
    return globals()["prepare_" + name]()
