"""Fuzz list and tuple with hostile arguments and hostile items.

The receivers hold hostile items, whose __eq__, __lt__, __index__ or
__del__ clear or resize the list while sort, index, count, remove,
comparison or slice assignment walk it; hostile arguments do the same
from outside (fuzzhelper.hostile_targets).

    python -m test.fuzz_list [--seconds S | --iterations N] [--seed S]
"""

from test import fuzzhelper


def items(h):
    rng = h.rng
    return [h.hostile() if rng.random() < 0.5 else rng.choice((0, 1, 2.5, "a"))
            for _ in range(rng.choice((0, 1, 2, 5, 20)))]


def make_list(h):
    return items(h)


def make_tuple(h):
    return tuple(items(h))


VICTIMS = [make_list]


def targets(rng):
    receivers = [("list", make_list), ("tuple", make_tuple),
                 ("list_subclass", lambda h: h.hostile(base=list)),
                 ("tuple_subclass", lambda h: h.hostile(base=tuple))]
    return fuzzhelper.hostile_targets(
        rng, receivers, victims=VICTIMS,
        functions=[list, tuple, sorted, min, max, sum, reversed, enumerate,
                   len, iter, repr, hash])


if __name__ == "__main__":
    fuzzhelper.main(targets)
