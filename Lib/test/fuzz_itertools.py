"""Fuzz itertools under lockdown, with plain and hostile arguments.

Besides every callable of itertools with plain values, the iterators are
built over hostile iterables whose __next__, __eq__, __index__, __call__...
re-enter the very iterator that wraps them (as pairwise was crashed), clear
the lists being iterated, or raise (fuzzhelper.hostile_targets).

    python -m test.fuzz_itertools [--seconds S | --iterations N] [--seed S]
"""

import itertools
import operator
from test import fuzzhelper


def source(h):
    """Something to iterate: a hostile iterable, or a list of hostile
    items that hostile calls may clear."""
    r = h.rng.random()
    if r < 0.4:
        return h.hostile()
    if r < 0.7:
        return h.victim()
    return h.holder("list")


def func(h):
    return h.hostile() if h.rng.random() < 0.7 else h.rng.choice(
        (operator.add, max, None, lambda *a: a))


def number(h):
    return h.hostile(base=int) if h.rng.random() < 0.3 else h.hostile() \
        if h.rng.random() < 0.5 else h.rng.choice((0, 1, 2, 5))


RECEIVERS = [
    ("pairwise", lambda h: itertools.pairwise(source(h))),
    ("chain", lambda h: itertools.chain(source(h), source(h))),
    ("chain.from_iterable",
     lambda h: itertools.chain.from_iterable(source(h))),
    ("accumulate", lambda h: itertools.accumulate(source(h), func(h))),
    ("groupby", lambda h: itertools.groupby(source(h), func(h))),
    ("tee", lambda h: itertools.tee(source(h), 2)[h.rng.randrange(2)]),
    ("zip_longest", lambda h: itertools.zip_longest(
        source(h), source(h), fillvalue=h.hostile())),
    ("product", lambda h: itertools.product(source(h), source(h))),
    ("permutations", lambda h: itertools.permutations(source(h), 2)),
    ("combinations", lambda h: itertools.combinations(source(h), 2)),
    ("combinations_with_replacement",
     lambda h: itertools.combinations_with_replacement(source(h), 2)),
    ("cycle", lambda h: itertools.cycle(source(h))),
    ("islice", lambda h: itertools.islice(source(h), number(h), None)),
    ("starmap", lambda h: itertools.starmap(func(h), [source(h)])),
    ("takewhile", lambda h: itertools.takewhile(func(h), source(h))),
    ("dropwhile", lambda h: itertools.dropwhile(func(h), source(h))),
    ("filterfalse", lambda h: itertools.filterfalse(func(h), source(h))),
    ("compress", lambda h: itertools.compress(source(h), source(h))),
    ("batched", lambda h: itertools.batched(source(h), 2)),
    ("count", lambda h: itertools.count(number(h), number(h))),
    ("repeat", lambda h: itertools.repeat(h.hostile(), 3)),
    ("map", lambda h: map(func(h), source(h))),
    ("filter", lambda h: filter(func(h), source(h))),
    ("zip", lambda h: zip(source(h), source(h))),
    ("enumerate", lambda h: enumerate(source(h), number(h))),
]


def targets(rng):
    return [itertools] + fuzzhelper.hostile_targets(
        rng, RECEIVERS, victims=[lambda h: [h.hostile() for _ in range(3)]],
        functions=[f for f in vars(itertools).values() if callable(f)])


if __name__ == "__main__":
    fuzzhelper.main(targets)
