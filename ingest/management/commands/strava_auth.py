"""`manage.py strava_auth`: connect RunBase to Strava once (OAuth), storing the tokens owner-only."""

from __future__ import annotations

import sys
import webbrowser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.records import SourceError
from ingest.strava.auth import CallbackServer, strava_auth_complete, strava_auth_state, strava_auth_url

NO_BROWSER_PORT = 8765  # any port works: the browser's address bar is what gets pasted


class Command(BaseCommand):
    help = (
        "Authorise RunBase to read your Strava activities (read, activity:read_all, profile:read_all). "
        "Opens the browser and catches the redirect on 127.0.0.1; --no-browser prints the URL and reads "
        "the redirect URL you paste. Needs STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET."
    )
    stealth_options = ("stdin", "open_browser")  # tests stand in for the user

    def add_arguments(self, parser):
        parser.add_argument("--no-browser", action="store_true", help="Print the URL; paste the redirect.")
        parser.add_argument(
            "--port", type=int, default=None, help="Callback port (default: STRAVA_AUTH_PORT)."
        )
        parser.add_argument("--timeout", type=float, default=300, help="Seconds to wait for the redirect.")

    def handle(self, *args, **options):
        port = options["port"] if options["port"] is not None else settings.STRAVA_AUTH_PORT
        state = strava_auth_state()
        try:
            if options["no_browser"]:
                redirect_url = self._paste(port or NO_BROWSER_PORT, state, options.get("stdin") or sys.stdin)
            else:
                with CallbackServer(port=port) as server:
                    url = strava_auth_url(redirect_uri=server.redirect_uri, state=state)
                    self.stdout.write(f"Opening Strava in your browser. If it does not open, visit:\n{url}")
                    (options.get("open_browser") or webbrowser.open)(url)
                    redirect_url = server.wait(timeout_s=options["timeout"])
            result = strava_auth_complete(redirect_url=redirect_url, state=state)
        except SourceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.summary())

    def _paste(self, port: int, state: str, stdin) -> str:
        url = strava_auth_url(redirect_uri=f"http://127.0.0.1:{port}/strava/callback", state=state)
        self.stdout.write(
            "Open this URL in a browser, authorise, then paste the address the browser ends on "
            f"(a 127.0.0.1 page that may fail to load):\n{url}\nRedirect URL: ",
            ending="",
        )
        self.stdout.flush()
        return stdin.readline().strip()
