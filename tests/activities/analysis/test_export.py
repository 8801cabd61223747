"""`export_analysis`: every figure as JSON objects with the documented keys, CSV with the same columns and
formula-leading text escaped, SI units throughout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from activities.analysis.export import KEYS
from activities.models import Activity, HeartRateProfile, Shoe


def _export(*args: str) -> list:
    out = io.StringIO()
    call_command("export_analysis", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def history(db, monkeypatch):
    monkeypatch.setattr("activities.analysis.export.home_today", lambda: dt.date(2024, 5, 8))
    shoe = Shoe.objects.create(name="=HYPERLINK(1)")
    Activity.objects.create(
        date=dt.date(2024, 5, 4), sport="running", distance_m=5000, duration_s=1200,
        workout_type="race", total_ascent_m=20, shoe=shoe, avg_hr=170, max_hr=185,
    )  # fmt: skip
    Activity.objects.create(date=dt.date(2024, 5, 6), sport="running", distance_m=8000, duration_s=2400)
    out = io.StringIO()
    call_command("refresh_analysis", stdout=out)  # what reconcile does per activity
    summary = "activities=2 best_efforts_changed=0 loads_changed=1 heart_rates_changed=0"
    assert out.getvalue().strip() == summary
    return shoe


@pytest.mark.parametrize(
    "what", ["weekly", "monthly", "shoes", "records", "load", "vdot", "trends", "decoupling", "zones"]
)
def test_json_objects_carry_the_documented_keys(history, what):
    rows = json.loads(_export("--what", what))
    assert all(list(row) == list(KEYS[what]) for row in rows)
    required = {
        "weekly": {"period_start", "sport", "distance_m", "moving_time_s", "elevation_gain_m", "runs"},
        "monthly": {"period_start", "sport", "distance_m", "moving_time_s", "elevation_gain_m", "runs"},
        "shoes": {"shoe", "distance_m", "runs", "first_used", "last_used", "threshold_m"},
        "records": {"effort", "effort_m", "time_s", "date", "activity_id"},
        "load": {"date", "load", "ctl", "atl", "tsb", "acwr"},
        "vdot": {"date", "vdot", "activity_id"},
        "trends": {"month", "easy_efficiency_m_per_beat", "pace_at_hr_s_per_km"},
        "decoupling": {"date", "activity_id", "decoupling_pct"},
        "zones": {"week_start", "zone", "seconds"},
    }[what]
    assert required <= set(KEYS[what])


def test_figures_are_in_si_units(history):
    week = json.loads(_export("--what", "weekly"))[0]
    assert week == {
        "period_start": "2024-04-29", "sport": "running", "distance_m": 5000.0, "moving_time_s": 1200.0,
        "elevation_gain_m": 20.0, "runs": 1, "longest_m": 5000.0,
        "longest_activity_id": Activity.objects.get(date=dt.date(2024, 5, 4)).pk,
        "last_year_distance_m": 0.0, "last_year_moving_time_s": 0.0, "last_year_runs": 0,
    }  # fmt: skip
    (vdot,) = json.loads(_export("--what", "vdot"))
    assert (vdot["date"], vdot["vdot"], vdot["current_vdot"]) == ("2024-05-04", 49.81, 49.81)
    load = json.loads(_export("--what", "load", "--since", "2024-05-06"))
    assert [d["date"] for d in load] == ["2024-05-06", "2024-05-07", "2024-05-08"]
    assert load[0]["load"] == 0 and load[0]["ctl"] > 0  # the race two days before still counts
    assert json.loads(_export("--what", "monthly", "--sport", "cycling")) == []


def test_csv_has_the_same_columns_and_escapes_formula_text(history):
    rows = list(csv.reader(io.StringIO(_export("--what", "shoes", "--format", "csv"))))
    assert rows[0] == list(KEYS["shoes"])
    assert rows[1][:3] == ["'=HYPERLINK(1)", "5000.0", "1"]


def test_a_bad_date_is_a_command_error(db):
    with pytest.raises(CommandError, match="not a date"):
        _export("--what", "weekly", "--since", "May")


def test_it_writes_to_a_file(history, tmp_path):
    out = io.StringIO()
    call_command("export_analysis", "--what", "monthly", "-o", str(tmp_path / "m.json"), stdout=out)
    assert out.getvalue().strip() == f"exported=1 to {tmp_path / 'm.json'}"
    assert json.loads((tmp_path / "m.json").read_text())[0]["distance_m"] == 13000.0


@pytest.mark.django_db
def test_trends_decoupling_and_zones_exports(monkeypatch, settings):
    monkeypatch.setattr("activities.analysis.export.home_today", lambda: dt.date(2024, 3, 20))
    settings.RUNBASE_ANALYSIS = {"hr_max": 200}  # easy up to 160 bpm; zones from 120, 140, 160, 180
    Activity.objects.create(
        date=dt.date(2024, 3, 5), sport="running", distance_m=10_000, duration_s=3000, avg_hr=150
    )
    long = Activity.objects.create(
        date=dt.date(2024, 3, 10), sport="running", distance_m=21_100, duration_s=6600, avg_hr=155
    )
    HeartRateProfile.objects.create(activity=long, zone_s=[600, 5400, 600, 0, 0], decoupling_pct=4.76)
    # Efficiency: 10 km in 50 min at 150 = 1.3333 m/beat; 21.1 km in 110 min at 155 = 1.2375; median 1.2854.
    # Pace at 140-150 bpm: only the 10 km, 300 s/km.
    assert json.loads(_export("--what", "trends")) == [
        {
            "month": "2024-03-01",
            "easy_efficiency_m_per_beat": 1.2854,
            "easy_runs": 2,
            "pace_at_hr_s_per_km": 300.0,
            "pace_at_hr_runs": 1,
        }
    ]
    assert json.loads(_export("--what", "decoupling")) == [
        {
            "date": "2024-03-10",
            "activity_id": long.pk,
            "distance_m": 21100.0,
            "moving_time_s": 6600.0,
            "decoupling_pct": 4.76,
        }
    ]
    zones = json.loads(_export("--what", "zones"))
    assert [z["week_start"] for z in zones[::5]] == ["2024-03-04", "2024-03-11", "2024-03-18"]
    assert zones[:5] == [
        {"week_start": "2024-03-04", "zone": 1, "low_bpm": None, "high_bpm": 120.0, "seconds": 600.0},
        {"week_start": "2024-03-04", "zone": 2, "low_bpm": 120.0, "high_bpm": 140.0, "seconds": 5400.0},
        {"week_start": "2024-03-04", "zone": 3, "low_bpm": 140.0, "high_bpm": 160.0, "seconds": 600.0},
        {"week_start": "2024-03-04", "zone": 4, "low_bpm": 160.0, "high_bpm": 180.0, "seconds": 0.0},
        {"week_start": "2024-03-04", "zone": 5, "low_bpm": 180.0, "high_bpm": None, "seconds": 0.0},
    ]
