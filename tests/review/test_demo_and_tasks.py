import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_q.models import Schedule, Task
from django_q.tasks import async_task, result

from activities.demo.load import DEMO_DIR
from activities.models import Activity, ActivitySource
from ingest.models import ProcessedFile
from ingest.records import SourceError
from ingest.tasks import sync_runalyze
from reconcile.models import Conflict
from reconcile.tasks import reconcile_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_loads_the_dataset_and_a_second_run_changes_nothing(capsys):
    call_command("demo", "--no-serve", "--quiet")
    out = capsys.readouterr().out
    assert "files: imported=8 updated=0 unchanged=0" in out
    assert "training log: created=8" in out
    assert "reconcile: created=8 " in out
    assert "Log in at http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) as 'runner'" in out
    password = out.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="runner").check_password(password)
    assert ActivitySource.objects.filter(source="fit_file", route="demo").count() == 8
    assert ActivitySource.objects.filter(source="master_xlsx").count() == 8
    activities = {a.workout_name: a for a in Activity.objects.all()}
    assert len(activities) == 8
    assert activities["6x800m"].intervals.filter(is_recovery=False).count() == 6
    assert str(activities["Evening run"].date) == "2025-10-09"  # California evening, next day in UTC
    assert (
        Conflict.objects.filter(activity=activities["Treadmill"], field_name="distance_m").get().status
        == "pending"
    )
    assert Schedule.objects.count() == 4
    before = sorted(Activity.objects.values_list("pk", "distance_m", "updated_at"))

    call_command("demo", "--no-serve", "--quiet", "--addrport", "0.0.0.0:8080")
    out = capsys.readouterr().out
    assert "files: imported=0 updated=0 unchanged=8" in out
    assert "training log: created=0 updated=0 unchanged=8" in out
    assert "reconcile: created=0 updated=0 unchanged=0" in out
    assert "schedules: created=0 updated=0 unchanged=4" in out
    assert "password:" not in out and "as 'runner' with your password" in out
    assert "http://0.0.0.0:8080/" in out
    assert sorted(Activity.objects.values_list("pk", "distance_m", "updated_at")) == before
    assert get_user_model().objects.count() == 1


def test_sync_icloud_task_imports_and_reconciles_synchronously(settings, tmp_path):
    folder = tmp_path / "HealthFit"
    folder.mkdir()
    source = next((DEMO_DIR / "fit").glob("2025-10-07-*.fit"))
    shutil.copy(source, folder / source.name)
    settings.HEALTHFIT_DIR = folder
    settings.INGEST_SETTLE_SECONDS = 0
    task_id = async_task("ingest.tasks.sync_icloud", reconcile=True, sync=True)
    summary = result(task_id)
    assert summary.startswith("icloud: imported=1 ")
    assert "| reconcile: created=1 " in summary
    assert Task.objects.get(id=task_id).success
    assert ProcessedFile.objects.get().route == "healthfit"
    assert Activity.objects.get().workout_name == "6x800m"


def test_a_failing_sync_task_raises_the_sources_message(settings):
    settings.RUNALYZE_TOKEN = ""
    with pytest.raises(SourceError, match=r"(?i)token"):
        sync_runalyze(reconcile=True)


def test_reconcile_task_returns_the_summary():
    assert reconcile_all() == (
        "created=0 updated=0 unchanged=0 conflicts=0 auto_resolved=0 new_values=0 review=0 moved=0 failed=0"
    )
