"""`manage.py export_analysis --what weekly|monthly|yearly|shoes|records|load|vdot|trends|decoupling|zones
--format csv|json [--since DATE] [--sport running] [-o FILE]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from activities.analysis.export import WHATS, AnalysisExportError, analysis_export_write
from activities.export import FORMATS
from activities.management.export_output import export_to, iso_date


class Command(BaseCommand):
    help = (
        "Export a training-analysis figure (volume, shoes, records, load, VDOT, aerobic trends, decoupling, "
        "heart-rate zones) as JSON or CSV, in SI units."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--what", choices=WHATS, required=True, help="The figure to export.")
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv.")
        parser.add_argument("--since", type=iso_date, help="Only rows on or after YYYY-MM-DD.")
        parser.add_argument("--sport", type=str, help="A sport (default: running, the setting), or all.")
        parser.add_argument("-o", "--output", type=str, help="Write to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        figure = {key: options[key] for key in ("what", "format", "sport", "since")}
        try:
            export_to(self, options["output"], lambda out: analysis_export_write(out=out, **figure))
        except AnalysisExportError as exc:
            raise CommandError(str(exc)) from exc
