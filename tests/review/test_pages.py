import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity
from activities.selectors import activity_best_stream
from reconcile.models import Conflict, ManualOverride
from review.charts import activity_charts
from tests.support.factories import activity_with_sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(review_data):
    return review_data


def _pages(activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    return [
        reverse("review:dashboard"),
        reverse("review:conflict_list"),
        reverse("review:conflict_detail", args=[conflict.pk]),
        reverse("review:activity_list"),
        reverse("review:activity_detail", args=[activity.pk]),
    ]


def test_anonymous_visitors_are_sent_to_runbases_login_page(client, activity):
    for url in _pages(activity):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("review:login") + "?next=")


def test_every_page_renders_for_a_logged_in_runner(admin_client, activity):
    for url in _pages(activity):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "Log out" in response.content.decode()


def test_dashboard_shows_totals_conflicts_syncs_failures_and_training_load(admin_client, activity):
    context = admin_client.get(reverse("review:dashboard")).context
    assert context["activity_count"] == 1
    assert {row["source"]: row["n"] for row in context["by_source"]} == {
        "fit_file": 1,
        "runalyze": 1,
        "strava": 1,
    }
    assert context["pending_conflicts"] == 1
    assert context["auto_resolved_unapproved"] == 1
    assert context["failed_files"] == 1
    assert context["shoes_needing_review"] == 2
    page = admin_client.get(reverse("review:dashboard")).content.decode()
    assert "bad.fit: truncated" in page
    assert "48 / 61 / -13" in page
    assert "6x800m" in page


def test_conflict_list_filters_by_field_and_new_values(admin_client, activity):
    url = reverse("review:conflict_list")
    assert [c.field_name for c in admin_client.get(url).context["page"]] == ["distance_m"]
    assert len(admin_client.get(url, {"field_name": "avg_hr"}).context["page"]) == 0
    assert len(admin_client.get(url, {"has_new_values": "true"}).context["page"]) == 0
    Conflict.objects.filter(field_name="avg_hr").update(has_new_values=True)
    assert [c.field_name for c in admin_client.get(url, {"has_new_values": "true"}).context["page"]] == [
        "avg_hr"
    ]


