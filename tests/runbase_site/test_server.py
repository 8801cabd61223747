"""The server as it runs on a VPS: gunicorn with DEBUG off on the suite's database (a migrated SQLite
file, or the PostgreSQL test database CI gives), signed in through the login page; and a real
django-q2 cluster that takes a queued sync and finishes it. Real processes, stopped at the end."""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from activities.demo.load import DEMO_DIR
from tests.support.processes import descendants, manage, manage_env, wait_gone

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password-7"
SERVER = {
    "DEBUG": "false",
    "SECRET_KEY": "gunicorn-test-key-9bZ4q7Lw2Xe8Rt5Yu1Io3Pa6Sd0Fg4Hj7Kl2Zx5Cv8Bn",
    "ALLOWED_HOSTS": "127.0.0.1",
    # A plain-HTTP run on 127.0.0.1: what a reverse proxy would do for TLS is switched off.
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LLM_PROVIDER": "none",
}


def _database_url(data: Path) -> str:
    """The suite's PostgreSQL test database when CI runs on PostgreSQL, else a SQLite file of our own."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        where = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{where}/{s['NAME']}"
    return f"sqlite:///{data / 'runbase.sqlite3'}"


def _run(env: dict[str, str], *args: str) -> str:
    process = manage(env, *args)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{args}: {err}"
    return out


def _stop(process: subprocess.Popen) -> None:
    children = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    assert not wait_gone(children, timeout_s=30), "a worker outlived its parent"


def _listening(process: subprocess.Popen) -> str:
    """gunicorn's `Listening at: http://127.0.0.1:PORT` line: the address it really bound."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if match := re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line):
            return match.group(1)
        if not line and process.poll() is not None:
            break
    pytest.fail(f"gunicorn did not start: {process.stderr.read()}")


@pytest.fixture
def served(tmp_path):
    """A migrated database with a superuser and one reconciled run, collected static files, and
    gunicorn serving it with DEBUG off; yields (base URL, env)."""
    data = tmp_path / "data"
    env = manage_env(data, **SERVER, DATABASE_URL=_database_url(data), STATIC_ROOT=str(tmp_path / "static"))
    env |= {"HEALTHFIT_DIR": str(tmp_path / "no HealthFit on this server")}
    env |= {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    _run(env, "migrate", "-v0")
    _run(env, "createsuperuser", "--noinput", "--username", "runner", "--email", "runner@example.org")
    run = sorted((DEMO_DIR / "fit").glob("*.fit"))[0]
    _run(env, "import_files", str(run), "--workers", "1", "--reconcile", "--quiet")
    _run(env, "collectstatic", "--noinput", "-v0")
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "runbase_site.wsgi", "--bind", "127.0.0.1:0", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield _listening(gunicorn), env
    finally:
        _stop(gunicorn)
        connection.close()  # the test database is dropped after the suite: let go of it


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_gunicorn_with_debug_off_serves_the_signed_in_pages_and_static_files(served):
    base, _env = served
    browser = requests.Session()

    login = browser.get(f"{base}/", timeout=30)  # not signed in: sent to the login page
    assert login.status_code == 200 and "/login/" in login.url
    signed_in = browser.post(
        login.url,
        data={
            "username": "runner",
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(login.text),
            "next": "/",
        },
        timeout=30,
    )
    assert signed_in.status_code == 200 and signed_in.url == f"{base}/", signed_in.text[:500]

    activities = browser.get(f"{base}/activities/", timeout=30)
    (activity,) = set(re.findall(r'href="(/activities/\d+/)"', activities.text))
    page = browser.get(f"{base}{activity}", timeout=30)
    admin = browser.get(f"{base}/admin/", timeout=30)
    static = browser.get(f"{base}/static/admin/css/base.css", timeout=30)
    missing = browser.get(f"{base}/no-such-page/", timeout=30)

    assert page.status_code == 200 and "2025" in page.text
    assert admin.status_code == 200 and "Every run, one record" in admin.text  # the admin index
    assert static.status_code == 200 and "body" in static.text  # WhiteNoise, from STATIC_ROOT
    assert missing.status_code == 404 and "Traceback" not in missing.text  # DEBUG is off
    health = requests.get(f"{base}/healthz", timeout=30)  # no login needed
    assert (health.status_code, health.json()["status"], health.json()["database"]) == (200, "ok", "ok")


def test_qcluster_takes_a_queued_sync_and_finishes_it(tmp_path):
    data = tmp_path / "data"
    folder = tmp_path / "HealthFit"
    folder.mkdir()
    run = sorted((DEMO_DIR / "fit").glob("*.fit"))[0]
    shutil.copy(run, folder / run.name)
    env = manage_env(data, HEALTHFIT_DIR=str(folder), LLM_PROVIDER="none")
    _run(env, "migrate", "-v0")
    cluster = manage(env, "qcluster")
    try:
        queue = "from django_q.tasks import async_task; print(async_task('ingest.tasks.sync_icloud'))"
        task = _run(env, "shell", "--no-imports", "-c", queue).split()[-1]
        deadline = time.monotonic() + 60
        row = None
        while row is None and time.monotonic() < deadline and cluster.poll() is None:
            with sqlite3.connect(data / "runbase.sqlite3", timeout=30) as db:
                row = db.execute("SELECT success FROM django_q_task WHERE id = ?", (task,)).fetchone()
            time.sleep(0.2)
    finally:
        _stop(cluster)

    assert row == (1,), "the cluster did not finish the task"
    with sqlite3.connect(data / "runbase.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM activities_activity").fetchone() == (1,)
        icloud = (
            "SELECT last_summary FROM ingest_syncstate WHERE name = 'icloud' AND last_success_at IS NOT NULL"
        )
        assert db.execute(icloud).fetchone()[0].startswith("imported=1 ")
