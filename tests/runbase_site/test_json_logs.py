"""RUNBASE_LOG_FORMAT=json: one JSON object per line, and every route's run logged with the same event
names and fields (a real `manage.py` process writing its own log file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from activities.demo.load import DEMO_DIR
from tests.support.processes import manage, manage_env

pytestmark = pytest.mark.slow


def _log(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "logs" / "runbase.log").read_text().splitlines()]


def test_json_logs_carry_each_runs_start_summary_and_failure(tmp_path):
    data = tmp_path / "data"
    env = manage_env(data, RUNBASE_LOG_FORMAT="json", RUNBASE_LOG_LEVEL="INFO")
    assert manage(env, "migrate", "-v0").wait(timeout=300) == 0
    run = sorted((DEMO_DIR / "fit").glob("*.fit"))[0]

    imported = manage(env, "import_files", str(run), "--workers", "1", "--quiet")
    assert imported.wait(timeout=120) == 0, imported.stderr.read()
    failed = manage(env, "import_garmin", str(tmp_path / "no-such-export.zip"))
    assert failed.wait(timeout=120) == 1

    lines = [line for line in _log(data) if line.get("event", "").startswith("sync.")]
    start, summary, failure = lines
    assert {key: start[key] for key in ("level", "logger", "event", "sync")} == {
        "level": "INFO",
        "logger": "runbase.ingest",
        "event": "sync.start",
        "sync": "files",
    }
    assert summary["event"] == "sync.summary" and summary["run_id"] == start["run_id"]
    assert summary["counts"]["imported"] == 1 and summary["counts"]["failed"] == 0
    assert isinstance(summary["duration_s"], float) and summary["duration_s"] >= 0
    assert dt.datetime.fromisoformat(summary["timestamp"]).tzinfo is not None  # ISO 8601, with its zone
    assert summary["message"].startswith("files sync: imported=1 ")
    assert (failure["event"], failure["sync"], failure["level"]) == ("sync.failed", "garmin_export", "INFO")
    assert "no-such-export.zip" in failure["error"] and failure["run_id"] != start["run_id"]
