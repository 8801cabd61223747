"""`manage.py export_analysis --what weekly|monthly|yearly|shoes|records|load|vdot --format csv|json
[--since DATE] [--sport running] [-o FILE]`."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from activities.analysis.export import WHATS, AnalysisExportError, analysis_export_write
from activities.export import FORMATS


class Command(BaseCommand):
    help = (
        "Export a training-analysis figure (volume, shoes, records, load, VDOT) as JSON or CSV, in SI units."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--what", choices=WHATS, required=True, help="The figure to export.")
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv.")
        parser.add_argument("--since", type=str, help="Only rows on or after YYYY-MM-DD.")
        parser.add_argument("--sport", type=str, help="A sport (default: running, the setting), or all.")
        parser.add_argument("-o", "--output", type=str, help="Write to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        since = None
        if options["since"]:
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since {options['since']!r} is not a date: use YYYY-MM-DD") from exc
        figure = {
            "what": options["what"],
            "format": options["format"],
            "sport": options["sport"],
            "since": since,
        }
        path = options["output"]
        try:
            if path:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    count = analysis_export_write(out=out, **figure)
                self.stdout.write(f"exported={count} to {path}")
            else:
                self.stdout.ending = ""
                count = analysis_export_write(out=self.stdout, **figure)
                self.stderr.write(f"exported={count}")
        except AnalysisExportError as exc:
            raise CommandError(str(exc)) from exc
        except BrokenPipeError:
            return
        except OSError as exc:
            raise CommandError(f"cannot write {path or 'to stdout'}: {exc.strerror}") from exc
