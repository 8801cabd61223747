"""Unusual workout names go to the LLM fallback, never inside a transaction; its answers are checked
against the name and kept, and a failure is kept for a while so a model that is down is not waited on."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from activities.models import Activity, Interval
from reconcile.config import ReconcileConfig
from reconcile.models import Conflict, WorkoutNameReading
from reconcile.names import names_read_with_llm
from reconcile.services import activity_reconcile, conflict_resolve, reconcile_run
from tests.support.db_probe import PROBE_GROUP, write_from_another_connection
from tests.support.fake_http import FakeServer
from tests.support.fake_llm import ollama_answering, prompt_items
from tests.support.records import MILE, fit, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 7, 13, 0, tzinfo=dt.UTC)
ANSWERS = {
    "Yasso 800s x10": {"workout_type": "interval", "reps": 10, "rep_distance": 800, "rep_unit": "m"},
    # "12" is not written in the name: an invented number, so the reading is rejected.
    "Yasso 1000s x6": {"workout_type": "interval", "reps": 12, "rep_distance": 1000, "rep_unit": "m"},
}


@pytest.fixture
def ollama(settings):
    with FakeServer() as server:
        server.route("POST", "/api/chat", ollama_answering(lambda item: ANSWERS.get(item["name"])))
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url
        yield server


def test_an_unusual_name_is_read_by_the_llm_once(ollama):
    fit("a" * 64, START, 12000.0, workout_name="Yasso 800s x10")
    fit("b" * 64, START + dt.timedelta(days=1), 8000.0, workout_name="Morning Run")

    reconcile_run()
    reconcile_run(all=True)

    assert [prompt_items(r) for r in ollama.requests] == [[{"id": 0, "name": "Yasso 800s x10"}]]
    yasso = Activity.objects.get(workout_name="Yasso 800s x10")
    assert yasso.workout_type == "interval"
    assert set(Interval.objects.values_list("prescribed_distance_m", "detection")) == {(800.0, "prescribed")}
    assert Interval.objects.count() == 10
    assert WorkoutNameReading.objects.get().workout_plan().method == "llm"


def test_an_llm_answer_with_an_invented_number_is_rejected(ollama):
    fit("a" * 64, START, 9000.0, workout_name="Yasso 1000s x6")
    reconcile_run()
    assert WorkoutNameReading.objects.get().plan is None
    assert Activity.objects.get().workout_type == ""
    assert not Interval.objects.exists()


def test_without_a_model_unusual_names_are_left_alone_and_asked_again_later():
    fit("a" * 64, START, 12000.0, workout_name="Yasso 800s x10")
    reconcile_run()
    assert not WorkoutNameReading.objects.exists()
    assert Activity.objects.get().workout_type == ""


@pytest.mark.django_db(transaction=True)
def test_the_model_is_asked_with_no_transaction_open(settings):
    """While the model thinks, the run holds no transaction: another connection can write at once."""
    fit("a" * 64, START, 12000.0, workout_name="Yasso 800s x10")
    reconciling = connections[DEFAULT_DB_ALIAS]  # this thread's connection: the one reconcile writes with
    seen: dict[str, object] = {}
    answer = ollama_answering(lambda item: ANSWERS.get(item["name"]))

    def slow_model(request):
        time.sleep(0.3)
        seen["in_transaction"] = reconciling.in_atomic_block
        seen["other_write"] = write_from_another_connection()
        return answer(request)

    with FakeServer() as server:
        server.route("POST", "/api/chat", slow_model)
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url
        result = reconcile_run()

    assert seen == {"in_transaction": False, "other_write": "written"}
    assert (result.created, result.failed) == (1, 0)
    assert Activity.objects.get().workout_type == "interval"
    assert Group.objects.filter(name=PROBE_GROUP).exists()


def test_a_failed_reading_is_asked_again_only_after_the_retry_delay(settings, monkeypatch):
    settings.RUNBASE_RECONCILE = {"name_llm_retry_s": 3600}
    fit("a" * 64, START, 12000.0, workout_name="Yasso 800s x10")
    model = {"up": False}
    with FakeServer() as server:
        answer = ollama_answering(lambda item: ANSWERS[item["name"]] if model["up"] else None)
        server.route("POST", "/api/chat", answer)
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url

        reconcile_run()  # the model leaves the name out of its answer: a failure, kept
        reading = WorkoutNameReading.objects.get()
        assert (reading.status, reading.plan) == (WorkoutNameReading.Status.FAILED, None)
        assert reading.retry_after == pytest.approx(
            timezone.now() + dt.timedelta(hours=1), abs=dt.timedelta(minutes=1)
        )

        model["up"] = True
        reconcile_run(all=True)  # within the hour: not asked again
        assert len(server.requests) == 1
        assert Activity.objects.get().workout_type == ""

        later = timezone.now() + dt.timedelta(hours=1, minutes=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        reconcile_run(all=True)  # the hour is over: asked again, and answered
        assert len(server.requests) == 2

    reading.refresh_from_db()
    assert (reading.status, reading.retry_after) == (WorkoutNameReading.Status.ANSWERED, None)
    assert Activity.objects.get().workout_type == "interval"


def test_a_decision_of_the_runner_asks_no_model_and_the_re_resolve_action_does(settings):
    fit("a" * 64, START, 5 * MILE * 1.06, workout_name="Yasso 800s x10")
    xlsx(dt.date(2024, 5, 7), 5.0)
    reconcile_run()  # no model configured: the name is left unread
    with FakeServer() as server:
        server.route("POST", "/api/chat", ollama_answering(lambda item: ANSWERS.get(item["name"])))
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url

        conflict_resolve(conflict=Conflict.objects.get(field_name="distance_m"), source="fit_file")
        assert server.requests == []  # resolving happens in a transaction: stored readings only
        assert Activity.objects.get().workout_type == ""

        activity_reconcile(activity=Activity.objects.get())  # the admin's re-resolve, outside any
        assert len(server.requests) == 1
    assert Activity.objects.get().workout_type == "interval"


def test_asking_the_model_inside_a_transaction_is_refused(ollama):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        names_read_with_llm(names=["Yasso 800s x10"], cfg=ReconcileConfig())
