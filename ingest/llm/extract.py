"""Structured extraction with a language model, in batches, trusting nothing it says unchecked.

`llm_extract` sends items in batches with a strict JSON schema and returns one validated answer (or
None) per item. The caller then checks every value against the item's own text with
`number_in_text` / `words_in_text`: a number the model returns that is not written in the text is
invented and must be rejected. Used by the training-log import and by reconcile for odd workout names.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from ingest.llm.client import LLMClient, LLMUnavailable, llm_client

logger = logging.getLogger("runbase.ingest.llm")
Log = Callable[[str], Any] | None


def llm_extract(
    *,
    instructions: str,
    items: list[dict],
    schema: dict,
    batch_size: int = 25,
    log: Log = None,
    client: LLMClient | None = None,
) -> list[dict | None]:
    """One answer per item, aligned with `items`: a dict valid against `schema` (an object schema
    for one item), or None when the model gave none, a malformed one, or is not there at all.

    Each item is sent with an `id` (its index in the batch) that the answer must repeat. When the
    model is unreachable the remaining batches are not tried.
    """
    answers: list[dict | None] = [None] * len(items)
    client = client if client is not None else llm_client()
    if client is None or not items:
        return answers
    item_schema = _with_id(schema)
    batch_schema = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": item_schema}},
        "required": ["items"],
        "additionalProperties": False,
    }
    for start in range(0, len(items), max(1, batch_size)):
        batch = items[start : start + batch_size]
        try:
            text = client.complete_json(
                system=instructions, prompt=_prompt(instructions, batch), schema=batch_schema
            )
        except LLMUnavailable as exc:
            _say(log, f"LLM unavailable ({client.name}): {exc}; {len(items) - start} items left to review")
            break
        for index, answer in _batch_answers(text, batch_schema, item_schema, len(batch), log).items():
            answers[start + index] = answer
    return answers


def _with_id(schema: dict) -> dict:
    properties = {"id": {"type": "integer"}, **schema.get("properties", {})}
    required = ["id", *[name for name in schema.get("required", []) if name != "id"]]
    return {**schema, "properties": properties, "required": required}


def _prompt(instructions: str, batch: list[dict]) -> str:
    lines = [json.dumps({"id": i, **item}, ensure_ascii=False) for i, item in enumerate(batch)]
    return (
        f'{instructions}\n\nAnswer with one JSON object {{"items": [...]}} holding one entry per item, '
        "repeating its id. Use null for anything the text does not say. Items, one per line:\n"
        + "\n".join(lines)
    )


def _batch_answers(text: str, batch_schema: dict, item_schema: dict, size: int, log: Log) -> dict[int, dict]:
    try:
        data = json.loads(_unfenced(text))
    except ValueError:
        _say(log, f"LLM answer is not JSON: {text[:80]!r}; the batch stays with the regex results")
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        _say(log, "LLM answer has no items list; the batch stays with the regex results")
        return {}
    answers: dict[int, dict] = {}
    for entry in data["items"]:
        errors = schema_errors(entry, item_schema)
        if errors:
            _say(log, f"LLM answer rejected: {errors[0]}")
            continue
        index = entry["id"]
        if 0 <= index < size and index not in answers:
            answers[index] = {key: value for key, value in entry.items() if key != "id"}
    return answers


def _unfenced(text: str) -> str:
    """Small models like to wrap JSON in ```json fences despite the format option."""
    match = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    return match[1] if match else text


def _say(log: Log, message: str) -> None:
    logger.warning(message)
    if log is not None:
        log(message)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(value: Any, schema: dict, path: str = "$") -> list[str]:
    """Validate against the JSON-schema subset the extraction schemas use (type, enum, properties,
    required, additionalProperties, items, minimum/maximum, pattern, maxLength); list the faults."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_TYPES[name](value) for name in names):
            return [f"{path} should be {' or '.join(names)}, not {json.dumps(value)[:40]}"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path} {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        errors += _object_errors(value, schema, path)
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{path}[{i}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path} {value} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path} {value} is above {schema['maximum']}")
    elif isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path} {value!r} does not match {schema['pattern']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path} is longer than {schema['maxLength']}")
    return errors


def _object_errors(value: dict, schema: dict, path: str) -> list[str]:
    errors = [f"{path}.{name} is missing" for name in schema.get("required", []) if name not in value]
    properties = schema.get("properties", {})
    for name, item in value.items():
        if name in properties:
            errors += schema_errors(item, properties[name], f"{path}.{name}")
        elif schema.get("additionalProperties") is False:
            errors.append(f"{path}.{name} is not allowed")
    return errors


_NUMBER = re.compile(r"(?<![\d.,:])\d+(?:[.,]\d+)?(?![\d:])")  # not the 45 of "7:45"
_CLOCK = re.compile(r"(?<![\d:.])(?:(\d{1,2}):)?(\d{1,2})[:.](\d{2})(?![\d:])")


def number_in_text(value: Any, text: str | None, *, clock: bool = False) -> bool:
    """Is `value` written in `text`? `152` in "HR 152"; with `clock=True` a number of seconds may be
    written as a time: 465 occurs in "7:45" and in the typo "7.45"; a string `"7:45"` is read as a time.
    """
    if value is None or not text:
        return False
    if isinstance(value, str):
        seconds = _clock_seconds(value)
        if seconds is None:
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                return False
        else:
            value, clock = seconds, True
    if clock and any(_match_seconds(m) == value for m in _CLOCK.finditer(text)):
        return True
    return any(float(token.replace(",", ".")) == float(value) for token in _NUMBER.findall(text))


def _clock_seconds(text: str) -> int | None:
    match = _CLOCK.fullmatch(text.strip())
    return _match_seconds(match) if match else None


def _match_seconds(match: re.Match) -> int:
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def numbers_all_in_text(value: str | None, text: str | None) -> bool:
    """Every number inside a string the model wrote (`"4x400m"`) occurs in the text."""
    if not value:
        return True
    return all(number_in_text(token, text) for token in _NUMBER.findall(value))


def words_in_text(value: str | None, text: str | None) -> bool:
    """Every word of a string the model wrote occurs in the text: it may only quote, not invent."""
    if not value:
        return True
    words = set(re.findall(r"\w+", (text or "").casefold()))
    return numbers_all_in_text(value, text) and all(w in words for w in re.findall(r"\w+", value.casefold()))
