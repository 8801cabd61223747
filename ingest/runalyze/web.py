"""Runalyze website session: log in with the CSRF form and download the activity CSV.

The fallback for accounts without the Personal API. Runalyze publishes no contract for this, so every
step checks that it got what it expected and otherwise stops with a `SourceError` saying what it saw:
a wrong password, a two-factor prompt or an unexpected page never turn into a half import.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

from ingest.records import SourceError

from .client import TIMEOUT_S, USER_AGENT

log = logging.getLogger("runbase.ingest.runalyze")

CSV_PATH = "/_internal/data/activities/all"
# `<input type="hidden" name="_csrf_token" value="…">`: Symfony's randomised token, <hex>.<b64url>.<b64url>
_CSRF = re.compile(r"""name=["']_csrf_token["'][^>]*?value=["']([^"']+)["']""")
# scheb/2fa-bundle (Symfony's usual 2FA) serves /2fa with a form posting `_auth_code` to /2fa_check.
_TWO_FACTOR_FORM = re.compile(r"""name=["']_auth_code["']|action=["'][^"']*2fa""", re.I)


# The login page shown again after a failed POST: `<p class="error">Invalid credentials.</p>`
_INVALID = re.compile(r"Invalid credentials|Bad credentials", re.I)


class RunalyzeLoginError(SourceError):
    """The website login or CSV download did not go as expected; the message says what happened."""


def _is_login(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/login")


class RunalyzeWeb:
    """A logged-in browser-like session on `settings.RUNALYZE_BASE_URL`."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        base_url: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.username = settings.RUNALYZE_USERNAME if username is None else username
        self.password = settings.RUNALYZE_PASSWORD if password is None else password
        if not self.username or not self.password:
            raise RunalyzeLoginError(
                "RUNALYZE_USERNAME and RUNALYZE_PASSWORD must both be set for --method csv"
            )
        self.base_url = (base_url or settings.RUNALYZE_BASE_URL).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.calls = 0

    def _get(self, path: str, **kwargs) -> requests.Response:
        self.calls += 1
        try:
            return self.session.get(
                urljoin(self.base_url + "/", path.lstrip("/")), timeout=TIMEOUT_S, **kwargs
            )
        except requests.RequestException as exc:
            raise RunalyzeLoginError(f"Runalyze website {path}: {exc.__class__.__name__}") from None

    def login(self) -> None:
        """GET /login for the CSRF token and cookie, POST the form; success is a 302 away from /login."""
        page = self._get("/login")
        match = _CSRF.search(page.text) if page.status_code == 200 else None
        if match is None:
            raise RunalyzeLoginError(
                f"Runalyze /login answered {page.status_code} without a _csrf_token field: "
                "the login page changed, use the Personal API (--method api)"
            )
        self.calls += 1
        try:
            response = self.session.post(
                f"{self.base_url}/login",
                data={
                    "_username": self.username,
                    "_password": self.password,
                    "_remember_me": "on",
                    "_csrf_token": match.group(1),
                    "submit": "Sign in",
                },
                allow_redirects=False,
                timeout=TIMEOUT_S,
            )
        except requests.RequestException as exc:
            raise RunalyzeLoginError(f"Runalyze login: {exc.__class__.__name__}") from None
        location = response.headers.get("Location", "")
        rejected = _is_login(location) or (response.status_code == 200 and _INVALID.search(response.text))
        if rejected:
            raise RunalyzeLoginError(
                "Runalyze login failed: invalid username or password "
                "(check RUNALYZE_USERNAME / RUNALYZE_PASSWORD)"
            )
        if response.status_code not in (301, 302, 303):
            self._refuse(response.text, f"the login answered {response.status_code} instead of a redirect")
        # Follow the redirect once: a 2FA account lands on a page asking for a code, not the dashboard.
        landing = self._get(location)
        path = urlsplit(landing.url).path
        if "2fa" in path or _TWO_FACTOR_FORM.search(landing.text):
            self._refuse(landing.text, f"the login landed on {path}", two_factor=True)
        if _is_login(landing.url):
            self._refuse(landing.text, "the session was sent back to the login page")
        log.info("Logged in to Runalyze as %s", self.username)

    def _refuse(self, body: str, what: str, two_factor: bool = False) -> None:
        if two_factor or _TWO_FACTOR_FORM.search(body):
            raise RunalyzeLoginError(
                "Runalyze asks for a two-factor code, which an unattended sync cannot give: "
                "use the Personal API (--method api, RUNALYZE_TOKEN) instead"
            )
        raise RunalyzeLoginError(f"Runalyze login failed: {what}")

    def activities_csv(self) -> bytes:
        """The CSV of every activity; a redirect to /login or a non-CSV page is an error."""
        response = self._get(CSV_PATH, headers={"Accept": "text/csv"}, allow_redirects=False)
        location = response.headers.get("Location", "")
        if response.status_code in (301, 302, 303):
            where = "the login page" if _is_login(location) else location
            raise RunalyzeLoginError(
                f"Runalyze {CSV_PATH} redirected to {where}: the session was not accepted"
            )
        if response.status_code != 200:
            raise RunalyzeLoginError(f"Runalyze {CSV_PATH} answered {response.status_code}")
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type:
            raise RunalyzeLoginError(
                f"Runalyze {CSV_PATH} sent an HTML page ({content_type}) instead of the activity CSV"
            )
        return response.content
