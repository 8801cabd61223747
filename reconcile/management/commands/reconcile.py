"""`manage.py reconcile [--all] [--since DATE] [--quiet]`: one canonical activity per run."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reconcile.errors import ReconcileError
from reconcile.services import reconcile_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since {value!r} is not a date: use YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "Match new and changed source records to canonical activities and resolve their fields, "
        "conflicts and intervals. Incremental unless --all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-check every record and activity.")
        parser.add_argument("--since", type=str, help="Only records and activities on or after YYYY-MM-DD.")
        parser.add_argument("--quiet", action="store_true", help="Print the summary line only.")

    def handle(self, *args, **options) -> None:
        since = _date(options["since"]) if options["since"] else None
        log = None if options["quiet"] else self.stdout.write
        try:
            result = reconcile_run(all=options["all"], since=since, log=log)
        except ReconcileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
        if result.failed:
            raise CommandError(
                f"{result.failed} activit{'y' if result.failed == 1 else 'ies'} failed: see above"
            )
