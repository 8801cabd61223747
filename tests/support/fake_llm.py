"""Fake Ollama and Anthropic endpoints for FakeServer, speaking the real response shapes."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.support.fake_http import FakeRequest, FakeResponse


def prompt_items(request: FakeRequest) -> list[dict]:
    """The items the client sent: one JSON object per line after the prompt's last line of prose."""
    body = request.json()
    messages = body.get("messages", [])
    prompt = messages[-1]["content"]
    lines = prompt.split("Items, one per line:\n", 1)[1].splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def ollama_chat(content: str, model: str = "phi3:mini") -> FakeResponse:
    # POST /api/chat with "stream": false answers one object; "content" is the model's text.
    return FakeResponse.json(
        {
            "model": model,
            "created_at": "2026-11-25T21:00:00.000000Z",
            "message": {"role": "assistant", "content": content},
            "done_reason": "stop",
            "done": True,
            "total_duration": 1843000000,
            "load_duration": 21000000,
            "prompt_eval_count": 412,
            "eval_count": 96,
        }
    )


def ollama_answering(answer: Callable[[dict], dict | None]) -> Callable[[FakeRequest], FakeResponse]:
    """A handler answering each item with `answer(item)` (None leaves the item out)."""

    def handle(request: FakeRequest) -> FakeResponse:
        items = []
        for item in prompt_items(request):
            reply = answer(item)
            if reply is not None:
                items.append({"id": item["id"], **reply})
        return ollama_chat(json.dumps({"items": items}))

    return handle


def anthropic_answering(answer: Callable[[dict], dict | None]) -> Callable[[FakeRequest], FakeResponse]:
    """POST /v1/messages answering through the forced tool, as the Messages API does."""

    def handle(request: FakeRequest) -> FakeResponse:
        items = [{"id": item["id"], **answer(item)} for item in prompt_items(request) if answer(item)]
        return FakeResponse.json(
            {
                "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
                "type": "message",
                "role": "assistant",
                "model": request.json()["model"],
                "content": [
                    {
                        "type": "tool_use",
                        "id": "toolu_01A09q90qw90lq917835lq9",
                        "name": "answer",
                        "input": {"items": items},
                    },
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 512, "output_tokens": 88},
            }
        )

    return handle
