"""`manage.py sync_runalyze [--all] [--method api|csv] [--quiet] [--reconcile]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ingest.management.then_reconcile import add_reconcile_argument, command_sync
from ingest.runalyze.sync import METHODS, runalyze_sync


class Command(BaseCommand):
    help = (
        "Sync Runalyze activities, their metrics (TRIMP, VO2max, training effect, %HRR) and the athlete's "
        "fitness/fatigue/form; recompute RunBase's CTL/ATL/TSB. Personal API (RUNALYZE_TOKEN) by default, "
        "or the website CSV (RUNALYZE_USERNAME/RUNALYZE_PASSWORD) with --method csv."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Re-read every activity instead of stopping at stored ones."
        )
        parser.add_argument("--method", choices=sorted(METHODS), default="api", help="api (default) or csv.")
        parser.add_argument("--quiet", action="store_true", help="Only print the summary line.")
        add_reconcile_argument(parser)

    def handle(self, *args, **options) -> None:
        log = None if options["quiet"] else self.stdout.write
        synced = command_sync(
            "runalyze",
            lambda: runalyze_sync(all=options["all"], method=options["method"], log=log),
            reconcile=options["reconcile"],
            log=log,
        )
        if synced.result.failed:
            self.stderr.write("\n".join(synced.result.errors))
        synced.write(self.stdout, label=f"Runalyze ({synced.result.method})")
