"""The LLM second pass of the import against fake Ollama / Anthropic servers on 127.0.0.1."""

import json
import socket
import time

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections

from activities.models import ActivitySource
from ingest.xlsx.importer import xlsx_import
from tests.support.db_probe import PROBE_GROUP, write_from_another_connection
from tests.support.fake_http import FakeServer
from tests.support.fake_llm import anthropic_answering, ollama_answering, ollama_chat
from tests.support.workbooks import book_write, run, sample_layout

pytestmark = pytest.mark.django_db

EMPTY = {
    "avg_pace": None,
    "pace_unit": None,
    "rep_pace": None,
    "avg_hr": None,
    "cadence_spm": None,
    "workout": None,
    "treadmill": False,
    "comment": None,
}
# What a careful model says about the doubtful notes below.
ANSWERS = {
    "felt great, 152 after 2 laps": {**EMPTY, "avg_hr": 152, "comment": "felt great"},
    "easy 5 with Sam 7:58 171": {
        **EMPTY,
        "avg_pace": "7:58",
        "pace_unit": "mi",
        "avg_hr": 171,
        "comment": "easy with Sam",
    },
}


@pytest.fixture
def log_path(tmp_path):
    return book_write(
        tmp_path / "log.xlsx",
        sample_layout(
            [
                run(1, 5.0, "felt great, 152 after 2 laps"),
                run(2, 5.0, "easy 5 with Sam 7:58 171"),
                run(3, 6.0, "7:45; 150; 180; fine"),  # certain: never sent
            ]
        ),
    )


@pytest.fixture
def ollama(settings):
    with FakeServer() as server:
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url
        yield server


def _record(day: int) -> ActivitySource:
    return ActivitySource.objects.get(source="master_xlsx", source_id=f"Log|2013-01-0{day}#1")


def test_the_llm_fills_what_the_regex_doubted_and_its_values_are_checked(ollama, log_path):
    ollama.route("POST", "/api/chat", ollama_answering(lambda item: ANSWERS[item["note"]]))
    result = xlsx_import(path=log_path)
    assert (result.created, result.llm_answered, result.low_confidence) == (3, 2, 0)
    sent = [
        json.loads(line) for line in ollama.requests[0].json()["messages"][1]["content"].splitlines()[-2:]
    ]
    assert sent == [
        {"id": 0, "note": "felt great, 152 after 2 laps", "unit": "mi"},
        {"id": 1, "note": "easy 5 with Sam 7:58 171", "unit": "mi"},
    ]
    first = _record(1)
    assert (first.avg_hr, first.notes, first.parse_confidence, first.needs_review) == (
        152,
        "felt great",
        0.8,
        False,
    )
    assert first.raw["pass"] == {"avg_hr": "llm", "comment": "llm"}
    assert first.raw["llm"] == {"answer": ANSWERS["felt great, 152 after 2 laps"], "rejected": []}
    second = _record(2)
    assert second.duration_s == pytest.approx(478 * 5.0, abs=0.1)  # 7:58/mi × 5 mi
    assert second.raw["pass"]["pace_s"] == "llm"


def test_a_stored_answer_is_reused_on_re_import_without_asking_again(ollama, log_path):
    ollama.route("POST", "/api/chat", ollama_answering(lambda item: ANSWERS[item["note"]]))
    xlsx_import(path=log_path)
    ollama.route("POST", "/api/chat", ollama_chat("not json at all"))
    result = xlsx_import(path=log_path)
    assert (result.unchanged, result.llm_answered) == (3, 2)
    assert len(ollama.requests) == 1


def test_numbers_the_model_invents_are_rejected_and_the_row_stays_flagged(ollama, log_path):
    def inventive(item):
        return {**ANSWERS[item["note"]], "cadence_spm": 180, "avg_pace": "7:45"}

    ollama.route("POST", "/api/chat", ollama_answering(inventive))
    result = xlsx_import(path=log_path)
    assert result.low_confidence == 2
    first = _record(1)
    assert (first.avg_hr, first.avg_cadence_spm, first.duration_s) == (152, None, None)
    assert first.needs_review and first.parse_confidence == 0.4  # two numbers the regex left
    assert first.raw["llm"]["rejected"] == [
        "avg_pace='7:45' is not written in the note",
        "cadence_spm=180 is not written in the note",
    ]
    assert "LLM answer partly rejected" in first.review_reason


