"""`garmin_login` through garminconnect's own sign-in, as far as a fake Garmin SSO carries it."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from ingest.garmin.login import garmin_login
from ingest.garmin.tokens import GarminAuthError, token_path

pytestmark = pytest.mark.django_db


def _never() -> str:
    raise AssertionError("no code was asked for")


def test_it_signs_in_and_stores_the_tokens_owner_only(garmin_connect):
    result = garmin_login(email="runner@example.com", password="correct horse", prompt_mfa=_never)

    stored = json.loads(token_path().read_text())
    assert stored["di_token"] == garmin_connect.access_token
    assert stored["di_refresh_token"] == garmin_connect.refresh_token
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    assert "fake-runner" in result.summary() and "correct horse" not in token_path().read_text()


def test_it_asks_for_the_code_when_garmin_asks_for_one(garmin_connect):
    garmin_connect.mfa_code = "123456"
    asked = []

    garmin_login(
        email="runner@example.com",
        password="correct horse",
        prompt_mfa=lambda: asked.append(1) or "123456",
    )

    assert asked == [1]
    assert json.loads(token_path().read_text())["di_token"] == garmin_connect.access_token


def test_a_wrong_code_is_refused_and_stores_nothing(garmin_connect):
    garmin_connect.mfa_code = "123456"
    with pytest.raises(GarminAuthError, match="refused the sign-in: MFA verification failed"):
        garmin_login(email="runner@example.com", password="correct horse", prompt_mfa=lambda: "000000")
    assert not token_path().exists()


def test_a_wrong_password_is_refused_at_once(garmin_connect):
    with pytest.raises(GarminAuthError, match="Invalid Username or Password"):
        garmin_login(email="runner@example.com", password="wrong", prompt_mfa=_never)
    assert garmin_connect.logins == 0 and not token_path().exists()


def test_the_command_asks_for_the_code_and_never_prints_tokens(garmin_connect):
    garmin_connect.mfa_code = "654321"
    out = io.StringIO()

    call_command(
        "garmin_login",
        email="runner@example.com",
        password="correct horse",
        stdin=io.StringIO("654321\n"),
        stdout=out,
    )

    text = out.getvalue()
    assert "Code Garmin sent you" in text and "Signed in to Garmin Connect as fake-runner" in text
    assert garmin_connect.access_token not in text and garmin_connect.refresh_token not in text


def test_the_command_turns_a_refusal_into_an_error(garmin_connect):
    with pytest.raises(CommandError, match="Invalid Username or Password"):
        call_command("garmin_login", email="runner@example.com", password="nope", stdout=io.StringIO())
