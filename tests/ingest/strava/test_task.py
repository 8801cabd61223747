import json

import pytest
from django_q.models import Schedule

from ingest import tasks

pytestmark = pytest.mark.django_db


def test_a_rate_limited_task_schedules_its_own_resume_when_the_window_reopens(strava, tokens, samples):
    headers = json.loads((samples / "strava/api/headers.json").read_text())["rate_limited_429_read"]
    headers = {k: v for k, v in headers.items() if k.startswith("X-")}
    strava.fail(r"/api/v3/activities/16213344556", strava.fault("fault_429_rate_limit.json", 429, headers))

    summary = tasks.sync_strava(reconcile=True)

    assert "stopped_by_rate_limit" in summary and " | reconcile: created=" in summary
    resume = Schedule.objects.get(name=tasks.STRAVA_RESUME)
    assert resume.schedule_type == Schedule.ONCE and resume.func == "ingest.tasks.sync_strava"
    assert resume.kwargs == "reconcile=True"  # the resumed run reconciles as the scheduled one did
    assert resume.next_run.minute % 15 == 0
    tasks.sync_strava(reconcile=True)  # the resumed run finishes; the schedule row is not duplicated
    assert Schedule.objects.filter(name=tasks.STRAVA_RESUME).count() == 1


def test_a_task_that_finishes_schedules_nothing(strava, tokens):
    tasks.sync_strava(reconcile=False)
    assert not Schedule.objects.filter(name=tasks.STRAVA_RESUME).exists()