def test_malformed_json_leaves_the_regex_results_flagged(ollama, log_path):
    ollama.route("POST", "/api/chat", ollama_chat('{"items": [{"id": 0, "avg_hr": 15'))
    messages = []
    result = xlsx_import(path=log_path, log=messages.append)
    assert (result.created, result.llm_answered, result.low_confidence) == (3, 0, 2)
    assert any(m.startswith("LLM answer is not JSON") for m in messages)
    first = _record(1)
    assert first.needs_review and first.notes == "felt great, 152 after 2 laps" and first.avg_hr is None
    assert "llm" not in first.raw


def test_an_unreachable_llm_does_not_stop_the_import(settings, log_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LLM_PROVIDER = "ollama"
    settings.OLLAMA_BASE_URL = f"http://127.0.0.1:{port}"
    messages = []
    result = xlsx_import(path=log_path, log=messages.append)
    assert (result.created, result.failed, result.low_confidence) == (3, 0, 2)
    assert any("LLM unavailable (ollama)" in m for m in messages)


def test_rows_are_sent_in_batches(ollama, tmp_path, settings):
    settings.XLSX_LLM_BATCH_SIZE = 20
    rows = [run(1 + i % 28, 5.0, f"with the club, lap 2, {140 + i}") for i in range(45)]
    path = book_write(tmp_path / "many.xlsx", sample_layout(rows))
    ollama.route("POST", "/api/chat", ollama_answering(lambda item: None))
    result = xlsx_import(path=path)
    assert result.created == 45 and result.low_confidence == 45
    assert [
        len(r.json()["messages"][1]["content"].split("one per line:\n")[1].splitlines())
        for r in ollama.requests
    ] == [
        20,
        20,
        5,
    ]


def test_the_anthropic_provider_answers_through_its_tool(settings, log_path):
    with FakeServer() as server:
        settings.LLM_PROVIDER = "anthropic"
        settings.ANTHROPIC_BASE_URL = server.url
        settings.ANTHROPIC_API_KEY = "sk-test"
        settings.LLM_MODEL = "claude-haiku-4-5"
        server.route("POST", "/v1/messages", anthropic_answering(lambda item: ANSWERS[item["note"]]))
        result = xlsx_import(path=log_path)
    assert result.llm_answered == 2 and result.low_confidence == 0
    assert _record(1).avg_hr == 152
    assert server.requests[0].headers["x-api-key"] == "sk-test"


def test_a_rep_pace_offered_as_the_average_and_an_unmentioned_treadmill_are_rejected(ollama, tmp_path):
    path = book_write(
        tmp_path / "reps.xlsx", sample_layout([run(1, 6.0, "4x400 @ 6:32 w/ 400 jog, 162 and 7 more")])
    )
    answer = {**EMPTY, "avg_pace": "6:32", "avg_hr": 162, "workout": "4x400m", "treadmill": True}
    ollama.route("POST", "/api/chat", ollama_answering(lambda item: answer))
    xlsx_import(path=path)
    record = _record(1)
    assert record.duration_s is None and record.sub_sport == "" and record.avg_hr == 162
    assert record.raw["llm"]["rejected"] == [
        "avg_pace='6:32' is the interval's rep pace, not the run's",
        "treadmill=true but the note does not mention a treadmill",
    ]
    assert record.needs_review


@pytest.mark.django_db(transaction=True)
def test_the_model_is_asked_with_no_transaction_open(ollama, log_path):
    """While the model thinks about the doubtful notes, the import holds no transaction."""
    importing = connections[DEFAULT_DB_ALIAS]
    seen: dict[str, object] = {}
    answer = ollama_answering(lambda item: ANSWERS[item["note"]])

    def slow_model(request):
        time.sleep(0.3)
        seen["in_transaction"] = importing.in_atomic_block
        seen["other_write"] = write_from_another_connection()
        return answer(request)

    ollama.route("POST", "/api/chat", slow_model)
    result = xlsx_import(path=log_path)
    assert seen == {"in_transaction": False, "other_write": "written"}
    assert (result.created, result.llm_answered) == (3, 2)
    assert Group.objects.filter(name=PROBE_GROUP).exists()
