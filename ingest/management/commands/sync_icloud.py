"""`manage.py sync_icloud [--reconcile]`: import new HealthFit workouts from the iCloud Drive folder."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.files import console_output
from ingest.healthfit.sync import healthfit_sync
from ingest.management.then_reconcile import add_reconcile_argument, command_sync


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
        add_reconcile_argument(parser)

    def handle(self, *args, path=None, workers=None, quiet=False, reconcile=False, **options):
        with console_output(self.stdout, quiet=quiet) as (log, progress):
            synced = command_sync(
                "icloud",
                lambda: healthfit_sync(path=path, workers=workers, log=log, progress=progress),
                reconcile=reconcile,
                log=log,
            )
        synced.write(self.stdout)
