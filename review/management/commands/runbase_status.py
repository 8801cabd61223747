"""`manage.py runbase_status`: how every sync went and what the database holds (`--json` for scripts)."""

import json as _json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from review.status import status_report

EXIT_CODES = {"ok": 0, "warning": 1, "error": 2}


class Command(BaseCommand):
    help = (
        "Show per sync the last run and its summary, record counts per source, files per route and "
        "status, failed files with their errors, records waiting for reconcile, the database size and "
        "an overall verdict (ok, warning, error). --json prints the same as one JSON object and exits "
        "0, 1 or 2 by the verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Machine-readable; exit 0/1/2 for ok/warning/error."
        )

    def handle(self, *args, json: bool = False, **options):
        report = status_report()
        if not json:
            for line in report.lines():
                self.stdout.write(line)
            return
        self.stdout.write(_json.dumps(report.as_dict(), cls=DjangoJSONEncoder, indent=2))
        if report.level != "ok":
            raise CommandError(f"status: {report.level}", returncode=EXIT_CODES[report.level])
