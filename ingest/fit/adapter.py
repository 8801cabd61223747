"""The one place that touches fitparse: bytes in, `(message name, values)` pairs out.

fitparse's exceptions say little to a user ("Tried to read 3 bytes from .FIT file but got 0"), so the
byte layout is checked first and every fault is turned into a `SourceError` that names the file and the
fault. The CRC is always checked: a file whose checksum is wrong is damaged and fails, whole.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from typing import Any

import fitparse
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from ingest.records import SourceError

FIT_SIGNATURE = b".FIT"
_HEADER_MIN = 12
_CRC_SIZE = 2

Values = dict[str | int, Any]


def is_fit(data: bytes) -> bool:
    """FIT files carry ".FIT" at byte 8 of their header, whatever the file is called."""
    return len(data) >= _HEADER_MIN and data[8:12] == FIT_SIGNATURE


def _check_layout(name: str, data: bytes) -> None:
    """Walk the (possibly chained) FIT headers and check every part is complete.

    Header (little endian): header size (1 byte), protocol (1), profile (2), data size (4), ".FIT",
    [header CRC (2)]; then `data size` bytes of messages and a 2-byte file CRC. Files may be chained.
    """
    offset = 0
    while offset < len(data):
        part = "" if offset == 0 else f" (chained part at byte {offset})"
        if len(data) - offset < _HEADER_MIN or data[offset + 8 : offset + 12] != FIT_SIGNATURE:
            raise SourceError(f"{name}: invalid FIT header{part}: not a FIT file or the header is corrupt")
        header_size = data[offset]
        (data_size,) = struct.unpack_from("<I", data, offset + 4)
        if header_size < _HEADER_MIN:
            raise SourceError(f"{name}: invalid FIT header{part}: header size {header_size} is too small")
        if data_size == 0:
            raise SourceError(f"{name}: no data{part}: the FIT header announces no messages")
        body = offset + header_size
        present = max(0, min(len(data) - body, data_size))
        if present == 0:
            raise SourceError(f"{name}: no data{part}: the header announces {data_size} bytes, none follow")
        end = body + data_size + _CRC_SIZE
        if end > len(data):
            raise SourceError(
                f"{name}: truncated: unexpected end of file{part}: "
                f"only {present} of {data_size} bytes of data and no checksum"
                if present < data_size
                else f"{name}: truncated: unexpected end of file{part}: the checksum is missing"
            )
        offset = end


def fit_decode(name: str, data: bytes, visit: Callable[[str, Values], None]) -> None:
    """Call `visit(message name, {field: value})` for every data message once, in file order.

    Values are fitparse's: scaled floats, enum names, naive UTC datetimes, and plain integers for
    date_time values below 0x10000000 (seconds since the device's power-on). A callback rather than a
    generator keeps the warnings filter (fitparse warns about odd developer fields) scoped to the call.
    """
    _check_layout(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fitparse.UncachedFitFile(io.BytesIO(data), check_crc=True)
            for message in fit.get_messages():
                visit(message.def_mesg.name, message.get_values())
    except FitCRCError as exc:
        raise SourceError(f"{name}: CRC mismatch, the file is damaged ({exc})") from exc
    except FitHeaderError as exc:
        raise SourceError(f"{name}: invalid FIT header ({exc})") from exc
    except FitEOFError as exc:
        raise SourceError(f"{name}: truncated: unexpected end of file ({exc})") from exc
    except FitParseError as exc:
        raise SourceError(f"{name}: not a readable FIT file ({exc})") from exc
    # AttributeError: fitparse's own message for a field definition whose size does not fit its type
    # reads `.name` of an unknown field (None); found by fuzzing (tests/ingest/test_fuzz.py).
    except (struct.error, KeyError, IndexError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise SourceError(f"{name}: not a readable FIT file ({type(exc).__name__}: {exc})") from exc
