"""Unusual workout names go to the LLM fallback; its answers are checked against the name and kept."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity, Interval
from reconcile.models import WorkoutNameReading
from reconcile.services import reconcile_run
from tests.ingest.llm.fakes import ollama_answering, prompt_items
from tests.reconcile.support import fit
from tests.support.fake_http import FakeServer

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
