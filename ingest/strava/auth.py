"""The one-time Strava OAuth: authorise URL, the callback on 127.0.0.1, code exchange, scope check.

Strava shows the user a box per permission and sends back only what stayed ticked (the callback's
`scope` parameter), so the granted scopes are checked before anything is stored. Tokens are written
owner-only by `tokens_save` and never printed: the result only names the athlete and the scopes.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from stravalib import exc

from ingest.strava.client import SCOPES, app_credentials, public_url, strava_client
from ingest.strava.tokens import StravaAuthError, tokens_from_answer, tokens_save

CALLBACK_PATH = "/strava/callback"
AGAIN = "run `python manage.py strava_auth` again"


@dataclass(slots=True)
class StravaAuthResult:
    athlete: str
    athlete_id: int | None
    scopes: list[str]

    def summary(self) -> str:
        return f"connected to Strava as {self.athlete} (scopes: {','.join(self.scopes)})"


def strava_auth_state() -> str:
    """A random `state`: the redirect must come back with it, so a stale or foreign URL is refused."""
    return secrets.token_urlsafe(16)


def strava_auth_url(*, redirect_uri: str, state: str) -> str:
    """The authorise page asking for `read,activity:read_all,profile:read_all`."""
    client_id, _secret = app_credentials()
    url = strava_client().authorization_url(
        client_id=client_id, redirect_uri=redirect_uri, approval_prompt="force", scope=SCOPES, state=state
    )
    return public_url(url)


def strava_auth_complete(*, redirect_url: str, state: str) -> StravaAuthResult:
    """Check the redirect (error, state, granted scopes), exchange the code and store the tokens."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(redirect_url.strip()).query).items()}
    if params.get("error"):
        raise StravaAuthError(
            f"Strava did not authorise RunBase ({params['error']}): {AGAIN} and click Authorize"
        )
    if not params.get("code"):
        raise StravaAuthError(
            "the pasted URL has no `code` parameter: paste the whole address Strava sent you to"
        )
    if params.get("state") != state:
        raise StravaAuthError(
            f"the redirect belongs to another authorisation attempt (state differs): {AGAIN}"
        )
    granted = [s for s in params.get("scope", "").split(",") if s]
    missing = [s for s in SCOPES if s not in granted]
    if missing:
        raise StravaAuthError(
            f"Strava granted only {','.join(granted) or 'nothing'}; RunBase needs {', '.join(missing)} "
            f"as well: {AGAIN} and leave every permission box ticked"
        )
    client_id, secret = app_credentials()
    try:
        answer, athlete = strava_client().protocol.exchange_code_for_token(
            client_id=client_id, client_secret=secret, code=params["code"], return_athlete=True
        )
    except exc.Fault as error:
        status = getattr(error.response, "status_code", "?")
        raise StravaAuthError(
            f"Strava refused the authorisation code ({status}): codes expire within minutes and work once; "
            f"{AGAIN}. If it keeps failing, check STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET"
        ) from None
    athlete = athlete or {}
    tokens = tokens_from_answer(dict(answer), scope=granted, athlete_id=athlete.get("id"))
    tokens_save(tokens)
    name = " ".join(p for p in (athlete.get("firstname"), athlete.get("lastname")) if p) or "unknown athlete"
    return StravaAuthResult(athlete=name, athlete_id=athlete.get("id"), scopes=granted)


class CallbackServer:
    """A one-shot HTTP server on 127.0.0.1 that waits for Strava's redirect and returns its URL."""

    def __init__(self, *, port: int = 0):
        outer = self
        self.url: str | None = None
        self._done = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.startswith(CALLBACK_PATH):
                    self.send_error(404)
                    return
                outer.url = f"{outer.redirect_uri}{self.path[len(CALLBACK_PATH) :]}"
                ok = "error=" not in self.path
                body = (
                    "<h1>RunBase is connected to Strava</h1><p>You can close this tab.</p>"
                    if ok
                    else "<h1>Strava did not authorise RunBase</h1><p>See the terminal.</p>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                outer._done.set()

            def log_message(self, *args) -> None:  # the URL carries the code: keep it off the terminal
                pass

        self._server = HTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def __enter__(self) -> CallbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, *, timeout_s: float) -> str:
        """The redirect URL Strava sent the browser to; StravaAuthError after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while not self._done.wait(0.2):
            if time.monotonic() > deadline:
                raise StravaAuthError(
                    f"no answer from Strava within {timeout_s:.0f} s: {AGAIN}, or use --no-browser"
                )
        return self.url or ""
