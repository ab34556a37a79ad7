"""Fuzz io and _io under lockdown, on objects that need no file.

Besides every callable of io with plain values, the stream objects are
built over a hostile raw stream whose readinto, write, seek... clear,
close, detach or re-initialise the objects wrapping it (TextIOWrapper's
__init__ called again from a read crashed it), re-enter the call or raise;
and their methods get hostile arguments (fuzzhelper.hostile_targets).

    python -m test.fuzz_io [--seconds S | --iterations N] [--seed S]
"""

import io
import _io
from test import fuzzhelper


class HostileRaw(io.RawIOBase):
    """A raw stream that strikes at the call's objects as it is used."""

    def __init__(self, h, data):
        self._h = h
        self._plan = h.plan
        self._data = bytearray(data)
        self._position = 0
        self._reads = 0
        self._odd = h.rng.random() < 0.3    # answers sizes out of range

    def _strike(self, what):
        self._plan.strike(what, ("reinit", "reinit", "clear", "reenter",
                                 "raise", "shrink", "grow"))

    def readable(self):
        return True

    def writable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer):
        self._strike("readinto")
        self._reads += 1
        if self._reads > 100:
            return 0        # EOF at last: readlines() must end
        chunk = self._data[self._position:self._position + len(buffer)]
        buffer[:len(chunk)] = chunk
        self._position += len(chunk)
        if self._odd:
            return self._h.rng.choice((len(buffer) + 1, -1, 2**31, None))
        return len(chunk)

    def write(self, data):
        self._strike("write")
        size = len(memoryview(data))
        if self._odd:
            return self._h.rng.choice((size + 1, -1, 2**31, None))
        return size

    def seek(self, offset, whence=0):
        self._strike("seek")
        self._position = max(0, offset)
        return self._position

    def tell(self):
        self._strike("tell")
        return self._position

    def truncate(self, size=None):
        self._strike("truncate")
        return 0

    def close(self):
        self._strike("close")
        super().close()


DATA = (b"", b"line one\nline two\n\xff\x00", b"caf\xc3\xa9\n" * 200,
        b"\r\n\r" * 50)


def data(h):
    return h.rng.choice(DATA)


def raw(h):
    stream = HostileRaw(h, data(h))
    h.plan.victims.append(stream)
    return stream


def buffered(h):
    cls = h.rng.choice((io.BufferedReader, io.BufferedWriter,
                        io.BufferedRandom))
    stream = cls(raw(h), h.rng.choice((1, 2, 16, 8192)))
    h.plan.victims.append(stream)
    return stream


def text(h):
    inner = buffered(h) if h.rng.random() < 0.7 else raw(h)
    return io.TextIOWrapper(inner, encoding=h.rng.choice(
        ("utf-8", "utf-16", "latin-1", "ascii")), newline=h.rng.choice(
            (None, "", "\n", "\r\n")), write_through=h.rng.random() < 0.5)


RECEIVERS = [
    ("BytesIO", lambda h: io.BytesIO(data(h))),
    ("StringIO", lambda h: io.StringIO(data(h).decode("latin-1"))),
    ("TextIOWrapper_over_BytesIO",
     lambda h: io.TextIOWrapper(io.BytesIO(data(h)), encoding="utf-8")),
    ("BufferedReader_over_BytesIO",
     lambda h: io.BufferedReader(io.BytesIO(data(h)), 4)),
    ("buffered_over_hostile", buffered),
    ("TextIOWrapper_over_hostile", text),
    ("BufferedRWPair", lambda h: io.BufferedRWPair(raw(h), raw(h))),
    ("IncrementalNewlineDecoder",
     lambda h: io.IncrementalNewlineDecoder(None, True)),
]

# Re-initialising a victim swaps what it wraps, in the middle of a call.
REINIT = {
    io.TextIOWrapper: lambda: (io.BytesIO(b"new\n"), "utf-8"),
    io.BufferedReader: lambda: (io.BytesIO(b"new"),),
    io.BufferedWriter: lambda: (io.BytesIO(),),
    io.BufferedRandom: lambda: (io.BytesIO(b"new"),),
    io.BytesIO: lambda: (b"new",),
    io.StringIO: lambda: ("new",),
}


def targets(rng):
    raw_stream = io.BytesIO(b"line one\nline two\n\xff\x00")
    plain = [io, _io, io.StringIO("abc\ndef"), raw_stream, io.BytesIO(),
             io.TextIOWrapper(io.BytesIO(b"caf\xc3\xa9\n"), "utf-8"),
             io.BufferedReader(io.BytesIO(b"data" * 100)),
             io.BufferedRandom(io.BytesIO(b"0123456789")),
             io.BufferedRWPair(io.BytesIO(b"in"), io.BytesIO()),
             io.IncrementalNewlineDecoder(None, True)]
    return plain + fuzzhelper.hostile_targets(
        rng, RECEIVERS, reinit=REINIT,
        victims=[lambda h: io.BytesIO(data(h)), lambda h: bytearray(8)])


if __name__ == "__main__":
    fuzzhelper.main(targets)
