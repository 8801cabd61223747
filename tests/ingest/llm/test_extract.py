"""Batched extraction against a fake Ollama on 127.0.0.1; validation of schema and of numbers."""

import json
import socket

import pytest

from ingest.llm.extract import llm_extract, number_in_text, schema_errors, words_in_text
from tests.support.fake_http import FakeServer
from tests.support.fake_llm import ollama_answering, ollama_chat

SCHEMA = {
    "type": "object",
    "properties": {
        "reps": {"type": ["integer", "null"], "minimum": 1},
        "distance_m": {"type": ["integer", "null"]},
    },
    "required": ["reps", "distance_m"],
    "additionalProperties": False,
}


@pytest.fixture
def ollama(settings):
    with FakeServer() as server:
        settings.LLM_PROVIDER = "ollama"
        settings.OLLAMA_BASE_URL = server.url
        settings.LLM_MODEL = "phi3:mini"
        yield server


def _reps(item):
    reps, distance = item["name"].split("x")
    return {"reps": int(reps), "distance_m": int(distance)}


def test_it_sends_items_in_batches_and_returns_one_answer_per_item(ollama):
    ollama.route("POST", "/api/chat", ollama_answering(_reps))
    items = [{"name": f"{n}x400"} for n in range(1, 31)]
    answers = llm_extract(instructions="Read interval names.", items=items, schema=SCHEMA, batch_size=25)
    assert answers == [{"reps": n, "distance_m": 400} for n in range(1, 31)]
    assert len(ollama.requests) == 2
    body = ollama.requests[0].json()
    assert body["model"] == "phi3:mini"
    assert body["stream"] is False
    assert body["messages"][0] == {"role": "system", "content": "Read interval names."}
    item_schema = body["format"]["properties"]["items"]["items"]
    assert item_schema["required"] == ["id", "reps", "distance_m"]
    assert ollama.requests[0].headers["user-agent"].startswith("RunBase/")


def test_malformed_json_leaves_that_batch_unanswered(ollama):
    ollama.route("POST", "/api/chat", ollama_chat('{"items": [{"id": 0, "reps": 4,'))
    messages = []
    answers = llm_extract(instructions="x", items=[{"name": "4x400"}], schema=SCHEMA, log=messages.append)
    assert answers == [None]
    assert messages[0].startswith("LLM answer is not JSON")


def test_answers_breaking_the_schema_are_dropped_one_by_one(ollama):
    content = json.dumps(
        {"items": [{"id": 0, "reps": "four", "distance_m": 400}, {"id": 1, "reps": 6, "distance_m": 800}]}
    )
    ollama.route("POST", "/api/chat", ollama_chat(content))
    answers = llm_extract(instructions="x", items=[{"name": "4x400"}, {"name": "6x800"}], schema=SCHEMA)
    assert answers == [None, {"reps": 6, "distance_m": 800}]


def test_a_fenced_answer_is_read(ollama):
    ollama.route(
        "POST", "/api/chat", ollama_chat('```json\n{"items": [{"id": 0, "reps": 4, "distance_m": 400}]}\n```')
    )
    assert llm_extract(instructions="x", items=[{"name": "4x400"}], schema=SCHEMA) == [
        {"reps": 4, "distance_m": 400}
    ]


def test_no_llm_configured_means_no_answers_and_no_request(settings):
    settings.LLM_PROVIDER = "none"
    assert llm_extract(instructions="x", items=[{"name": "4x400"}], schema=SCHEMA) == [None]


def test_an_unreachable_ollama_gives_no_answers_and_stops_after_the_first_batch(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LLM_PROVIDER = "ollama"
    settings.OLLAMA_BASE_URL = f"http://127.0.0.1:{port}"
    messages = []
    answers = llm_extract(
        instructions="x", items=[{"name": "4x400"}] * 3, schema=SCHEMA, batch_size=1, log=messages.append
    )
    assert answers == [None, None, None]
    assert len(messages) == 1 and "unreachable" in messages[0] and "3 items left" in messages[0]


@pytest.mark.parametrize(
    ("value", "text", "clock", "expected"),
    [
        (152, "7:45; 152; 178", False, True),
        (153, "7:45; 152; 178", False, False),
        (45, "7:45; 152; 178", False, False),  # part of a time, not a number of its own
        (7, "7:45; 152; 178", False, False),
        ("7:45", "7:45; 152; 178", False, True),
        ("7:45", "7.45; 152; 178", False, True),  # the typo is the same pace
        (465, "7:45; 152; 178", True, True),
        (465, "7:45; 152; 178", False, False),  # 465 is not written there as a number
        ("7:46", "7:45; 152; 178", False, False),
        (5530, "ran 1:32:10", True, True),
        (6.2, "6.2 miles", False, True),
        (6.2, "6,2 km", False, True),
        (None, "152", False, False),
    ],
)
def test_number_in_text(value, text, clock, expected):
    assert number_in_text(value, text, clock=clock) is expected


def test_words_in_text_rejects_invented_words_and_numbers():
    assert words_in_text("felt good", "7:45; 152; felt good")
    assert not words_in_text("felt great", "7:45; 152; felt good")
    assert not words_in_text("3 laps", "laps with Bob")


def test_schema_errors_name_the_fault():
    assert schema_errors({"reps": 4, "distance_m": None}, SCHEMA) == []
    assert schema_errors({"reps": 0, "distance_m": None}, SCHEMA) == ["$.reps 0 is below 1"]
    assert schema_errors({"reps": 4}, SCHEMA) == ["$.distance_m is missing"]
    assert schema_errors({"reps": 4, "distance_m": 1, "x": 1}, SCHEMA) == ["$.x is not allowed"]
    assert schema_errors({"reps": True, "distance_m": 1}, SCHEMA) == [
        "$.reps should be integer or null, not true"
    ]
    assert schema_errors("x", {"type": "string", "pattern": r"^\d+:\d\d$"}) == [
        "$ 'x' does not match ^\\d+:\\d\\d$"
    ]
