"""The admin's activity list shows each start at the runner's local time with its offset, as the review
pages do: the stored UTC moment put a 19:40 evening run in California on the next day at 2:40 a.m."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity

pytestmark = pytest.mark.django_db


def test_the_activity_list_shows_the_local_start(admin_client):
    # 02:40 UTC on 10 Oct 2025 at UTC−07:00 is 19:40 on Thursday 9 Oct.
    Activity.objects.create(
        date=dt.date(2025, 10, 9),
        start_time=dt.datetime(2025, 10, 10, 2, 40, tzinfo=dt.UTC),
        utc_offset_s=-7 * 3600,
        sport="running",
        distance_m=7000.0,
    )
    page = admin_client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert "Thu 9 Oct 2025, 19:40 (UTC−07:00)" in page
    assert "start (local)" in page.lower()
    assert "2:40 a.m." not in page
