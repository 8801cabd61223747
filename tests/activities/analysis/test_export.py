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
from activities.models import Activity, Shoe


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


@pytest.mark.parametrize("what", ["weekly", "monthly", "shoes", "records", "load", "vdot"])
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
