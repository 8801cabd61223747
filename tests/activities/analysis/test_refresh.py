"""The stored analysis follows its activity: fresh figures cost one query and no decoding, changed
inputs recompute only the figure they feed, `refresh_analysis` recomputes everything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities.analysis.refresh import activity_analysis_refresh, analysis_refresh
from activities.models import ActivityLoad, BestEffort, Stream
from activities.streams import stream_encode


@pytest.mark.django_db
def test_an_unchanged_activity_costs_one_query(reconciled_activity, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = activity_analysis_refresh(activity=reconciled_activity)
    assert (result.best_efforts, result.loads) == (0, 0)


@pytest.mark.django_db
def test_a_changed_input_recomputes_its_figure_only(reconciled_activity):
    efforts = list(BestEffort.objects.filter(activity=reconciled_activity).values_list("pk", flat=True))
    load = ActivityLoad.objects.get(activity=reconciled_activity).load
    ActivityLoad.objects.filter(activity=reconciled_activity).update(inputs="old")
    result = activity_analysis_refresh(activity=reconciled_activity)
    assert (result.best_efforts, result.loads) == (0, 1)
    stored = ActivityLoad.objects.get(activity=reconciled_activity)
    assert (stored.load, stored.inputs != "old") == (load, True)
    assert (
        list(BestEffort.objects.filter(activity=reconciled_activity).values_list("pk", flat=True)) == efforts
    )


@pytest.mark.django_db
def test_refresh_analysis_applies_new_heart_rate_settings(reconciled_activity, settings):
    before = ActivityLoad.objects.get(activity=reconciled_activity)
    settings.RUNBASE_ANALYSIS = {"hr_max": 200, "hr_rest": 50}
    result = analysis_refresh()
    after = ActivityLoad.objects.get(activity=reconciled_activity)
    assert (result.activities, result.loads) == (1, 1)
    assert (after.hr_max, after.hr_rest, after.hr_max_estimated) == (200, 50, False)
    assert after.load < before.load  # a higher HRmax makes the same heart rates lighter


@pytest.mark.django_db
def test_the_most_trusted_live_stream_is_read(reconciled_activity):
    fit = reconciled_activity.sources.get(source="fit_file")
    strava = reconciled_activity.sources.get(source="strava")
    start = strava.start_time
    times = [start + dt.timedelta(seconds=i) for i in range(2001)]
    encoded = stream_encode(
        start_time=start, times=times, columns={"distance": [4.0 * i for i in range(2001)]}
    )
    strava_stream = Stream.objects.create(
        record=strava, start_time=start, sample_count=encoded.sample_count, data=encoded.data
    )
    result = activity_analysis_refresh(activity=reconciled_activity)
    assert result.best_efforts == 0  # longer, but Strava's: the FIT stream stays the one read
    fit.deleted_at = timezone.now()
    fit.save(update_fields=["deleted_at"])
    assert activity_analysis_refresh(activity=reconciled_activity).best_efforts == 1
    efforts = BestEffort.objects.filter(activity=reconciled_activity)
    assert {e.stream_id for e in efforts} == {strava_stream.pk}
    assert efforts.get(effort_m=1000).time_s == 250.0
