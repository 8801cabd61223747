"""The HTTP clients against fake Ollama and Anthropic servers: request shape, retries, faults."""

import json

import pytest

from ingest.llm.client import AnthropicClient, LLMUnavailable, OllamaClient, _Http, llm_client
from ingest.records import SourceError
from tests.support.fake_http import FakeResponse, FakeServer
from tests.support.fake_llm import anthropic_answering, ollama_chat

SCHEMA = {"type": "object", "properties": {"items": {"type": "array"}}, "required": ["items"]}


def _http(sleeps=None, timeout=5.0):
    return _Http(timeout=timeout, sleep=(sleeps if sleeps is not None else []).append)


def test_ollama_posts_the_schema_as_format_without_streaming():
    with FakeServer() as server:
        server.route("POST", "/api/chat", ollama_chat('{"items": []}', model="llama3.2:3b"))
        client = OllamaClient(base_url=server.url + "/", model="llama3.2:3b", http=_http())
        assert client.complete_json(system="s", prompt="p", schema=SCHEMA) == '{"items": []}'
    body = server.requests[0].json()
    assert body == {
        "model": "llama3.2:3b",
        "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "p"}],
        "format": SCHEMA,
        "stream": False,
        "options": {"temperature": 0},
    }


def test_anthropic_forces_a_tool_with_the_schema_and_sends_its_headers():
    with FakeServer() as server:
        server.route("POST", "/v1/messages", anthropic_answering(lambda item: None))
        client = AnthropicClient(base_url=server.url, api_key="sk-test", model="claude-haiku", http=_http())
        text = client.complete_json(system="s", prompt="Items, one per line:\n", schema=SCHEMA)
    assert json.loads(text) == {"items": []}
    request = server.requests[0]
    assert request.headers["x-api-key"] == "sk-test"
    assert request.headers["anthropic-version"] == "2023-06-01"
    body = request.json()
    assert body["tools"][0]["input_schema"] == SCHEMA
    assert body["tool_choice"] == {"type": "tool", "name": "answer"}
    assert body["system"] == "s" and body["model"] == "claude-haiku"


def test_it_retries_a_busy_server_a_bounded_number_of_times():
    sleeps = []
    with FakeServer() as server:
        server.route(
            "POST",
            "/api/chat",
            FakeResponse.json({"error": "busy"}, status=503, headers={"Retry-After": "3"}),
        )
        client = OllamaClient(base_url=server.url, model="m", http=_http(sleeps))
        with pytest.raises(LLMUnavailable, match="Ollama answered 503"):
            client.complete_json(system="s", prompt="p", schema=SCHEMA)
    assert len(server.requests) == 3
    assert sleeps == [3.0, 3.0]


def test_a_missing_model_says_what_to_do():
    with FakeServer() as server:
        server.route(
            "POST", "/api/chat", FakeResponse.json({"error": "model 'phi3:mini' not found"}, status=404)
        )
        client = OllamaClient(base_url=server.url, model="phi3:mini", http=_http())
        with pytest.raises(LLMUnavailable, match="ollama pull"):
            client.complete_json(system="s", prompt="p", schema=SCHEMA)
    assert len(server.requests) == 1


def test_a_refused_key_is_not_retried():
    with FakeServer() as server:
        server.route("POST", "/v1/messages", FakeResponse.json({"type": "error"}, status=401))
        client = AnthropicClient(base_url=server.url, api_key="bad", model="m", http=_http())
        with pytest.raises(LLMUnavailable, match="check the API key"):
            client.complete_json(system="s", prompt="p", schema=SCHEMA)
    assert len(server.requests) == 1


def test_an_answer_without_content_is_unavailable():
    with FakeServer() as server:
        server.route("POST", "/api/chat", FakeResponse.json({"model": "m", "done": True}))
        client = OllamaClient(base_url=server.url, model="m", http=_http())
        with pytest.raises(LLMUnavailable, match=r"without message\.content"):
            client.complete_json(system="s", prompt="p", schema=SCHEMA)


def test_the_provider_comes_from_settings(settings):
    settings.LLM_PROVIDER = "none"
    assert llm_client() is None
    settings.LLM_PROVIDER = "Ollama"
    assert isinstance(llm_client(), OllamaClient)
    settings.LLM_PROVIDER = "anthropic"
    settings.ANTHROPIC_API_KEY = ""
    with pytest.raises(SourceError, match="ANTHROPIC_API_KEY is not set"):
        llm_client()
    settings.ANTHROPIC_API_KEY = "sk-test"
    assert isinstance(llm_client(), AnthropicClient)
    settings.LLM_PROVIDER = "gpt"
    with pytest.raises(SourceError, match="LLM_PROVIDER='gpt' is unknown"):
        llm_client()
