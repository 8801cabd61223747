"""The health facts behind /healthz and `runbase_status --json`: set-up sources, ages, the cluster."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from ingest.models import SyncState
from review.health import health_check

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def nothing_set_up(settings, tmp_path):
    """No HealthFit folder, no Strava tokens, no Runalyze token, whatever the machine has."""
    settings.HEALTHFIT_DIR = tmp_path / "no-such-folder"
    settings.STRAVA_CLIENT_ID = ""
    settings.RUNALYZE_TOKEN = ""
    settings.RUNBASE_HEALTH_MAX_AGE_HOURS = {}
    settings.RUNBASE_HEALTH_CLUSTER = True


def _synced(name: str, *, ago: dt.timedelta, error: str = "", summary: str = "created=1") -> None:
    when = timezone.now() - ago
    SyncState.objects.create(
        name=name,
        last_sync_at=when,
        last_success_at=None if error else when,
        last_error=error,
        last_summary=summary,
    )


def _status_json() -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("runbase_status", "--json", stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, json.loads(out.getvalue())


def test_nothing_set_up_and_no_schedules_is_healthy(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "sources": {},
        "cluster": {
            "ok": True,
            "watched": True,
            "schedules": 0,
            "overdue_schedules": 0,
            "last_task_age_s": None,
        },
    }


def test_a_set_up_source_without_a_recent_success_is_unhealthy_and_named_with_its_age(
    client, settings, tmp_path
):
    settings.HEALTHFIT_DIR = tmp_path
    _synced("icloud", ago=dt.timedelta(days=3))
    _synced("files", ago=dt.timedelta(days=300))  # a one-off import is never stale

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert list(body["sources"]) == ["icloud"]
    icloud = body["sources"]["icloud"]
    assert icloud["ok"] is False and icloud["max_age_s"] == 2 * DAY
    assert 3 * DAY <= icloud["last_success_age_s"] < 3 * DAY + 60


def test_a_recent_success_within_an_overridden_limit_is_healthy(client, settings, tmp_path):
    settings.HEALTHFIT_DIR = tmp_path
    settings.RUNBASE_HEALTH_MAX_AGE_HOURS = {"icloud": 100}
    _synced("icloud", ago=dt.timedelta(days=3))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["sources"]["icloud"]["max_age_s"] == 100 * 3600


def test_overdue_schedules_mean_the_cluster_is_not_running_unless_it_is_not_watched(client, settings):
    Schedule.objects.create(
        name="late",
        func="ingest.tasks.sync_icloud",
        schedule_type=Schedule.MINUTES,
        minutes=30,
        repeats=-1,
        next_run=timezone.now() - dt.timedelta(hours=1),
    )
    Schedule.objects.create(
        name="soon",
        func="ingest.tasks.sync_strava",
        schedule_type=Schedule.MINUTES,
        minutes=30,
        repeats=-1,
        next_run=timezone.now() + dt.timedelta(minutes=5),
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cluster"] | {"last_task_age_s": None} == {
        "ok": False,
        "watched": True,
        "schedules": 2,
        "overdue_schedules": 1,
        "last_task_age_s": None,
    }
    settings.RUNBASE_HEALTH_CLUSTER = False
    assert client.get("/healthz").status_code == 200


def test_healthz_reveals_no_data_and_needs_no_login(client, review_data):
    body = client.get("/healthz").content.decode()

    assert "fit_file" not in body and "strava" not in body and "error" not in body


def test_an_unreachable_database_is_reported_not_raised(tmp_path):
    code = (
        "import django, json; django.setup(); from review.health import health_check; "
        "print(json.dumps(health_check().as_dict()))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "RUNBASE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        "DJANGO_SETTINGS_MODULE": "runbase_site.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "status": "error",
        "database": "unreachable",
        "sources": {},
        "cluster": None,
    }


def test_status_json_is_ok_with_exit_0_and_carries_the_report():
    code, report = _status_json()

    assert code == 0
    assert report["level"] == "ok" and report["reasons"] == []
    assert report["syncs"] == [] and report["unreconciled"] == 0 and report["health"]["status"] == "ok"


def test_status_json_warns_with_exit_1_on_failed_items_of_a_one_off_import():
    _synced("files", ago=dt.timedelta(hours=1), error="bad.fit: truncated", summary="imported=3 failed=1")

    code, report = _status_json()

    assert code == 1
    assert report["level"] == "warning" and report["reasons"] == ["files: the last run had failures"]
    assert report["syncs"][0]["name"] == "files" and report["syncs"][0]["error"] == "bad.fit: truncated"


def test_status_json_errs_with_exit_2_when_a_set_up_source_failed(settings, tmp_path):
    settings.HEALTHFIT_DIR = tmp_path
    _synced("icloud", ago=dt.timedelta(minutes=5), error="PermissionError: …", summary="failed: imported=0")

    code, report = _status_json()

    assert code == 2
    assert report["level"] == "error"
    assert report["reasons"] == ["icloud: no successful run yet", "icloud: the last run failed"]


def test_the_text_report_ends_with_the_verdict():
    _synced("files", ago=dt.timedelta(hours=1), error="bad.fit: truncated", summary="imported=3 failed=1")
    out = StringIO()

    call_command("runbase_status", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Overall: warning — files: the last run had failures"
    assert health_check().ok


def test_healthz_answers_plain_http_where_every_other_page_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
