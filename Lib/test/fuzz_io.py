"""Fuzz io and _io under lockdown, on objects that need no file.

    python -m test.fuzz_io [--seconds S | --iterations N] [--seed S]
"""

import io
import _io
from test import fuzzhelper


def targets(rng):
    raw = io.BytesIO(b"line one\nline two\n\xff\x00")
    return [io, _io, io.StringIO("abc\ndef"), raw, io.BytesIO(),
            io.TextIOWrapper(io.BytesIO(b"caf\xc3\xa9\n"), "utf-8"),
            io.BufferedReader(io.BytesIO(b"data" * 100)),
            io.BufferedRandom(io.BytesIO(b"0123456789")),
            io.BufferedRWPair(io.BytesIO(b"in"), io.BytesIO()),
            io.IncrementalNewlineDecoder(None, True)]


if __name__ == "__main__":
    fuzzhelper.main(targets)
