"""`manage.py sync_icloud`: import new HealthFit workouts from the iCloud Drive folder (cron-friendly)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.files import console_output
from ingest.healthfit.sync import healthfit_sync
from ingest.records import SourceError


class Command(BaseCommand):
    help = (
        "Import every new workout file HealthFit wrote to its iCloud Drive folder (default HEALTHFIT_DIR). "
        "Files not downloaded yet or still being written are left for the next run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="The HealthFit folder (default: HEALTHFIT_DIR).")
        parser.add_argument(
            "--workers", type=int, help="Parse processes (default: RUNBASE_INGEST_WORKERS or one per core)."
        )
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")

    def handle(self, *args, path=None, workers=None, quiet=False, **options):
        try:
            with console_output(self.stdout, quiet=quiet) as (log, progress):
                result = healthfit_sync(path=path, workers=workers, log=log, progress=progress)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
