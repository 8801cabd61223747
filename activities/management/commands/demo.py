"""`manage.py demo`: migrate, create the `runner` login, load the demo dataset, run the server."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from activities.demo.load import DEMO_USER, demo_load
from ingest.records import SourceError
from reconcile.services import ReconcileError


class Command(BaseCommand):
    help = (
        "Set RunBase up on the configured database with the demo runs shipped in activities/demo "
        "(8 FIT files and a training log), reconcile them, install the schedules and run the "
        "development server. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not start the server.")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where the server listens.")
        parser.add_argument("--quiet", action="store_true", help="Only print the summary and login lines.")

    def handle(
        self, *args, no_serve: bool = False, addrport: str = "127.0.0.1:8000", quiet: bool = False, **_
    ):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = demo_load(log=None if quiet else self.stdout.write)
        except (SourceError, ReconcileError) as error:
            raise CommandError(f"demo: {error}") from error
        self.stdout.write(f"demo: {result.summary()}")
        url = f"http://{addrport}/"
        if result.password:
            self.stdout.write(self.style.SUCCESS(f"Log in at {url} (admin: {url}admin/) as {DEMO_USER!r}"))
            self.stdout.write(
                self.style.SUCCESS(
                    f"password: {result.password}   (shown once; change it "
                    f"with: python manage.py changepassword {DEMO_USER})"
                )
            )
        else:
            self.stdout.write(f"Log in at {url} (admin: {url}admin/) as {DEMO_USER!r} with your password.")
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)
