"""`manage.py install_schedules`: put RunBase's django-q2 schedules in the database (idempotent)."""

from django.core.management.base import BaseCommand

from ingest.schedules import schedules_install


class Command(BaseCommand):
    help = (
        "Create or update the django-q2 schedules (iCloud every 30 min, Strava every 6 h, Runalyze "
        "weekly, each with reconcile=True; a weekly full reconcile). Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Only print the summary line.")

    def handle(self, *args, quiet: bool = False, **options):
        result = schedules_install(log=None if quiet else self.stdout.write)
        self.stdout.write(f"schedules: {result.summary()}")
