"""The multi-source history (HealthFit + Garmin export + training log + Strava export) of a runner at home in
California, with a fortnight in Berlin, matches every record to its run.

The pipeline runs as the runner's machine would: `TZ=America/Los_Angeles` and no `RUNBASE_HOME_TZ`, so the
home zone is the machine's. The suite pins `RUNBASE_HOME_TZ=UTC` for itself, so the history runs in a
subprocess with its own environment (and its own throwaway database); it prints its figures (`pytest -s`)
and ends with them as JSON, which this test checks against the generator's plan.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.benchmarks.multisource import AWAY, HOME, MILE, history_plan

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAYS = 90

pytestmark = pytest.mark.slow


def _history(*args: str) -> dict:
    env = {name: value for name, value in os.environ.items() if name != "RUNBASE_HOME_TZ"}
    env["TZ"] = "America/Los_Angeles"
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.multisource", "--json", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, not a measurement
    )
    assert done.returncode == 0, done.stderr[-3000:]
    *lines, last = done.stdout.strip().splitlines()
    print("\n".join(lines))
    return json.loads(last)


@pytest.fixture(scope="module")
def figures() -> dict:
    """The watch's files and the log first, the Strava export added later."""
    return _history("--days", str(DAYS))


def test_the_plan_holds_the_cases_that_break_local_dates():
    runs = history_plan(days=DAYS)
    home = ZoneInfo(HOME)
    berlin_mornings = [r for r in runs if r.zone == AWAY and r.start.astimezone(home).date() < r.day]
    assert {r.kind for r in berlin_mornings} == {"watch", "watch_gpx", "phone"}
    california_evenings = [r for r in runs if r.zone == HOME and r.start.date() > r.day]  # next day in UTC
    assert {r.kind for r in california_evenings} == {"watch", "watch_gpx", "phone", "manual"}
    doubles = {day for day, n in Counter(r.day for r in runs).items() if n == 2}
    assert len(doubles) >= 8 and [r for r in runs if r.zone == AWAY and r.day in doubles]
    typos = [r for r in runs if r.log_miles and abs(r.log_miles * MILE / r.distance_m - 1) > 0.25]
    assert len(typos) == 2
    assert sum(r.log_miles is None for r in runs) == 1  # a run not logged


def test_the_machines_zone_is_the_home_zone(figures):
    assert figures["home_tz"] == HOME
    assert figures["runs"] == len(history_plan(days=DAYS))


def test_every_record_joins_its_own_run(figures):
    assert figures["unknown"] == []
    assert figures["precision"] == 1.0
    assert figures["recall"] >= 0.99
    assert (figures["split"], figures["merged"]) == ([], [])


def test_each_activity_holds_the_records_its_run_has_and_sits_on_its_local_date(figures):
    assert figures["records_per_activity"] == figures["expected_per_activity"]
    assert figures["activities"] == figures["runs"]
    assert (figures["wrong_count"], figures["wrong_date"]) == ([], [])


def test_with_the_strava_export_first_only_runs_it_alone_could_not_date_keep_their_log_row_apart():
    days = 60
    figures = _history("--days", str(days), "--order", "strava-first")

    assert figures["precision"] == 1.0 and figures["merged"] == []
    assert figures["recall"] >= 0.98
    runs = history_plan(days=days)
    # A Berlin run whose Strava upload is a GPX is dated by the home zone (the evening before) until the
    # watch's files come; its log row, placed meanwhile, stays apart: existing activities are not merged.
    assert {(runs[n].zone, runs[n].kind) for n in figures["split"]} <= {(AWAY, "watch_gpx")}
