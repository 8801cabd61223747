"""`manage.py export_activities --format json|csv [--since DATE] [-o FILE]`."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from activities.export import FORMATS, export_write


class Command(BaseCommand):
    help = (
        "Export canonical activities (with provenance, sources, intervals and conflicts) as JSON or CSV, "
        "to stdout or a file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv.")
        parser.add_argument("--since", type=str, help="Only activities on or after YYYY-MM-DD.")
        parser.add_argument("-o", "--output", type=str, help="Write to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        since = None
        if options["since"]:
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since {options['since']!r} is not a date: use YYYY-MM-DD") from exc
        path = options["output"]
        try:
            if path:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    count = export_write(out=out, format=options["format"], since=since)
                self.stdout.write(f"exported={count} to {path}")
            else:
                self.stdout.ending = ""  # the export writes its own line ends
                count = export_write(out=self.stdout, format=options["format"], since=since)
                self.stderr.write(f"exported={count}")
        except BrokenPipeError:
            return  # the reader (e.g. `| head`) has seen enough
        except OSError as exc:
            raise CommandError(f"cannot write {path or 'to stdout'}: {exc.strerror}") from exc
