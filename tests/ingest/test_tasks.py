"""django-q2 sync tasks, run synchronously: a sync imports and reconciles; a failure raises its message."""

import shutil

import pytest
from django_q.models import Task
from django_q.tasks import async_task, result

from activities.demo.load import DEMO_DIR
from activities.models import Activity
from ingest.models import ProcessedFile
from ingest.records import SourceError
from ingest.tasks import sync_runalyze

pytestmark = pytest.mark.django_db(transaction=True)


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
