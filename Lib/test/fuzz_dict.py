"""Fuzz dict, set and frozenset with hostile keys and arguments.

Hostile keys' __hash__ and __eq__ clear, resize or re-initialise the dict
or set being probed, and drop other keys; hostile arguments do the same
from update, union, fromkeys, comparison... (fuzzhelper.hostile_targets).

    python -m test.fuzz_dict [--seconds S | --iterations N] [--seed S]
"""

from test import fuzzhelper


def keys(h):
    rng = h.rng
    result = []
    for _ in range(rng.choice((0, 1, 3, 8, 40))):
        result.append(h.hostile(base=rng.choice((object, int, str)))
                      if rng.random() < 0.5 else rng.randrange(50))
    return result


def make_dict(h):
    d = {}
    for key in keys(h):
        try:
            d[key] = h.hostile() if h.rng.random() < 0.3 else key
        except Exception:       # a hostile __hash__ raised
            pass
    return d


def make_set(h):
    s = set()
    for key in keys(h):
        try:
            s.add(key)
        except Exception:
            pass
    return s


def make_frozenset(h):
    return frozenset(make_set(h))


VICTIMS = [make_dict, make_set]


def targets(rng):
    receivers = [("dict", make_dict), ("set", make_set),
                 ("frozenset", make_frozenset),
                 ("dict.keys", lambda h: make_dict(h).keys()),
                 ("dict.items", lambda h: make_dict(h).items()),
                 ("dict_subclass", lambda h: h.hostile(base=dict))]
    return fuzzhelper.hostile_targets(
        rng, receivers, victims=VICTIMS,
        functions=[dict, set, frozenset, dict.fromkeys])


if __name__ == "__main__":
    fuzzhelper.main(targets)
