"""strava_auth: authorise URL, callback, scope check, code exchange, tokens stored owner-only."""

from __future__ import annotations

import io
import re
import stat
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.core.management import CommandError, call_command

from ingest.strava.auth import CallbackServer, strava_auth_complete, strava_auth_url
from ingest.strava.tokens import StravaAuthError, tokens_load

GRANTED = "read,activity:read_all,profile:read_all"
REDIRECT = "http://127.0.0.1:8765/strava/callback"


def _redirect(code="fake-auth-code", state="s1", scope=GRANTED, **extra) -> str:
    return f"{REDIRECT}?{urlencode({'state': state, 'code': code, 'scope': scope, **extra})}"


def test_the_authorise_url_asks_for_the_three_scopes(strava):
    url = strava_auth_url(redirect_uri=REDIRECT, state="s1")

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert url.startswith(strava.url + "/oauth/authorize?")
    assert query["scope"] == GRANTED and query["client_id"] == "54321"
    assert (query["redirect_uri"], query["state"], query["response_type"]) == (REDIRECT, "s1", "code")


def test_a_good_redirect_stores_the_tokens_owner_only(strava):
    result = strava_auth_complete(redirect_url=_redirect(), state="s1")

    assert result.summary() == f"connected to Strava as Ada Verhoeven (scopes: {GRANTED})"
    stored = tokens_load()
    assert stored.refresh_token == strava.refresh_token and stored.athlete_id == 48213576
    assert stored.scope == GRANTED.split(",")
    assert stat.S_IMODE(settings.STRAVA_TOKEN_FILE.stat().st_mode) == 0o600
    exchange = next(r for r in strava.requests if r.path == "/oauth/token").form()
    assert exchange["grant_type"] == ["authorization_code"]
    assert exchange["client_secret"] == ["fake-client-secret"]


def test_unticked_scopes_are_named_and_nothing_is_stored(strava):
    with pytest.raises(StravaAuthError, match=r"RunBase needs activity:read_all, profile:read_all"):
        strava_auth_complete(redirect_url=_redirect(scope="read"), state="s1")
    assert not settings.STRAVA_TOKEN_FILE.exists()


def test_a_refused_authorisation_says_so(strava):
    url = f"{REDIRECT}?state=s1&error=access_denied"
    with pytest.raises(StravaAuthError, match=r"did not authorise RunBase \(access_denied\)"):
        strava_auth_complete(redirect_url=url, state="s1")


def test_a_redirect_from_another_attempt_is_refused(strava):
    with pytest.raises(StravaAuthError, match="state differs"):
        strava_auth_complete(redirect_url=_redirect(state="other"), state="s1")


def test_a_used_code_is_a_clear_error(strava):
    with pytest.raises(StravaAuthError, match=r"refused the authorisation code \(400\)"):
        strava_auth_complete(redirect_url=_redirect(code="stale"), state="s1")


def test_missing_app_credentials_name_the_settings(strava, settings):
    settings.STRAVA_CLIENT_SECRET = ""
    with pytest.raises(StravaAuthError, match="STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET are not set"):
        strava_auth_url(redirect_uri=REDIRECT, state="s1")


def test_the_callback_server_catches_the_redirect():
    with CallbackServer() as server:
        answer = requests.get(server.redirect_uri + "?state=s1&code=abc&scope=read", timeout=5)
        url = server.wait(timeout_s=5)

    assert answer.status_code == 200 and "connected" in answer.text
    assert url == server.redirect_uri + "?state=s1&code=abc&scope=read"


class _User:
    """Reads the authorise URL the command printed and answers like Strava's redirect would."""

    def __init__(self, out: io.StringIO, scope: str = GRANTED):
        self.out = out
        self.scope = scope

    def redirect_for(self, url: str) -> str:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        extra = {"state": query["state"], "code": "fake-auth-code", "scope": self.scope}
        return f"{query['redirect_uri']}?{urlencode(extra)}"

    def readline(self) -> str:  # --no-browser: paste
        url = re.search(r"(http://\S+/oauth/authorize\?\S+)", self.out.getvalue()).group(1)
        return self.redirect_for(url) + "\n"

    def open(self, url: str) -> None:  # browser mode: the browser follows Strava's redirect
        threading.Thread(target=requests.get, args=(self.redirect_for(url),), kwargs={"timeout": 5}).start()


def test_the_command_without_a_browser_reads_the_pasted_url(strava):
    out = io.StringIO()

    call_command("strava_auth", "--no-browser", stdout=out, stdin=_User(out))

    assert "connected to Strava as Ada Verhoeven" in out.getvalue()
    assert strava.access_token not in out.getvalue() and strava.refresh_token not in out.getvalue()
    assert tokens_load().access_token == strava.access_token


def test_the_command_catches_the_browser_redirect_on_127_0_0_1(strava):
    out = io.StringIO()

    call_command("strava_auth", "--timeout", "10", stdout=out, open_browser=_User(out).open)

    assert "connected to Strava as Ada Verhoeven" in out.getvalue()
    assert tokens_load().refresh_token == strava.refresh_token


def test_the_command_fails_clearly_on_unticked_scopes(strava):
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"needs activity:read_all"):
        call_command("strava_auth", "--no-browser", stdout=out, stdin=_User(out, scope="read"))
