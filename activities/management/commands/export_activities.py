"""`manage.py export_activities --format json|csv [--since DATE] [-o FILE]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from activities.export import FORMATS, export_write
from activities.management.export_output import export_to, iso_date


class Command(BaseCommand):
    help = (
        "Export canonical activities (with provenance, sources, intervals and conflicts) as JSON or CSV, "
        "to stdout or a file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv.")
        parser.add_argument("--since", type=iso_date, help="Only activities on or after YYYY-MM-DD.")
        parser.add_argument("-o", "--output", type=str, help="Write to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        export_to(
            self,
            options["output"],
            lambda out: export_write(out=out, format=options["format"], since=options["since"]),
        )
