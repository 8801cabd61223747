"""The activity page's data: an honest pace while distance or time is disputed, laps with their pace and
gain, reps placed on the stream, and the page itself with its charts, route and local start time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.formatting import format_pace
from activities.models import Activity, ActivitySource, Interval, Lap
from reconcile.models import Conflict
from review.activity_page import display_pace, lap_rows, rep_spans
from review.charts import Span
from tests.support.factories import fit_record, run_samples

T = dt.datetime(2025, 10, 10, 2, 40, tzinfo=dt.UTC)


def _disputed_run() -> tuple[Activity, list[ActivitySource]]:
    """The log says 10.0 km, the watch 10.5 km in 50:00, Strava 10.4 km in 49:50; the canonical distance
    came from the log and the time from the watch."""
    activity = Activity(
        date=T.date(),
        distance_m=10_000.0,
        duration_s=3000.0,
        avg_pace_s_per_km=300.0,
        provenance={"distance_m": "master_xlsx", "duration_s": "fit_file"},
    )
    records = [
        ActivitySource(source="fit_file", source_id="f" * 64, distance_m=10_500.0, duration_s=3000.0),
        ActivitySource(source="strava", source_id="42", distance_m=10_400.0, duration_s=2990.0),
        ActivitySource(source="master_xlsx", source_id="Log#3", distance_m=10_000.0, duration_s=None),
    ]
    return activity, records


def test_without_a_pending_conflict_the_canonical_pace_is_shown():
    activity, records = _disputed_run()
    pace = display_pace(activity=activity, records=records, disputed={"avg_hr"})
    assert (pace.seconds_per_km, pace.note) == (300.0, "")


def test_a_disputed_distance_shows_the_pace_of_the_record_that_gave_the_time():
    activity, records = _disputed_run()
    pace = display_pace(activity=activity, records=records, disputed={"distance_m"})
    # The watch's own 10.5 km in 50:00: 3000 / 10.5 = 285.7 s/km, not the log's 10.0 km with the watch's
    # time (5:00 /km).
    assert format_pace(pace.seconds_per_km, "metric") == "4:46 /km"
    assert "Watch file" in pace.note and "while the distance is disputed" in pace.note


def test_a_disputed_time_from_strava_shows_strava_s_own_pace():
    activity, records = _disputed_run()
    activity.provenance["duration_s"] = "strava"
    pace = display_pace(activity=activity, records=records, disputed={"duration_s", "distance_m"})
    # 2990 / 10.4 = 287.5 s/km.
    assert format_pace(pace.seconds_per_km, "metric") == "4:48 /km"
    assert "Strava" in pace.note and "distance and moving time are disputed" in pace.note


def test_no_record_with_both_distance_and_time_means_no_pace_while_disputed():
    activity, records = _disputed_run()
    for record in records:
        record.duration_s = None
    pace = display_pace(activity=activity, records=records, disputed={"distance_m"})
    assert pace.seconds_per_km is None and "disputed" in pace.note


def test_lap_rows_carry_pace_and_gain_from_the_source_or_the_stream():
    # 0–300 s climbs evenly from 100 m to 110 m, then it is flat; lap 3 brings the watch's own ascent.
    columns = {
        "start": T,
        "time": [float(t) for t in range(601)],
        "altitude": [100 + min(t, 300) / 30 for t in range(601)],
    }
    laps = [
        Lap(index=0, start_time=T, duration_s=300.0, distance_m=1000.0, avg_hr=150.0),
        Lap(index=1, start_time=T + dt.timedelta(seconds=300), duration_s=300.0, distance_m=1200.0),
        Lap(index=2, start_time=None, duration_s=60.0, distance_m=None, total_ascent_m=7.0),
    ]
    first, second, third = lap_rows(laps=laps, columns=columns)
    assert (first.number, first.pace_s_per_km, first.span) == (1, 300.0, Span(0.0, 300.0, "lap", 0))
    assert first.gain_m == pytest.approx(10.0)
    assert second.pace_s_per_km == 250.0 and second.gain_m == 0.0
    # A lap without a start time follows the one before it.
    assert third.span == Span(600.0, 660.0, "lap", 2) and third.gain_m == 7.0 and third.pace_s_per_km is None


def test_reps_are_placed_in_stream_seconds():
    # The stream starts 20 s after the activity; a rep 600 s into the activity lasting 180 s.
    activity = Activity(start_time=T)
    columns = {"start": T + dt.timedelta(seconds=20), "time": [0.0, 1.0]}
    rep = Interval(pk=9, rep_number=1, start_offset_s=600.0, duration_s=180.0)
    recovery = Interval(pk=10, rep_number=1, is_recovery=True, start_offset_s=780.0, duration_s=90.0)
    spans = rep_spans(intervals=[rep, recovery], activity=activity, columns=columns)
    assert spans == {9: Span(580.0, 760.0, "rep", 9)}


@pytest.mark.django_db
def test_the_page_shows_local_time_charts_route_laps_and_the_honest_pace(admin_client, review_data):
    response = admin_client.get(reverse("review:activity_detail", args=[review_data.pk]))
    page = response.content.decode()
    # 16:30 UTC at UTC+02:00, with UTC on hover.
    assert 'title="2024-05-01 16:30:00 UTC">Wed 1 May 2024, 18:30 (UTC+02:00)</time>' in page
    assert [c.title for c in response.context["charts"].charts] == [
        "Pace (min/km)",
        "Heart rate (bpm)",
        "Elevation (m)",
        "Cadence (spm)",
    ]
    assert page.count('data-chart-group="activity"') == 4 and page.count('class="chart-readout"') == 4
    assert response.context["chart_record"].source == "fit_file"
    route = response.context["route"]
    assert len(route["route"]) <= 1000 and len(route["cursor"]) == len(response.context["charts"].samples)
    assert len(route["laps"]) == 6 and 'id="route-data"' in page
    assert page.count("<tr data-lap=") == 6
    # The distance is disputed (a pending conflict): the pace says where it comes from.
    assert "while the distance is disputed" in page
    # Source columns are named as a runner knows them, never by a hash.
    assert "Watch file · 6x800m.fit" in page and "a" * 20 not in page


@pytest.mark.django_db
def test_the_time_axis_is_one_click_away(admin_client, review_data):
    url = reverse("review:activity_detail", args=[review_data.pk])
    response = admin_client.get(url, {"x": "time"})
    assert response.context["charts"].x_axis == "time"
    assert response.context["charts"].x_ticks[1].label == "5:00"
    assert '<a href="?x=distance#charts">Distance</a>' in response.content.decode()


@pytest.mark.django_db
def test_a_run_without_gps_has_charts_but_no_map(admin_client):
    samples = run_samples(seconds=600)
    samples.lat = [None] * len(samples.lat)
    samples.lon = [None] * len(samples.lon)
    record = fit_record(samples=samples, name="treadmill")
    activity = Activity.objects.create(
        date=dt.date(2024, 5, 1), start_time=record.start_time, sport="running"
    )
    ActivitySource.objects.filter(pk=record.pk).update(activity=activity)
    response = admin_client.get(reverse("review:activity_detail", args=[activity.pk]))
    page = response.content.decode()
    assert response.context["route"] is None and response.context["charts"] is not None
    assert "route-map" not in page and "leaflet" not in page


@pytest.mark.django_db
def test_a_log_only_run_has_neither_charts_nor_map_but_says_its_date(admin_client):
    activity = Activity.objects.create(date=dt.date(2024, 5, 1), sport="running", distance_m=8000.0)
    Conflict.objects.create(activity=activity, field_name="distance_m", source_values={"master_xlsx": 8000})
    page = admin_client.get(reverse("review:activity_detail", args=[activity.pk])).content.decode()
    assert "Wed 1 May 2024" in page and "(no start time)" in page
    assert "chart-readout" not in page and "route-map" not in page


def test_provenance_reads_as_words():
    from review.templatetags.activity_tags import provenance

    assert provenance("fit_file") == "Watch file"
    assert provenance("strava+master_xlsx") == "Strava + Training log"
    assert provenance("derived") == "worked out from distance and time"
    assert provenance("manual_override") == "your correction"
    assert provenance("") == "—" and provenance(None) == "—"


def test_the_field_table_shows_the_same_single_source_pace_while_disputed():
    from activities.selectors import FieldRow
    from review.activity_page import rows_with_display_pace

    activity, records = _disputed_run()
    pace = display_pace(activity=activity, records=records, disputed={"distance_m"})
    rows = [
        FieldRow("distance_m", "Distance", "10.00 km", "master_xlsx", False),
        FieldRow("avg_pace_s_per_km", "Pace", "5:00 /km", "derived", False),
    ]
    distance, pace_row = rows_with_display_pace(rows, pace)
    # Not the canonical 5:00 /km (the log's 10.0 km over the watch's 50:00): the watch's own 4:46 /km.
    assert (pace_row.value, pace_row.source) == ("4:46 /km", "fit_file")
    assert (distance.value, distance.source) == ("10.00 km", "master_xlsx")
    # Nothing pending: the canonical row stays as it is.
    calm = display_pace(activity=activity, records=records, disputed=set())
    canonical = FieldRow("avg_pace_s_per_km", "Pace", "5:00 /km", "derived", False)
    assert rows_with_display_pace([canonical], calm)[0].value == "5:00 /km"


def test_a_deleted_record_never_gives_the_pace():
    activity, records = _disputed_run()
    records[0].deleted_at = T  # the watch file was deleted at its source: Strava's own pace instead
    pace = display_pace(activity=activity, records=records, disputed={"distance_m"})
    assert format_pace(pace.seconds_per_km, "metric") == "4:48 /km" and pace.source == "strava"
