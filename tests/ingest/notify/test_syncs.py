"""A failing scheduled sync notifies once per failure streak and once on recovery, through apprise to a
fake ntfy server on 127.0.0.1; a channel that fails never fails the sync."""

from __future__ import annotations

import shutil

import pytest
from django_q.tasks import async_task, result

from activities.demo.load import DEMO_DIR
from ingest.locks import SyncBusy
from ingest.models import Notification
from ingest.notify.selectors import recent_notifications
from ingest.records import SourceError
from ingest.runalyze.client import RunalyzeTokenRejected
from ingest.sync import sync_failed_log
from tests.support.fake_ntfy import fake_ntfy, messages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def icloud(settings, tmp_path):
    """A HealthFit folder with one settled demo run, and no notification channel yet."""
    folder = tmp_path / "HealthFit"
    folder.mkdir()
    source = next((DEMO_DIR / "fit").glob("2025-10-07-*.fit"))
    shutil.copy(source, folder / source.name)
    settings.HEALTHFIT_DIR = folder
    settings.INGEST_SETTLE_SECONDS = 0
    settings.RUNBASE_NOTIFY_URLS = ""
    settings.RUNBASE_NOTIFY_EVENTS = ["sync_failed", "credentials"]
    return folder


def _scheduled_icloud_sync() -> str | None:
    """Run the iCloud schedule's task as the cluster would (q2, synchronously): its summary, or None
    when it failed (q2 in sync mode raises the task's exception)."""
    try:
        return result(async_task("ingest.tasks.sync_icloud", reconcile=False, sync=True))
    except SourceError:
        return None


def test_a_failing_scheduled_sync_notifies_once_per_streak_and_once_on_recovery(icloud, settings):
    with fake_ntfy() as ntfy:
        settings.RUNBASE_NOTIFY_URLS = ntfy.ntfy_url
        assert _scheduled_icloud_sync().startswith("icloud: imported=1")
        icloud.rename(icloud.with_name("gone"))  # iCloud Drive signed out: the folder is missing
        for _ in range(3):
            assert _scheduled_icloud_sync() is None  # the task failed
        icloud.with_name("gone").rename(icloud)
        assert _scheduled_icloud_sync().startswith("icloud: imported=0")
        assert _scheduled_icloud_sync().startswith("icloud: imported=0")  # no streak: nothing to say
        icloud.rename(icloud.with_name("gone"))
        assert _scheduled_icloud_sync() is None  # a new streak

        sent = messages(ntfy)

    assert [(m["topic"], m["title"]) for m in sent] == [
        ("runbase", "RunBase: the icloud sync failed"),
        ("runbase", "RunBase: the icloud sync works again"),
        ("runbase", "RunBase: the icloud sync failed"),
    ]
    assert sent[0]["message"].startswith(f"HealthFit folder not found: {icloud} — set HEALTHFIT_DIR")
    assert sent[1]["message"].startswith("It had been failing since ")
    assert list(Notification.objects.values_list("event", "status").order_by("pk")) == [
        ("sync_failed", "sent"),
        ("sync_recovered", "sent"),
        ("sync_failed", "sent"),
    ]


def test_a_channel_that_fails_is_recorded_and_never_fails_the_sync(icloud, settings, caplog):
    with fake_ntfy(status=500) as ntfy:
        settings.RUNBASE_NOTIFY_URLS = ntfy.ntfy_url
        _scheduled_icloud_sync()
        icloud.rename(icloud.with_name("gone"))
        assert _scheduled_icloud_sync() is None
        icloud.with_name("gone").rename(icloud)

        assert _scheduled_icloud_sync().startswith("icloud: imported=0")  # the recovery's channel fails too
        assert len(messages(ntfy)) == 2

    failed, recovered = Notification.objects.order_by("pk")
    assert (failed.status, recovered.status) == ("failed", "failed")
    assert "refused or unreachable" in recovered.error and "ntfy://127.0.0.1:" in recovered.error
    assert "notification not sent: ntfy://127.0.0.1:" in caplog.text


def test_without_a_channel_the_streak_is_still_recorded_for_the_dashboard(icloud):
    _scheduled_icloud_sync()
    icloud.rename(icloud.with_name("gone"))
    _scheduled_icloud_sync()
    _scheduled_icloud_sync()

    (only,) = recent_notifications()
    assert (only.event, only.subject, only.status) == ("sync_failed", "icloud", "off")


def test_a_source_never_set_up_here_fails_silently(icloud, settings, tmp_path):
    settings.HEALTHFIT_DIR = tmp_path / "no HealthFit on this server"

    assert _scheduled_icloud_sync() is None
    assert not Notification.objects.exists()


def test_refused_credentials_are_their_own_event_and_a_busy_lock_is_no_failure(icloud, settings):
    settings.RUNALYZE_TOKEN = "revoked"
    with fake_ntfy() as ntfy:
        settings.RUNBASE_NOTIFY_URLS = ntfy.ntfy_url
        sync_failed_log("runalyze", RunalyzeTokenRejected("Runalyze refused the token (401: Access Denied.)"))
        sync_failed_log("icloud", SyncBusy("The icloud sync is already running"))
        sent = messages(ntfy)

    assert [m["title"] for m in sent] == ["RunBase: the runalyze sync refused the credentials"]
    assert Notification.objects.get().event == "credentials"


def test_a_switched_off_event_is_neither_sent_nor_recorded(icloud, settings):
    settings.RUNBASE_NOTIFY_EVENTS = ["weekly"]
    _scheduled_icloud_sync()
    icloud.rename(icloud.with_name("gone"))

    _scheduled_icloud_sync()

    assert not Notification.objects.exists()
