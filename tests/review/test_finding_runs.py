"""Finding runs: the dashboard's running totals, the activity list's sort, filters and totals, the
month calendar."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, RunnerProfile
from review.month_calendar import calendar_month, month_parse
from review.selectors import dashboard_summary

pytestmark = pytest.mark.django_db


def _activity(day: dt.date, km: float, *, sport="running", minutes=None, hr=None, ascent=None, name=""):
    seconds = (minutes if minutes is not None else km * 5) * 60
    return Activity.objects.create(
        date=day,
        start_time=dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC),
        sport=sport,
        distance_m=km * 1000,
        duration_s=seconds,
        avg_pace_s_per_km=seconds / km,
        avg_hr=hr,
        total_ascent_m=ascent,
        workout_name=name,
    )


@pytest.fixture
def history():
    """October 2025: runs on the 1st, 6th, 8th (a trail run) and 9th, a ride on the 9th."""
    return {
        "first": _activity(dt.date(2025, 10, 1), 5, minutes=22, hr=150, ascent=40, name="Tempo"),
        "monday": _activity(dt.date(2025, 10, 6), 12, hr=140, name="Long"),
        "trail": _activity(dt.date(2025, 10, 8), 8, sport="trail_running", minutes=50, hr=145, name="Hills"),
        "thursday": _activity(dt.date(2025, 10, 9), 6, minutes=27, hr=160, name="Intervals"),
        "ride": _activity(dt.date(2025, 10, 9), 40, sport="cycling", minutes=90, name="Commute"),
    }


def test_the_dashboard_adds_up_running_only_over_the_last_7_days_and_the_month(history):
    summary = dashboard_summary(today=dt.date(2025, 10, 10))
    week, month = summary["week"].totals, summary["month"].totals
    assert (week.runs, week.distance_m) == (3, 26_000)  # the 4th..10th: the ride is not running
    assert (month.runs, month.distance_m) == (4, 31_000)
    assert summary["last_week"] is None


def test_with_no_run_in_the_last_7_days_the_dashboard_names_the_last_week_with_runs(history):
    summary = dashboard_summary(today=dt.date(2025, 11, 3))
    assert summary["week"].totals.runs == 0
    last = summary["last_week"]
    assert (last.first, last.last) == (dt.date(2025, 10, 6), dt.date(2025, 10, 12))  # Monday to Sunday
    assert (last.totals.runs, last.totals.distance_m) == (3, 26_000)
    assert last.label == "6–12 Oct 2025"


def test_the_dashboard_page_shows_the_totals_in_the_runners_units(admin_client, admin_user, history):
    RunnerProfile.objects.create(user=admin_user, units="imperial")
    page = admin_client.get(reverse("review:dashboard")).content.decode()
    assert "Last 7 days" in page and " mi</div>" in page and " km</div>" not in page


def _names(client, **query):
    response = client.get(reverse("review:activity_list"), query)
    return [a.workout_name for a in response.context["rows"]], response


def test_the_list_shows_running_by_default_and_every_sport_on_request(admin_client, history):
    names, response = _names(admin_client)
    assert names == ["Intervals", "Hills", "Long", "Tempo"]
    assert response.context["sport"] == "run"
    assert 'value="run" selected' in response.content.decode()
    assert _names(admin_client, sport="running")[0] == ["Intervals", "Long", "Tempo"]  # road running only
    assert _names(admin_client, sport="all")[0] == ["Commute", "Intervals", "Hills", "Long", "Tempo"]
    assert _names(admin_client, sport="cycling")[0] == ["Commute"]


def test_the_list_sorts_by_each_column_both_ways(admin_client, history):
    assert _names(admin_client, sort="-distance")[0] == ["Long", "Hills", "Intervals", "Tempo"]
    assert _names(admin_client, sort="distance")[0] == ["Tempo", "Intervals", "Hills", "Long"]
    assert _names(admin_client, sort="pace")[0] == ["Tempo", "Intervals", "Long", "Hills"]
    assert _names(admin_client, sort="-hr")[0] == ["Intervals", "Tempo", "Hills", "Long"]
    assert _names(admin_client, sort="-time")[0] == ["Long", "Hills", "Intervals", "Tempo"]
    assert _names(admin_client, sort="date")[0] == ["Tempo", "Long", "Hills", "Intervals"]
    assert _names(admin_client, sort="nonsense")[0] == ["Intervals", "Hills", "Long", "Tempo"]


def test_the_totals_cover_the_whole_filtered_set_not_the_page(admin_client, history):
    _, response = _names(admin_client, date_from="2025-10-05")
    totals = response.context["totals"]
    assert (totals.runs, totals.distance_m, totals.duration_s) == (3, 26_000, (60 + 50 + 27) * 60)
    page = response.content.decode()
    assert "3 activities" in page and "26.00 km" in page and "2:17:00" in page


def test_sort_links_and_the_pager_keep_the_filters(admin_client, history, monkeypatch):
    monkeypatch.setattr("review.views.activities.PAGE_SIZE", 2)
    _, response = _names(admin_client, sport="all", sort="-distance")
    page = response.content.decode()
    assert 'href="?sport=all&amp;sort=-distance&amp;page=2"' in page
    assert 'href="?sport=all&amp;sort=distance"' in page  # a second click on Distance reverses it
    second, _ = _names(admin_client, sport="all", sort="-distance", page=2)
    assert second == ["Hills", "Intervals"]


def test_the_calendar_puts_each_run_on_its_day_with_week_totals_of_running():
    ride = _activity(dt.date(2025, 10, 9), 40, sport="cycling")
    run = _activity(dt.date(2025, 10, 9), 6)
    early = _activity(dt.date(2025, 9, 30), 10)  # in the grid's first week, not in the month
    month = calendar_month(month=dt.date(2025, 10, 1), today=dt.date(2025, 10, 9))
    assert month.weeks[0].days[0].date == dt.date(2025, 9, 29)  # weeks start on Monday
    assert month.weeks[-1].days[-1].date == dt.date(2025, 11, 2)
    thursday = month.weeks[1].days[3]
    assert thursday.today and [a.pk for a in thursday.activities] == [ride.pk, run.pk]
    assert month.weeks[1].running.distance_m == 6000  # the ride is shown, not added
    assert [a.pk for a in month.weeks[0].days[1].activities] == [early.pk]
    assert month.weeks[0].running.distance_m == 10_000
    assert month.running.distance_m == 6000  # the month counts its own days only
    assert (month.previous, month.next) == (dt.date(2025, 9, 1), dt.date(2025, 11, 1))


def test_the_calendar_page_reads_its_month_from_the_query_and_falls_back_to_this_month(admin_client):
    assert month_parse("2025-10", today=dt.date(2026, 1, 5)) == dt.date(2025, 10, 1)
    assert month_parse("October", today=dt.date(2026, 1, 5)) == dt.date(2026, 1, 1)
    _activity(dt.date(2025, 10, 9), 6)
    page = admin_client.get(reverse("review:calendar"), {"month": "2025-10"}).content.decode()
    assert "October 2025" in page and "6.00 km" in page and "?month=2025-11" in page
    assert (
        "/activities/?date_from=2025-10-06&amp;date_to=2025-10-12" in page
    )  # the week's total links its runs


def test_a_row_shows_its_local_start_and_keeps_the_offset_for_the_hover(admin_client):
    run = _activity(dt.date(2025, 10, 9), 6, name="Evening")
    Activity.objects.filter(pk=run.pk).update(
        start_time=dt.datetime(2025, 10, 10, 2, 40, tzinfo=dt.UTC), utc_offset_s=-7 * 3600
    )
    page = admin_client.get(reverse("review:activity_list")).content.decode()
    assert (
        'title="Thu 9 Oct 2025, 19:40 (UTC−07:00) · 2025-10-10 02:40:00 UTC">Thu 9 Oct 2025, 19:40</a>'
        in page
    )


def test_an_empty_result_says_how_to_widen_it(admin_client):
    _activity(dt.date(2025, 10, 9), 40, sport="cycling", name="Commute")
    page = admin_client.get(reverse("review:activity_list"), {"q": "Commute"}).content.decode()
    assert 'Nothing matches these filters among the runs — "All sports" adds rides' in page
