"""The activity page's and the admin's field table: a start is read at local time, as the heading says it."""

from __future__ import annotations

import pytest

from activities.selectors import activity_field_rows, activity_records
from tests.support.factories import activity_with_sources

pytestmark = pytest.mark.django_db


def test_the_start_row_reads_each_start_at_its_own_local_time():
    """16:30 UTC on 1 May 2024 with a +02:00 offset is 18:30 in the runner's day; a record stating
    +01:00 says 17:30, so a source that got the offset wrong shows as an hour apart, not as the same
    UTC moment."""
    activity = activity_with_sources()
    records = activity_records(activity=activity)
    strava = next(r for r in records if r.source == "strava")
    strava.utc_offset_s = 3600
    start = next(
        row for row in activity_field_rows(activity=activity, records=records) if row.name == "start_time"
    )
    assert start.value == "Wed 1 May 2024, 18:30 (UTC+02:00)"
    by_source = dict(zip((r.source for r in records), start.source_values, strict=True))
    assert by_source == {
        "fit_file": "Wed 1 May 2024, 18:30 (UTC+02:00)",
        "strava": "Wed 1 May 2024, 17:30 (UTC+01:00)",
    }
