"""The stored analysis follows its activity: fresh figures cost three queries and no decoding, changed
inputs recompute only the figure they feed, `refresh_analysis` recomputes everything."""

from __future__ import annotations

import pytest

from activities.analysis.refresh import activity_analysis_refresh, analysis_refresh
from activities.models import ActivityLoad, BestEffort


@pytest.mark.django_db
def test_an_unchanged_activity_costs_three_queries(reconciled_activity, django_assert_num_queries):
    with django_assert_num_queries(3):
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
