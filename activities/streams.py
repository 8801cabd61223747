"""Compact per-sample streams: quantise each column to its source resolution, delta-encode, zlib.

One hour of 1 Hz running data (time, position, altitude, HR, cadence, speed, distance, power) takes
about 20 KB, and decodes in well under a millisecond per column, because decoding is one
`zlib.decompress`, `array.frombytes` and `itertools.accumulate` per column — no per-value Python loop.

Blob layout (encoding 1): 4-byte little-endian header length, a JSON header
`{"n": count, "cols": [[name, scale, typecode, nbytes, masked], ...]}`, then one zlib body holding,
per column in header order, the delta array and (when some samples lack the value) a mask of
missing positions.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass
from itertools import accumulate, pairwise

ENCODING = 1

# Scale = units per SI unit, chosen at or finer than the finest common source resolution:
# FIT positions are semicircles (2^31 per 180°), altitude 1/5 m, speed 1/1000 m/s, distance 1/100 m,
# cadence 1/128 stride → 1/64 step; times get milliseconds for GPX/TCX fractions.
SCALES: dict[str, float] = {
    "time": 1000.0,
    "lat": 2**31 / 180.0,
    "lon": 2**31 / 180.0,
    "altitude": 1000.0,
    "heart_rate": 1.0,
    "cadence": 128.0,
    "speed": 1000.0,
    "distance": 1000.0,
    "power": 1.0,
}
COLUMNS = tuple(SCALES)
_TYPECODES = (("b", 0x7F), ("h", 0x7FFF), ("i", 0x7FFFFFFF), ("q", 0x7FFFFFFFFFFFFFFF))


@dataclass(slots=True)
class EncodedStream:
    start_time: dt.datetime
    sample_count: int
    data: bytes


def _narrowest(deltas: list[int]) -> str:
    peak = max((abs(d) for d in deltas), default=0)
    for typecode, limit in _TYPECODES:
        if peak <= limit:
            return typecode
    raise OverflowError("stream delta does not fit in 64 bits")


def _to_bytes(values: array) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _from_bytes(typecode: str, raw: bytes) -> array:
    values = array(typecode)
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _encode_column(values: list[float | None], scale: float) -> tuple[str, bytes, bytes]:
    """Quantise, fill gaps with the previous value (so deltas stay small), delta-encode."""
    missing = bytes(1 if v is None else 0 for v in values)
    previous = 0
    ints: list[int] = []
    for value in values:
        if value is not None:
            previous = round(value * scale)
        ints.append(previous)
    deltas = [ints[0], *(b - a for a, b in pairwise(ints))] if ints else []
    typecode = _narrowest(deltas)
    mask = missing if any(missing) else b""
    return typecode, _to_bytes(array(typecode, deltas)), mask


def stream_encode(*, start_time: dt.datetime, times: list[dt.datetime], columns: dict) -> EncodedStream:
    """Encode sample times and any of COLUMNS (lists of equal length, None for a gap).

    Columns that hold no value at all are left out.
    """
    n = len(times)
    offsets = [(t - start_time).total_seconds() for t in times]
    header: list[list] = []
    body: list[bytes] = []
    for name in COLUMNS:
        values = offsets if name == "time" else columns.get(name)
        if values is None or not any(v is not None for v in values):
            continue
        if len(values) != n:
            raise ValueError(f"stream column {name} has {len(values)} samples, expected {n}")
        typecode, payload, mask = _encode_column(values, SCALES[name])
        header.append([name, SCALES[name], typecode, len(payload), bool(mask)])
        body.extend((payload, mask))
    head = json.dumps({"n": n, "cols": header}, separators=(",", ":")).encode()
    blob = struct.pack("<I", len(head)) + head + zlib.compress(b"".join(body), 9)
    return EncodedStream(start_time=start_time, sample_count=n, data=blob)


def stream_decode(data: bytes) -> dict[str, list[float | None]]:
    """Columns by name; "time" is seconds from the stream's start time."""
    data = bytes(data)
    (head_len,) = struct.unpack_from("<I", data)
    head = json.loads(data[4 : 4 + head_len])
    body = zlib.decompress(data[4 + head_len :])
    n = head["n"]
    out: dict[str, list[float | None]] = {}
    pos = 0
    for name, scale, typecode, nbytes, masked in head["cols"]:
        deltas = _from_bytes(typecode, body[pos : pos + nbytes])
        pos += nbytes
        if scale == 1.0:
            values: list = list(accumulate(deltas))
        else:
            values = list(map((1.0 / scale).__mul__, accumulate(deltas)))
        if masked:
            mask = body[pos : pos + n]
            pos += n
            values = [None if m else v for v, m in zip(values, mask, strict=True)]
        out[name] = values
    return out
