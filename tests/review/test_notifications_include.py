"""The dashboard shows the last few notifications (review/_notifications.html)."""

import pytest

from ingest.models import Notification

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_newest_notifications(admin_client):
    for n in range(7):
        Notification.objects.create(
            event="sync_failed", key=f"k{n}", subject="icloud", title=f"note {n}", status="off"
        )

    page = admin_client.get("/").content.decode()

    assert [f"note {n}" in page for n in range(7)] == [False, False, True, True, True, True, True]
    assert "not sent: no channel configured" in page


def test_without_notifications_the_dashboard_says_what_would_come(admin_client):
    page = admin_client.get("/").content.decode()

    assert "None yet. RunBase tells you here" in page
