"""Talk to a language model over plain HTTP: Ollama's /api/chat or Anthropic's Messages API.

A client has one method, `complete_json(system=, prompt=, schema=) -> str`, returning the model's
answer text, which should be JSON matching `schema`. Any failure to get an answer raises
`LLMUnavailable`: callers carry on without the model. Chosen by `settings.LLM_PROVIDER`
(`ollama`, `anthropic` or `none`) through the `PROVIDERS` registry.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from django.conf import settings

from ingest.records import SourceError

USER_AGENT = "RunBase/0.1 (self-hosted training log)"
ANTHROPIC_VERSION = "2023-06-01"
_TRANSIENT = {429, 500, 502, 503, 504, 529}


class LLMUnavailable(Exception):
    """No usable answer: connection refused, timeout, an HTTP error, a reply without content."""


class LLMClient(Protocol):
    name: str

    def complete_json(self, *, system: str, prompt: str, schema: dict) -> str: ...


@dataclass
class _Http:
    """POST JSON with one User-Agent and a timeout; retry 429/5xx/timeouts a bounded number of times."""

    timeout: float
    retries: int = 2
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, url: str, *, body: dict, headers: dict[str, str], service: str) -> Any:
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.post(url, json=body, headers=headers, timeout=self.timeout)
            except requests.Timeout as exc:
                if last:
                    raise LLMUnavailable(f"{service} did not answer within {self.timeout:g} s") from exc
                self.sleep(2**attempt)
                continue
            except requests.RequestException as exc:
                raise LLMUnavailable(f"{service} at {url} is unreachable: {exc.__class__.__name__}") from exc
            if response.status_code in _TRANSIENT and not last:
                self.sleep(_retry_after(response, 2**attempt))
                continue
            return _json_body(response, service)
        raise LLMUnavailable(f"{service} kept failing")  # pragma: no cover - the loop always returns


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return min(float(response.headers.get("Retry-After", default)), 60.0)
    except ValueError:
        return default


def _json_body(response: requests.Response, service: str) -> Any:
    if response.status_code in (401, 403):
        raise LLMUnavailable(f"{service} refused the request ({response.status_code}): check the API key")
    if response.status_code == 404:
        raise LLMUnavailable(
            f"{service} answered 404: is the model pulled (`ollama pull <LLM_MODEL>`) and the URL right?"
        )
    if response.status_code >= 400:
        raise LLMUnavailable(f"{service} answered {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError as exc:
        raise LLMUnavailable(f"{service} answered something that is not JSON") from exc


@dataclass
class OllamaClient:
    """`POST {base_url}/api/chat` with `format` set to the JSON schema and `stream: false`."""

    base_url: str
    model: str
    http: _Http
    name: str = "ollama"

    def complete_json(self, *, system: str, prompt: str, schema: dict) -> str:
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            "format": schema,
            "stream": False,
            "options": {"temperature": 0},
        }
        # {"model": "phi3:mini", "message": {"role": "assistant", "content": "{...}"}, "done": true, …}
        data = self.http.post(
            f"{self.base_url.rstrip('/')}/api/chat", body=body, headers={}, service="Ollama"
        )
        content = (data.get("message") or {}).get("content") if isinstance(data, dict) else None
        if not isinstance(content, str):
            raise LLMUnavailable("Ollama answered without message.content")
        return content


@dataclass
class AnthropicClient:
    """Messages API; the schema is a forced tool's `input_schema`, so the answer is the tool input."""

    base_url: str
    api_key: str
    model: str
    http: _Http
    max_tokens: int = 4096
    name: str = "anthropic"

    def complete_json(self, *, system: str, prompt: str, schema: dict) -> str:
        body = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": prompt}],
            "tools": [
                {"name": "answer", "description": "Return the extracted items.", "input_schema": schema}
            ],
            "tool_choice": {"type": "tool", "name": "answer"},
        }
        headers = {"x-api-key": self.api_key, "anthropic-version": ANTHROPIC_VERSION}
        url = f"{self.base_url.rstrip('/')}/v1/messages"
        data = self.http.post(url, body=body, headers=headers, service="Anthropic")
        # {"content": [{"type": "tool_use", "name": "answer", "input": {...}}], "stop_reason": "tool_use", …}
        for block in data.get("content") or [] if isinstance(data, dict) else []:
            if block.get("type") == "tool_use":
                return json.dumps(block.get("input"))
            if block.get("type") == "text":
                return block.get("text") or ""
        raise LLMUnavailable("Anthropic answered without content")


def _ollama(http: _Http) -> OllamaClient:
    return OllamaClient(base_url=settings.OLLAMA_BASE_URL, model=settings.LLM_MODEL, http=http)


def _anthropic(http: _Http) -> AnthropicClient:
    if not settings.ANTHROPIC_API_KEY:
        raise SourceError("LLM_PROVIDER is anthropic but ANTHROPIC_API_KEY is not set")
    return AnthropicClient(
        base_url=settings.ANTHROPIC_BASE_URL,
        api_key=settings.ANTHROPIC_API_KEY,
        model=settings.LLM_MODEL,
        http=http,
    )


PROVIDERS: dict[str, Callable[[_Http], LLMClient]] = {"ollama": _ollama, "anthropic": _anthropic}


def llm_client(*, sleep: Callable[[float], None] = time.sleep) -> LLMClient | None:
    """The configured client, or None when `LLM_PROVIDER` is `none`."""
    provider = (settings.LLM_PROVIDER or "none").strip().lower()
    if provider in ("none", "off", ""):
        return None
    factory = PROVIDERS.get(provider)
    if factory is None:
        raise SourceError(f"LLM_PROVIDER={provider!r} is unknown: use one of {', '.join(PROVIDERS)} or none")
    return factory(_Http(timeout=float(settings.LLM_TIMEOUT_SECONDS), sleep=sleep))
