"""What the export commands share: the `--since` date and writing to a file or to stdout."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError


def iso_date(value: str) -> dt.date:
    """argparse type for `--since`: a clear message instead of argparse's "invalid value"."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD") from exc


def export_to(command: BaseCommand, path: str | None, write: Callable[[TextIO], int]) -> None:
    """Run `write` (returns the row count) into `path`, or stdout, and report the count.

    On stdout the count goes to stderr so the data stays clean; a reader that closes the pipe early
    (`| head`) ends the export quietly; a file that cannot be written is a CommandError.
    """
    try:
        if path:
            with open(path, "w", encoding="utf-8", newline="") as out:
                count = write(out)
            command.stdout.write(f"exported={count} to {path}")
        else:
            command.stdout.ending = ""  # the export writes its own line ends
            count = write(command.stdout)
            command.stderr.write(f"exported={count}")
    except BrokenPipeError:
        return
    except OSError as exc:
        raise CommandError(f"cannot write {path or 'to stdout'}: {exc.strerror}") from exc
