"""Fuzz str with hostile arguments.

str cannot change, but its methods call back into their arguments: the
tables of translate and maketrans, the arguments of format, format_map and
%, the items of join, the separators of split.  Hostile arguments
(fuzzhelper.hostile_targets) clear or resize those other arguments, re-enter
the method or raise while it runs.

    python -m test.fuzz_str [--seconds S | --iterations N] [--seed S]
"""

from test import fuzzhelper

TEXTS = ("", "a", "abc{0}{x}%s%d", "{}{}{}", "\xe9\u20ac\U0001f600",
         "x" * 100, "a\tb\nc", "%(x)s %(y)r %c %*d", "{0:{1}}{x[0]}{0.real}")


def text(h):
    return h.rng.choice(TEXTS)


def table(h):
    # A translate table whose entries are hostile: their __index__ runs
    # while translate writes its result.
    return {ord(c): h.hostile() if h.rng.random() < 0.5 else c
            for c in "abcx{%"}


def make_hostile_str(h):
    return h.hostile(base=str)


VICTIMS = [table, lambda h: [h.hostile(), "a", h.hostile(base=str)],
           lambda h: {"x": h.hostile(), "y": h.hostile(base=str)}]


def targets(rng):
    receivers = [("str", text), ("str_subclass", make_hostile_str)]
    return fuzzhelper.hostile_targets(
        rng, receivers, victims=VICTIMS,
        functions=[str, str.maketrans, format, str.format, str.join])


if __name__ == "__main__":
    fuzzhelper.main(targets)
