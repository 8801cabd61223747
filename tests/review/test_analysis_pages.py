"""The analysis pages (training, records, shoes, trends) and their downloads: figures worked out by hand
shown in metric and imperial units, the downloads equal to `export_analysis`, and a number of queries
that does not grow with the history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ActivityLoad, AthleteDay, HeartRateProfile, Shoe
from tests.activities.analysis.test_page_selectors import _effort
from tests.support.analysis_history import analysis_history

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 20)
PAGES = ["review:training", "review:records", "review:shoes", "review:trends"]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("review.views.analysis.home_today", lambda: TODAY)


def _run(day: dt.date, km: float, minutes: float, **values) -> Activity:
    return Activity.objects.create(
        date=day, sport="running", distance_m=km * 1000, duration_s=minutes * 60, **values
    )


def _page(client, name: str, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 302
    assert client.get(reverse("review:analysis_export", args=["weekly", "csv"])).status_code == 302


def test_every_page_renders_without_any_activity(admin_client):
    for name in PAGES:
        page = _page(admin_client, name)
        assert "Log out" in page


@pytest.fixture
def week(db):
    """Two runs in the ISO week of 4 March 2024 (15 km), 12 km in that week a year before, and a load
    of 100 on 5 March."""
    _run(dt.date(2023, 3, 8), 12, 60)
    tuesday = _run(dt.date(2024, 3, 5), 10, 50, avg_hr=150, workout_type="easy")
    _run(dt.date(2024, 3, 7), 5, 25)
    ActivityLoad.objects.create(activity=tuesday, load=100, method="trimp_stream", hr_rest=50, hr_max=190)
    return tuesday


def test_training_shows_a_week_beside_the_year_before_in_both_units(admin_client, settings, week):
    page = _page(admin_client, "review:training")
    assert "15.00 km" in page and "12.00 km" in page
    assert "Week of 4 Mar 2024 · 15.00 km · a year before 12.00 km" in page  # the bar's readout
    assert "Tue 5 Mar 2024 · 10.00 km" in page  # the heat-map's cell
    settings.RUNBASE_UNITS = "imperial"
    page = _page(admin_client, "review:training")
    # 15 km = 9.32 mi, 12 km = 7.46 mi, 10 km = 6.21 mi
    assert "Week of 4 Mar 2024 · 9.32 mi · a year before 7.46 mi" in page
    assert "Tue 5 Mar 2024 · 6.21 mi" in page


def test_training_load_day_by_day_with_its_method(admin_client, week):
    page = _page(admin_client, "review:training")
    # First day with load 100: CTL = 100 · 2/43 = 4.65, ATL = 100 · 2/8 = 25, TSB = −20.35
    assert "Tue 5 Mar 2024 · load 100 · CTL 4.7 · ATL 25.0 · TSB -20.3" in page
    assert "TRIMP, HR stream" in page
    assert 'class="band"' in page and 'class="rule warning"' in page  # the 0.8–1.3 band, the 1.5 line


def test_training_shows_runalyzes_figures_beside_runbases(admin_client, week):
    AthleteDay.objects.create(
        date=dt.date(2024, 3, 19), runalyze_fitness=41.0, runalyze_fatigue=55.0, runalyze_form=-14.0
    )
    page = _page(admin_client, "review:training")
    assert "Runalyze 41" in page and "Runalyze -14" in page
    assert "Runalyze 41/55/-14" in page  # in the readout of 19 March


def test_records_show_a_race_its_vdot_and_the_best_effort_in_both_units(admin_client, settings):
    race = _run(dt.date(2024, 3, 10), 5.02, 20, workout_type="race", workout_name="Parkrun")
    _effort(race, 5000, 1200)
    page = _page(admin_client, "review:records")
    assert "49.8" in page  # 5 km in 20:00 (README, Daniels' formula)
    assert "Parkrun" in page and "5 km" in page
    assert "20:00" in page and "4:00 /km" in page
    assert reverse("review:activity_detail", args=[race.pk]) in page
    settings.RUNBASE_UNITS = "imperial"
    page = _page(admin_client, "review:records")
    assert "6:26 /mi" in page  # 240 s/km × 1.609344 = 386 s


def test_records_show_runalyzes_effective_vo2max(admin_client):
    AthleteDay.objects.create(date=dt.date(2024, 3, 1), runalyze_vo2max=51.2)
    assert "51.2" in _page(admin_client, "review:records")


@pytest.fixture
def worn(db):
    shoe = Shoe.objects.create(name="Worn Pegasus", retire_at_m=500_000, distance_m=400_000)
    _run(dt.date(2024, 1, 1), 460, 2400, shoe=shoe, workout_name="A very long way")
    return shoe


def test_shoes_show_distance_wear_and_stravas_figure_in_both_units(admin_client, settings, worn):
    page = _page(admin_client, "review:shoes")
    assert "Worn Pegasus" in page and "near its end" in page
    assert "460.00 km" in page and "400.00 km" in page and 'aria-valuenow="92.0"' in page
    settings.RUNBASE_UNITS = "imperial"
    page = _page(admin_client, "review:shoes")
    assert "285.83 mi" in page and "248.55 mi" in page  # 460 km and 400 km


def test_a_shoe_page_lists_its_runs(admin_client, worn):
    page = _page(admin_client, "review:shoe_detail", worn.pk)
    assert "A very long way" in page and "1 run" in page
    assert admin_client.get(reverse("review:shoe_detail", args=[worn.pk + 100])).status_code == 404


def test_the_dashboard_card_names_the_shoe_near_its_end(admin_client, worn):
    page = _page(admin_client, "review:dashboard")
    assert "Worn Pegasus" in page and reverse("review:shoe_detail", args=[worn.pk]) in page
    for name in PAGES:
        assert reverse(name) in page


def test_trends_show_efficiency_and_pace_at_the_band_in_both_units(admin_client, settings, week):
    settings.RUNBASE_ANALYSIS = {"hr_max": 200}
    page = _page(admin_client, "review:trends")
    assert "March 2024 · 1.33 m per beat" in page  # 200 m/min at 150 bpm
    assert "5:00 /km" in page  # 10 km in 50:00 at 150 bpm, in the 140–150 band
    settings.RUNBASE_UNITS = "imperial"
    assert "8:03 /mi" in _page(admin_client, "review:trends")


def test_trends_show_weekly_zones_and_the_decoupling_of_long_runs(admin_client, settings, week):
    settings.RUNBASE_ANALYSIS = {"hr_max": 200}  # zones from 120, 140, 160 and 180 bpm
    long = _run(dt.date(2024, 3, 10), 21.1, 110, workout_name="Sunday long run")
    HeartRateProfile.objects.create(activity=long, zone_s=[600, 5400, 600, 0, 0], decoupling_pct=4.76)
    HeartRateProfile.objects.create(activity=week, zone_s=[1200, 1800, 0, 0, 0], decoupling_pct=1.0)  # 50 min
    page = _page(admin_client, "review:trends")
    # The week of 4 March holds both: 10 + 20 min in Z1, 1:30 + 30 min in Z2, 10 min in Z3.
    assert "Week of 4 Mar 2024 · Z1 30:00 · Z2 2:00:00 · Z3 10:00" in page
    assert "Z2 120–140 bpm" in page
    assert "Sun 10 Mar 2024 · 21.10 km in 1:50:00 · decoupling 4.8 %" in page
    assert "Sunday long run" in page and "1.0 %" not in page  # the 50-minute run is not long
    settings.RUNBASE_UNITS = "imperial"
    assert "Sun 10 Mar 2024 · 13.11 mi in 1:50:00" in _page(admin_client, "review:trends")


def test_a_download_is_what_export_analysis_writes_in_si_units(admin_client, settings, worn):
    settings.RUNBASE_UNITS = "imperial"
    for what in ("weekly", "shoes", "records", "load", "vdot", "trends", "decoupling", "zones"):
        for fmt in ("csv", "json"):
            response = admin_client.get(reverse("review:analysis_export", args=[what, fmt]))
            assert response.status_code == 200
            assert response["Content-Disposition"] == f'attachment; filename="runbase-{what}.{fmt}"'
            out = io.StringIO()
            call_command("export_analysis", "--what", what, "--format", fmt, stdout=out)
            assert response.content.decode() == out.getvalue()
    assert (
        "460000.0"
        in admin_client.get(reverse("review:analysis_export", args=["shoes", "csv"])).content.decode()
    )
    assert admin_client.get(reverse("review:analysis_export", args=["laps", "csv"])).status_code == 404
    assert admin_client.get(reverse("review:analysis_export", args=["weekly", "xml"])).status_code == 404


def _urls() -> list[str]:
    shoe = Shoe.objects.order_by("pk").first()
    return [reverse(name) for name in PAGES] + [reverse("review:shoe_detail", args=[shoe.pk])]


def test_the_number_of_queries_does_not_grow_with_the_history(admin_client, django_assert_max_num_queries):
    analysis_history(runs=30, end=TODAY)
    small = []
    for url in _urls():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        small.append(len(queries))
    for model in (Activity, Shoe, AthleteDay):
        model.objects.all().delete()
    analysis_history(runs=800, end=TODAY)  # 800 days: three calendar years instead of one
    for url, count in zip(_urls(), small, strict=True):
        with django_assert_max_num_queries(count):
            assert admin_client.get(url).status_code == 200, url