def test_conflict_detail_offers_every_source_value_and_the_average(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    response = admin_client.get(reverse("review:conflict_detail", args=[conflict.pk]))
    choices = response.context["choices"]
    assert [c.source for c in choices] == ["master_xlsx", "fit_file", "strava"]  # distance priority
    assert choices[0].preferred and choices[0].label == "4.80 km"
    assert response.context["average"] == pytest.approx(
        (4800 + 6100 + conflict.source_values["fit_file"]) / 3
    )


def test_conflict_detail_checks_the_value_the_activity_shows_over_a_log_typo(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")  # the activity shows fit_file's distance
    response = admin_client.get(reverse("review:conflict_detail", args=[conflict.pk]))
    choices = {c.source: c for c in response.context["choices"]}
    assert choices["master_xlsx"].preferred and not choices["master_xlsx"].checked
    assert choices["fit_file"].shown and choices["fit_file"].checked
    page = response.content.decode()
    assert 'value="source:fit_file" checked' in page and "shown on the run now" in page


def test_resolve_refuses_get_and_changes_nothing(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    response = admin_client.get(reverse("review:conflict_resolve", args=[conflict.pk]))
    assert response.status_code == 405
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.PENDING and conflict.resolved_value is None


def test_resolve_without_a_choice_shows_the_error(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    response = admin_client.post(reverse("review:conflict_resolve", args=[conflict.pk]), {"choice": "custom"})
    assert response.status_code == 200
    assert "Pick a source value, the average or enter a value." in response.content.decode()


def test_activity_list_searches_and_filters(admin_client, activity):
    url = reverse("review:activity_list")
    assert admin_client.get(url, {"q": "800"}).context["page"].paginator.count == 1
    assert admin_client.get(url, {"q": "987654"}).context["page"].paginator.count == 1
    assert admin_client.get(url, {"sport": "cycling"}).context["page"].paginator.count == 0
    assert admin_client.get(url, {"workout_type": "intervals"}).context["page"].paginator.count == 1
    assert admin_client.get(url, {"date_from": "2024-05-02"}).context["page"].paginator.count == 0
    assert admin_client.get(url, {"date_to": "2024-05-01"}).context["page"].paginator.count == 1
    assert (
        admin_client.get(url, {"needs_review": "on"}).context["page"].paginator.count == 1
    )  # pending conflict


def test_activity_detail_shows_sources_side_by_side_with_provenance_and_charts(admin_client, activity):
    response = admin_client.get(reverse("review:activity_detail", args=[activity.pk]))
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["distance_m"].source == "fit_file"
    assert rows["distance_m"].source_values == ["5.96 km", "6.10 km"]  # fit_file, strava
    assert rows["notes"].source == "strava"
    assert [c.key for c in response.context["charts"].charts] == ["pace", "hr", "elevation", "cadence"]
    page = response.content.decode()
    assert page.count('<svg class="chart-svg') == 4
    assert "Matched to laps" in page and "felt strong" in page


def test_chart_is_drawn_from_the_fit_stream_over_distance():
    activity = activity_with_sources()
    record, columns = activity_best_stream(activity=activity)
    assert record.source == "fit_file"
    charts = activity_charts(columns, units="metric")
    pace = charts.charts[0].svg
    assert pace.startswith('<svg class="chart-svg pace"') and "<polyline" in pace
    points = pace.split('points="')[1].split('"')[0].split()
    assert len(points) <= 602  # 1800 samples thinned to each bucket's extremes
    assert charts.x_ticks[-1].label == "5 km"  # the run is 5.96 km: the last whole-km tick is 5


def _resolve(admin_client, conflict, **data):
    return admin_client.post(reverse("review:conflict_resolve", args=[conflict.pk]), data, follow=True)


def test_resolving_with_a_source_value_overrides_the_field_and_redirects(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    response = _resolve(admin_client, conflict, choice="source:strava")
    assert response.redirect_chain == [(reverse("review:conflict_list"), 302)]
    assert "Distance of" in response.content.decode() and "set to 6.10 km." in response.content.decode()
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_source, conflict.resolved_by.username) == (
        Conflict.Status.MANUAL_RESOLVED,
        "strava",
        "admin",
    )
    activity.refresh_from_db()
    assert activity.distance_m == 6100.0
    assert ManualOverride.objects.get(activity=activity, field_name="distance_m").value == 6100.0


def test_resolving_with_the_average_or_my_own_value(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    expected = sum(conflict.source_values.values()) / 3
    _resolve(admin_client, conflict, choice="average")
    assert ManualOverride.objects.get().value == pytest.approx(expected)
    _resolve(admin_client, conflict, choice="custom", custom_value="6000 m")
    activity.refresh_from_db()
    assert activity.distance_m == 6000.0


def test_a_custom_duration_may_be_typed_as_minutes_and_seconds(admin_client, activity):
    conflict = Conflict.objects.create(
        activity=activity, field_name="duration_s", source_values={"fit_file": 1800.0, "strava": 1700.0}
    )
    _resolve(admin_client, conflict, choice="custom", custom_value="29:30")
    assert ManualOverride.objects.get(field_name="duration_s").value == 1770.0


def test_a_custom_value_that_is_not_a_number_is_refused(admin_client, activity):
    conflict = Conflict.objects.get(field_name="distance_m")
    response = _resolve(admin_client, conflict, choice="custom", custom_value="six km")
    assert "Not a distance: &#x27;six km&#x27; — try 10 km or 6.2 mi" in response.content.decode()
    assert not ManualOverride.objects.exists()


def test_approve_all_shows_what_it_approves_and_approves_those_once_confirmed(admin_client, activity):
    hr = Conflict.objects.get(field_name="avg_hr")
    confirmation = admin_client.get(reverse("review:conflicts_approve_all"))
    assert [row.field for row in confirmation.context["rows"]] == ["Avg HR"]
    assert f'name="conflict" value="{hr.pk}"' in confirmation.content.decode()
    hr.refresh_from_db()
    assert hr.approved_at is None  # nothing approved by looking
    response = admin_client.post(reverse("review:conflicts_approve_all"), {"conflict": [hr.pk]}, follow=True)
    assert "Approved 1 auto-resolved conflict(s)." in response.content.decode()
    hr.refresh_from_db()
    assert hr.approved_at is not None


def test_dashboard_totals_count_the_last_7_days_and_this_month_in_local_dates(activity):
    from review.selectors import dashboard_summary

    thursday = dashboard_summary(today=dt.date(2024, 5, 2))
    assert thursday["week"].totals.distance_m == pytest.approx(activity.distance_m)
    assert thursday["month"].totals.distance_m == pytest.approx(activity.distance_m)
    a_week_later = dashboard_summary(today=dt.date(2024, 5, 8))
    assert a_week_later["week"].totals.runs == 0
    assert a_week_later["month"].totals.distance_m == pytest.approx(activity.distance_m)
    assert dashboard_summary(today=dt.date(2024, 6, 1))["month"].totals.runs == 0


def test_marking_a_flagged_activity_as_reviewed_clears_the_flag(admin_client, activity):
    Activity.objects.filter(pk=activity.pk).update(needs_review=True, review_reason="two candidates")
    url = reverse("review:activity_reviewed", args=[activity.pk])
    assert admin_client.get(url).status_code == 405
    page = admin_client.get(reverse("review:activity_detail", args=[activity.pk])).content.decode()
    assert "Mark as reviewed" in page and "two candidates" in page
    response = admin_client.post(url, follow=True)
    assert "marked as reviewed." in response.content.decode()
    activity.refresh_from_db()
    assert not activity.needs_review and activity.review_reason == "" and activity.approved_at is not None
