"""Sending through apprise: notify_test, several channels, masked URLs, one occurrence sent once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ingest.models import Notification
from ingest.notify.send import notification_send
from tests.support.fake_ntfy import fake_ntfy, messages

pytestmark = pytest.mark.django_db


def test_notify_test_reaches_every_channel(settings):
    with fake_ntfy() as first, fake_ntfy() as second:
        settings.RUNBASE_NOTIFY_URLS = f"{first.ntfy_url} {second.ntfy_url}"
        out = StringIO()
        call_command("notify_test", stdout=out)

        assert [m["title"] for m in messages(first) + messages(second)] == ["RunBase: test message"] * 2
    assert out.getvalue() == "notify_test: sent=2 failed=0\n"
    assert not Notification.objects.exists()  # a test message is not an event


def test_notify_test_names_the_channels_that_failed_without_their_secrets(settings):
    with fake_ntfy(status=401) as refusing:
        password_url = refusing.ntfy_url.replace("ntfy://", "ntfy://runner:s3cr3t-pass@")
        settings.RUNBASE_NOTIFY_URLS = f"{password_url}, nosuchscheme://token@example.org"
        err = StringIO()
        with pytest.raises(CommandError, match="not every channel took the test message"):
            call_command("notify_test", stdout=StringIO(), stderr=err)

        assert len(refusing.requests) == 1
    lines = err.getvalue().splitlines()
    assert lines[1] == "failed not a notification URL apprise knows: nosuchscheme://…"
    assert lines[0].startswith("failed ntfy://runner:****@127.0.0.1:")
    assert lines[0].endswith(": refused or unreachable")
    assert "s3cr3t" not in err.getvalue()


def test_notify_test_without_channels_says_what_to_set(settings):
    settings.RUNBASE_NOTIFY_URLS = ""

    with pytest.raises(
        CommandError, match=r"RUNBASE_NOTIFY_URLS is empty: set it to one apprise URL per channel"
    ):
        call_command("notify_test")


def test_an_occurrence_is_sent_once(settings):
    settings.RUNBASE_NOTIFY_EVENTS = ["conflicts"]
    with fake_ntfy() as ntfy:
        settings.RUNBASE_NOTIFY_URLS = ntfy.ntfy_url
        first = notification_send(event="conflicts", key="conflicts:2026-11-30", title="3 new conflicts")
        again = notification_send(event="conflicts", key="conflicts:2026-11-30", title="3 new conflicts")

        assert len(messages(ntfy)) == 1
    assert first is not None and first.status == "sent" and again is None


def test_every_event_but_new_activities_is_on_by_default():
    import runbase_site.settings as defaults
    from ingest.notify.events import DEFAULT_EVENTS, EVENTS

    assert defaults.RUNBASE_NOTIFY_EVENTS == DEFAULT_EVENTS == [e for e in EVENTS if e != "new_activities"]
