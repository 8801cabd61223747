"""Fixtures: a fake Garmin Connect on 127.0.0.1, filled from the sample export, and tokens for it."""

from __future__ import annotations

import json
import time

import pytest

from ingest.garmin.tokens import tokens_save
from tests.support.fake_garmin_connect import FakeGarminConnect

EXPORT = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


@pytest.fixture(scope="session")
def garmin_manifest(samples) -> dict:
    """The sample export's answer key: what the fake's account holds, and what the tests expect."""
    return json.loads((samples / "garmin" / "manifest.json").read_text())


# A light account for the fault tests (five small files and a manual run, 2013 and 2017); the whole
# sample account (1 MB of multisport FIT among it) for the tests of what a pull brings.
LIGHT = {"1788750977", "1782865334", "1782817975", "1779790804", "1779782679", "412636013"}


def _serve(fake: FakeGarminConnect, settings):
    settings.GARMIN_CONNECT_BASE_URL = fake.url
    settings.GARMIN_SSO_BASE_URL = fake.url
    settings.GARMIN_TIMEOUT_S = 2.0


@pytest.fixture
def garmin_connect(samples, garmin_manifest, settings):
    """A light Connect account from the sample export, served on 127.0.0.1; settings point at it."""
    fake = FakeGarminConnect.from_export(samples / EXPORT, garmin_manifest, only=LIGHT, clock=time.time)
    with fake:
        _serve(fake, settings)
        yield fake


@pytest.fixture
def garmin_account(samples, garmin_manifest, settings):
    """The whole Connect account the sample export came from, served on 127.0.0.1."""
    with FakeGarminConnect.from_export(samples / EXPORT, garmin_manifest, clock=time.time) as fake:
        _serve(fake, settings)
        yield fake


@pytest.fixture
def garmin_signed_in(garmin_connect) -> FakeGarminConnect:
    """Tokens stored as `garmin_login` leaves them (the suite starts from stored tokens)."""
    tokens_save(garmin_connect.stored_tokens())
    return garmin_connect


@pytest.fixture
def garmin_account_signed_in(garmin_account) -> FakeGarminConnect:
    tokens_save(garmin_account.stored_tokens())
    return garmin_account


class Sleeps(list):
    """An injectable sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
