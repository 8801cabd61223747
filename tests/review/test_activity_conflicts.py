"""The activity page's conflicts table: values that differ never read the same (the demo's 6x800m showed
"Training log: 10.70 km · Watch file: 10.70 km" for 10,702 m against 10,700 m)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from activities.models import Activity
from reconcile.models import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def near_twins(db):
    activity = Activity.objects.create(
        date=dt.date(2025, 10, 7),
        sport="running",
        workout_name="6x800m",
        distance_m=10_702.0,
        duration_s=3185.0,
    )
    Conflict.objects.create(
        activity=activity,
        field_name="distance_m",
        source_values={"master_xlsx": 10_702.0, "fit_file": 10_700.0},
        resolved_value=10_702.0,
        resolved_source="master_xlsx",
        status=Conflict.Status.AUTO_RESOLVED,
    )
    Conflict.objects.create(
        activity=activity,
        field_name="duration_s",
        source_values={"fit_file": 3185.0, "master_xlsx": 3185.4},
        status=Conflict.Status.PENDING,
    )
    return activity


def _conflict_cells(client, activity: Activity) -> list[list[str]]:
    page = client.get(reverse("review:activity_detail", args=[activity.pk])).content.decode()
    table = page.split("<h2>Conflicts</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    text = lambda cell: " ".join(re.sub(r"<[^>]+>", " ", cell).split())  # noqa: E731
    return [[text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]


def test_values_that_differ_read_differently_and_the_chosen_one_with_them(admin_client, settings, near_twins):
    settings.RUNBASE_UNITS = "metric"
    rows = {cells[0]: cells[1:3] for cells in _conflict_cells(admin_client, near_twins)}
    # 10,702 m and 10,700 m: one more decimal than the usual two; 53:05.0 against 53:05.4, a tenth.
    assert rows["Distance"] == ["Training log: 10.702 km Watch file: 10.700 km", "10.702 km (Training log)"]
    assert rows["Moving time"] == ["Watch file: 53:05.0 Training log: 53:05.4", "—"]
