"""Fuzz itertools under lockdown, with plain and hostile arguments.

Besides every callable of itertools with plain values, the iterators are
built over hostile iterables whose __next__, __eq__, __index__, __call__...
re-enter the very iterator that wraps them (as pairwise was crashed), clear
the lists being iterated, or raise (fuzzhelper.hostile_targets).  And over
re-entrant sources that only the wrapper holds: they call next() on the
wrapper (or __setstate__), run out there, and return or raise in the outer
call, so that a wrapper that calls out through a field it does not hold
frees what it is still calling (test_lockdown_crashers.ReentrantFieldTests;
the hostile objects rarely draw that sequence).

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


class Reentrant:
    """An iterator held only by the wrapper made over it (OUTER, set once
    the wrapper exists): its __next__, __getitem__, __eq__ and __call__
    re-enter the wrapper, and end it there."""

    def __init__(self, rng, items):
        self.rng = rng
        self.items = list(items)
        self.outer = None
        self.depth = 0

    def _reenter(self):
        rng = self.rng
        if self.outer is None or self.depth >= 2 or rng.random() < 0.3:
            return
        self.depth += 1
        try:
            if rng.random() < 0.15 and hasattr(self.outer, "__setstate__"):
                self.outer.__setstate__(rng.choice(
                    (None, (), (0,), ([], 0), (self, 0), ([], 10))))
            else:
                for _ in range(rng.choice((1, 1, 2, 5))):
                    next(self.outer)
        except Exception:
            pass
        finally:
            self.depth -= 1

    def __iter__(self):
        return self

    def __next__(self):
        self._reenter()
        if not self.items or (self.depth and self.rng.random() < 0.7):
            raise StopIteration
        return self.items.pop()

    def __getitem__(self, index):
        self._reenter()
        if self.depth or not 0 <= index < len(self.items):
            raise IndexError(index)
        return self.items[index]

    def __len__(self):
        return len(self.items)

    def __eq__(self, other):
        self._reenter()
        return self.rng.random() < 0.3

    __hash__ = object.__hash__

    def __call__(self, *args):
        self._reenter()
        if self.depth and self.rng.random() < 0.5:
            raise StopIteration
        return args[0] if args else self


def reentrant(h, make):
    """make(source) over a fresh Reentrant that re-enters what it made."""
    src = Reentrant(h.rng, [h.rng.choice((0, 1, "a", None, [], src_item))
                            for src_item in range(h.rng.choice((1, 3, 8)))])
    outer = make(src)
    src.outer = outer
    return outer


# (name, make(source)): the wrappers a Reentrant may re-enter.
REENTRANT = [
    ("batched", lambda s: itertools.batched(s, 3)),
    ("zip_longest", lambda s: itertools.zip_longest(s, [1, 2], [3])),
    ("accumulate", lambda s: itertools.accumulate(
        s, lambda a, b: (s._reenter(), [a, b])[1])),
    ("accumulate.extend", lambda s: itertools.accumulate(
        iter([[], s, ()]), list.extend)),
    ("tee", lambda s: itertools.tee(s, 1)[0]),
    ("groupby", lambda s: itertools.groupby([s, s, s, s])),
    ("cycle", lambda s: itertools.cycle(s)),
    ("chain", lambda s: itertools.chain(s, [1])),
    ("islice", lambda s: itertools.islice(s, 1, None)),
    ("pairwise", lambda s: itertools.pairwise(s)),
    ("starmap", lambda s: itertools.starmap(s, [(1,), (2,)])),
    ("takewhile", lambda s: itertools.takewhile(s, [1, 2, 3])),
    ("filterfalse", lambda s: itertools.filterfalse(s, [1, 2, 3])),
    ("map", lambda s: map(s, [1, 2, 3])),
    ("filter", lambda s: filter(s, [1, 2, 3])),
    ("zip", lambda s: zip(s, s)),
    ("enumerate", lambda s: enumerate(s)),
    ("iter.sequence", lambda s: iter(_Sequence(s))),
    ("iter.callable", lambda s: iter(s, s)),
    ("reversed", lambda s: reversed(s)),
]


class _Sequence:
    # iter() of an object with only __getitem__: the sequence iterator.
    def __init__(self, source):
        self.source = source

    def __getitem__(self, index):
        return self.source[index]


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
    receivers = RECEIVERS + [
        (f"reentrant.{name}", lambda h, make=make: reentrant(h, make))
        for name, make in REENTRANT]
    return [itertools] + fuzzhelper.hostile_targets(
        rng, receivers, victims=[lambda h: [h.hostile() for _ in range(3)]],
        functions=[f for f in vars(itertools).values() if callable(f)])


if __name__ == "__main__":
    fuzzhelper.main(targets)
