"""`manage.py notify_test`: send a test message to every channel of RUNBASE_NOTIFY_URLS."""

from django.core.management.base import BaseCommand, CommandError

from ingest.notify.send import notify_test
from ingest.records import SourceError


class Command(BaseCommand):
    help = "Send a test message to every notification channel in RUNBASE_NOTIFY_URLS and report each."

    def handle(self, *args, **options):
        try:
            delivery = notify_test()
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        for error in delivery.errors:
            self.stderr.write(f"failed {error}")
        self.stdout.write(f"notify_test: sent={delivery.sent} failed={len(delivery.errors)}")
        if delivery.errors or not delivery.sent:
            raise CommandError("not every channel took the test message: see above")
