"""Fuzz bytes, bytearray, memoryview and array with hostile arguments.

Hostile arguments (fuzzhelper.hostile_targets) clear, resize or drop the
receiver or another argument from their __index__, __buffer__, __iter__,
__len__, __eq__... while the method runs, re-enter it, or raise.

    python -m test.fuzz_bytes [--seconds S | --iterations N] [--seed S]
"""

import array
from test import fuzzhelper

# Every type code but the deprecated "u" (its warning is all it would add).
TYPECODES = "bBhHiIlLqQfdw"


def data(h):
    return bytes(h.rng.getrandbits(8)
                 for _ in range(h.rng.choice((0, 1, 5, 16, 64))))


def make_array(h):
    code = h.rng.choice(TYPECODES)
    if code == "w":
        return array.array(code, "abc\U0010ffff" * h.rng.randint(0, 8))
    if code in "fd":
        return array.array(code, [1.5] * h.rng.randint(0, 30))
    return array.array(code, range(h.rng.randint(0, 30)))


def make_memoryview(h):
    base = bytearray(data(h))
    h.plan.victims.append(base)     # clear or resize what the view shows
    view = memoryview(base)
    if h.rng.random() < 0.3 and len(view) % 4 == 0:
        view = view.cast("i")
    return view


VICTIMS = [lambda h: bytearray(data(h)), make_array]


def targets(rng):
    receivers = [
        ("bytes", lambda h: data(h)),
        ("bytearray", lambda h: bytearray(data(h))),
        ("memoryview", make_memoryview),
        ("memoryview_of_bytes", lambda h: memoryview(data(h))),
        ("array", make_array),
    ]
    return fuzzhelper.hostile_targets(
        rng, receivers, victims=VICTIMS,
        functions=[bytes, bytearray, memoryview, array.array,
                   bytes.fromhex, bytearray.fromhex, bytes.maketrans])


if __name__ == "__main__":
    fuzzhelper.main(targets)
