"""Fixtures: a fake Strava on 127.0.0.1 serving the shared fixtures, and stored tokens for it."""

from __future__ import annotations

import time

import pytest

from ingest.strava.tokens import Tokens, tokens_save
from tests.support.fake_strava import FakeStrava


@pytest.fixture
def strava(samples, settings):
    """The fake Strava, loaded with the fixtures' six activities; settings point stravalib at it."""
    with FakeStrava(samples / "strava" / "api").load_fixtures() as fake:
        settings.STRAVA_BASE_URL = fake.url
        settings.STRAVA_CLIENT_ID = "54321"
        settings.STRAVA_CLIENT_SECRET = "fake-client-secret"
        settings.STRAVA_TIMEOUT_S = 1.0
        yield fake


@pytest.fixture
def tokens(strava) -> Tokens:
    """Valid stored tokens for the fake (six hours left)."""
    stored = Tokens(
        access_token=strava.access_token,
        refresh_token=strava.refresh_token,
        expires_at=int(time.time()) + 21600,
        scope=["read", "activity:read_all", "profile:read_all"],
        athlete_id=48213576,
    )
    tokens_save(stored)
    return stored


class Sleeps(list):
    """An injectable sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
