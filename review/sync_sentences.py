"""A sync's last run in a sentence a runner reads: "Imported 3 new runs, 1 unchanged; 1 file failed: …".

Every run records its result's `summary()` on its SyncState row: counters as `name=count` pairs
(`ingest.sync.SyncResult.counts`), maybe split into parts (`activities: …; files: …`, `… | files: …`),
maybe prefixed `failed: ` or `interrupted: `. These are read back into counts here and put into words;
a counter without words of its own is shown by its name, so a new counter is never lost.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ingest.models import SyncState

SYNC_NAMES = {
    "icloud": "HealthFit (iCloud)",
    "files": "File import",
    "garmin_export": "Garmin export",
    "garmin": "Garmin Connect",
    "garmin_connect": "Garmin Connect",
    "strava": "Strava",
    "strava_export": "Strava export",
    "runalyze": "Runalyze",
    "xlsx": "Training log",
    "reconcile": "Reconcile",
}
# What one item of a part is: reconcile counts activities, the training log rows, an upload part
# (`files:`) recordings; everything else counts runs. A failed item of a file route is a file.
PART_ITEM = {"files": "recording"}
SYNC_ITEM = {"reconcile": "activity", "xlsx": "row"}
# `{n}` and `{item}` / `{items}`; the counters a route adds are listed too.
PHRASES = {
    "created": "{n} new {items}",
    "imported": "{n} new {items}",
    "updated": "{n} updated",
    "unchanged": "{n} unchanged",
    "already_seen": "{n} already imported",
    "skipped": "{n} skipped",
    "pending": "{n} still being written (next sync)",
    "ignored": "{n} not {items} (ignored)",
    "deleted": "{n} deleted at the source",
    "missing": "{n} gone from the source",
    "kept_api": "{n} kept as the API sent them",
    "low_confidence": "{n} to review",
    "llm_answered": "{n} notes read by the language model",
    "paired": "{n} paired with their recording",
    "without_file": "{n} without a recording",
    "multisport_parents": "{n} multisport summaries skipped",
    "conflicts": "{n} new conflict{s}",
    "auto_resolved": "{n} settled by source priority",
    "new_values": "{n} decision{s} with new source values",
    "review": "{n} flagged for review",
    "moved": "{n} moved to another activity",
}
ENDED = {"failed": "The last run failed", "interrupted": "The last run was interrupted"}
NEW = {"created", "imported"}
QUIET = {"api_calls", "requests", "calls"}  # how the work was done, not what it did
_PAIR = re.compile(r"(\w+)=(\S+)")


@dataclass(slots=True)
class SummaryPart:
    name: str  # "" for the run's own counts, "files" for its uploads
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # non-numeric values (resume_after=…)


@dataclass(slots=True)
class ParsedSummary:
    ended: str  # "", "failed" or "interrupted"
    parts: list[SummaryPart]


@dataclass(slots=True)
class SyncLine:
    """One sync on the dashboard: its name, when it last ran and succeeded, what it did."""

    name: str
    label: str
    last_sync_at: dt.datetime | None
    last_success_at: dt.datetime | None
    sentence: str
    error: str
    ok: bool


def summary_parse(summary: str) -> ParsedSummary:
    """`failed: created=1 failed=2 | files: imported=3` → ended "failed", two parts of counts."""
    text = (summary or "").strip()
    ended = ""
    for how in ("failed", "interrupted"):
        if text == how or text.startswith(f"{how}:"):
            ended, text = how, text.removeprefix(how).removeprefix(":").strip()
    parts = []
    for chunk in re.split(r"\s*[;|]\s*", text):
        label, _, rest = chunk.partition(":") if re.match(r"^\w+:", chunk) else ("", "", chunk)
        part = SummaryPart(label.strip())
        for key, value in _PAIR.findall(rest):
            if value.isdigit():
                part.counts[key] = int(value)
            else:
                part.extra[key] = value
        if part.counts or part.extra:
            parts.append(part)
    return ParsedSummary(ended, parts)


def _item(sync: str, part: str) -> str:
    return PART_ITEM.get(part) or SYNC_ITEM.get(sync) or "run"


def _failed_item(sync: str, part: SummaryPart) -> str:
    return "file" if part.name == "files" or "imported" in part.counts else _item(sync, part.name)


def _plural(word: str, n: int) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _phrases(part: SummaryPart, item: str, *, imported: bool) -> list[str]:
    said = []
    for key, n in part.counts.items():
        if not n or key in QUIET or key == "failed":
            continue
        phrase = PHRASES.get(key, f"{{n}} {key.replace('_', ' ')}")
        if key in NEW and imported:
            phrase = "imported " + phrase
        said.append(phrase.format(n=n, items=_plural(item, n), s="" if n == 1 else "s"))
    return said


def _first_line(error: str) -> str:
    line = (error or "").strip().splitlines()[0] if (error or "").strip() else ""
    return line if len(line) <= 160 else line[:159] + "…"


def sync_sentence(*, name: str, summary: str, error: str = "") -> str:
    """The last run of sync `name` in words, e.g. "Imported 3 new runs, 1 unchanged; 1 file failed:
    bad.fit: truncated." A run that ended early says so first."""
    parsed = summary_parse(summary)
    clauses = []
    failed_total, failed_item = 0, "run"
    for part in parsed.parts:
        item = _item(name, part.name)
        said = _phrases(part, item, imported=name != "reconcile")
        if said:
            clause = ", ".join(said)
            named = part.name and len(parsed.parts) > 1
            clauses.append(f"{part.name}: {clause}" if named else clause)
        failed = part.counts.get("failed", 0)
        if failed:
            failed_total += failed
            failed_item = _failed_item(name, part)
        if "resume_after" in part.extra:
            clauses.append(f"stopped by the rate limit, resumes after {part.extra['resume_after']}")
    text = "; ".join(clauses) if clauses else ("Nothing new" if parsed.parts else "")
    if failed_total:
        detail = _first_line(error)
        more = f": {detail}" if detail else ""
        text = (
            text + "; " if text else ""
        ) + f"{failed_total} {_plural(failed_item, failed_total)} failed{more}"
    if parsed.ended:
        reason = _first_line(error)
        head = ENDED[parsed.ended] + (f": {reason}" if reason and not failed_total else "")
        text = head + (f". Before that: {text}" if text else "")
    elif not text and error:
        text = f"Error: {_first_line(error)}"
    text = text[:1].upper() + text[1:]
    return text + "." if text and not text.endswith((".", "…")) else text


def sync_lines(states: list[SyncState]) -> list[SyncLine]:
    """The dashboard's sync rows, in the order given."""
    return [
        SyncLine(
            name=state.name,
            label=SYNC_NAMES.get(state.name, state.name.replace("_", " ").capitalize()),
            last_sync_at=state.last_sync_at,
            last_success_at=state.last_success_at,
            sentence=sync_sentence(name=state.name, summary=state.last_summary, error=state.last_error)
            or "Has not finished a run yet.",
            error=state.last_error,
            ok=not state.last_error,
        )
        for state in states
    ]
