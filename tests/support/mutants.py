"""Seeded mutants of recording files for the fuzz test: byte flips, truncation, zeroed chunks, spliced
repeats and, for FIT, headers that lie about their size (with a valid header checksum, so the lie gets
past the first check) and bit flips behind a recomputed file checksum."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

from fitparse.records import Crc

Mutation = Callable[[bytearray, random.Random], bytearray]


def flip_bits(data: bytearray, rng: random.Random) -> bytearray:
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return data


def truncate(data: bytearray, rng: random.Random) -> bytearray:
    return data[: rng.randrange(len(data))]


def zero_chunk(data: bytearray, rng: random.Random) -> bytearray:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 256))
    data[start:end] = bytes(end - start)
    return data


def splice_repeat(data: bytearray, rng: random.Random) -> bytearray:
    """A chunk written twice, as a botched copy or sync might."""
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 512)]
    return data[:start] + chunk + data[start:]


def fit_header_lie(data: bytearray, rng: random.Random) -> bytearray:
    """The header's data_size (bytes 4-7) or header size (byte 0) changed, its CRC made to match."""
    if rng.random() < 0.7:
        size = rng.choice([0, 1, len(data) // 2, len(data) * 10, 0xFFFFFFFF, rng.randrange(1 << 32)])
        data[4:8] = struct.pack("<I", size)
    else:
        data[0] = rng.choice([0, 1, 12, 13, 15, 64, 255])
    if len(data) >= 14 and data[0] >= 14:
        data[12:14] = struct.pack("<H", Crc.calculate(bytes(data[:12])))
    return data


def fit_flip_with_valid_crc(data: bytearray, rng: random.Random) -> bytearray:
    """Bits flipped in the messages and the file CRC recomputed, so the damage reaches past the checksum
    into the decoder, the parser and the store."""
    if len(data) < 16 or data[0] not in (12, 14):
        return flip_bits(data, rng)
    body = data[: len(data) - 2]
    for _ in range(rng.randint(1, 4)):
        body[rng.randrange(data[0], len(body))] ^= 1 << rng.randrange(8)
    return body + struct.pack("<H", Crc.calculate(bytes(body)))


COMMON: tuple[Mutation, ...] = (flip_bits, truncate, zero_chunk, splice_repeat)
# each twice: lying headers and damage behind a valid checksum are what a FIT reader must survive
FIT_ONLY: tuple[Mutation, ...] = (
    fit_header_lie,
    fit_header_lie,
    fit_flip_with_valid_crc,
    fit_flip_with_valid_crc,
)


def mutant(data: bytes, *, name: str, seed: int) -> tuple[bytes, str]:
    """`(mutated bytes, mutation name)`: the same seed always gives the same mutant."""
    rng = random.Random(seed)
    mutations = COMMON + (FIT_ONLY if name.lower().endswith(".fit") else ())
    mutation = rng.choice(mutations)
    return bytes(mutation(bytearray(data), rng)), mutation.__name__
