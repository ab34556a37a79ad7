"""Fuzz functools and operator with hostile arguments.

reduce, partial, cmp_to_key, lru_cache and the operator functions call
back into their arguments (__call__, __eq__, __hash__, __index__,
__getitem__...), which clear or resize the other arguments, re-enter the
call or raise (fuzzhelper.hostile_targets).

    python -m test.fuzz_functools [--seconds S | --iterations N] [--seed S]
"""

import functools
import operator
from test import fuzzhelper


def callables(module):
    # Only the module's own: functools imports RLock, whose acquire() of
    # a fuzzed state blocks for ever.
    own = {module.__name__, "_" + module.__name__}
    return [f for name, f in sorted(vars(module).items())
            if callable(f) and not name.startswith("_")
            and getattr(f, "__module__", None) in own]


def victim_list(h):
    return [h.hostile() if h.rng.random() < 0.5 else i for i in range(5)]


def victim_dict(h):
    return {i: h.hostile() for i in range(5)}


def cached(h):
    # A cache wrapper whose hostile function clears the cache (a victim).
    wrapper = functools.lru_cache(h.rng.choice((None, 0, 1, 4)))(h.hostile())
    h.plan.victims.append(wrapper)
    return wrapper


RECEIVERS = [
    ("partial", lambda h: functools.partial(h.hostile(), h.hostile())),
    ("cmp_to_key", lambda h: functools.cmp_to_key(h.hostile())(h.hostile())),
    ("lru_cache", cached),
    ("itemgetter", lambda h: operator.itemgetter(h.hostile(), 1)),
    ("attrgetter", lambda h: operator.attrgetter("real", "imag")),
    ("methodcaller", lambda h: operator.methodcaller(
        h.rng.choice(("clear", "append", "__getitem__", "pop")), h.hostile())),
]


def targets(rng):
    return fuzzhelper.hostile_targets(
        rng, RECEIVERS, victims=[victim_list, victim_dict, bytearray],
        functions=callables(functools) + callables(operator))


if __name__ == "__main__":
    fuzzhelper.main(targets)
