"""`manage.py garmin_login`: sign RunBase in to Garmin Connect once; the tokens are stored owner-only."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from ingest.garmin.login import garmin_login
from ingest.records import SourceError


class Command(BaseCommand):
    help = (
        "Sign in to Garmin Connect (through the unofficial garminconnect library) and store the tokens in "
        "GARMIN_TOKEN_DIR, readable by you alone. Asks for the password (never stored or shown) and, when "
        "Garmin asks for one, the code it sends. Run it once; run it again when a sync says so."
    )
    stealth_options = ("stdin", "password")  # tests stand in for the user

    def add_arguments(self, parser):
        parser.add_argument("--email", help="The Garmin Connect account's email (asked when not given).")

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        email = options["email"] or self._ask("Garmin Connect email: ", stdin)
        password = options.get("password") or getpass.getpass("Garmin Connect password: ")
        try:
            result = garmin_login(
                email=email,
                password=password,
                prompt_mfa=lambda: self._ask("Code Garmin sent you (multi-factor): ", stdin),
            )
        except SourceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.summary())

    def _ask(self, prompt: str, stdin) -> str:
        self.stdout.write(prompt, ending="")
        self.stdout.flush()
        return stdin.readline().strip()
