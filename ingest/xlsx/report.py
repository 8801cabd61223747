"""The review report: one self-contained HTML page, per row the original cells next to what was parsed.

Rows below the confidence threshold are highlighted and listed first in a count at the top, so a
runner can check the doubtful ones against their own words. Written beside the database.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ingest.records import ParsedActivity
from ingest.xlsx.parser import SheetRow, WorkbookRead

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}tr.low{background:#fff1c2}
tr.low td.conf{color:#a40000;font-weight:bold}
#only-low:checked~table tbody tr:not(.low){display:none}
td.orig{color:#444}.pass-llm{color:#0055aa}.issues{color:#a40000;font-size:12px}.muted{color:#888}
"""


@dataclass(slots=True)
class ReportRow:
    row: SheetRow
    source_id: str
    outcome: str
    parsed: ParsedActivity


def _esc(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _clock(seconds: float | None) -> str:
    if not seconds:
        return ""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _field(label: str, value: object, passes: dict, name: str) -> str:
    if value in (None, "", False):
        return ""
    css = "pass-llm" if passes.get(name) == "llm" else ""
    tag = " (llm)" if css else ""
    return f'<div class="{css}">{_esc(label)}: {_esc(value)}{tag}</div>'


def _parsed_cell(item: ReportRow) -> str:
    parsed, found, passes = item.parsed, item.row.extracted, item.row.passes
    pace = f"{_clock(found.pace_s)}/{found.pace_unit}" if found.pace_s else None
    rep = f"{_clock(found.rep_pace_s)}/{found.rep_pace_unit}" if found.rep_pace_s else None
    km = f"{parsed.distance_m / 1000:.2f} km" if parsed.distance_m else None
    parts = [
        _field("distance", km, passes, "distance"),
        _field("pace", pace, passes, "pace_s"),
        _field("duration", _clock(parsed.duration_s), passes, "duration_s"),
        _field("HR", found.avg_hr, passes, "avg_hr"),
        _field("max HR", found.max_hr, passes, "max_hr"),
        _field("cadence", found.cadence_spm, passes, "cadence_spm"),
        _field("workout", found.workout, passes, "workout"),
        _field("type", parsed.workout_type, passes, "workout_type"),
        _field("rep pace", rep, passes, "rep_pace_s"),
        _field("treadmill", "yes" if found.treadmill else None, passes, "treadmill"),
        _field("comment", found.comment, passes, "comment"),
        _field("shoe", parsed.gear, passes, "gear"),
    ]
    return "".join(parts)


def _row_html(item: ReportRow, threshold: float) -> str:
    row, parsed = item.row, item.parsed
    low = (parsed.parse_confidence or 0) < threshold
    cells = "".join(f"<div>{_esc(k)}: {_esc(v)}</div>" for k, v in row.cells.items() if k != "notes")
    issues = "".join(f"<div>{_esc(i)}</div>" for i in parsed.raw.get("issues", []))
    return (
        f'<tr class="{"low" if low else ""}">'
        f"<td>{_esc(row.sheet)}<br>row {row.row}<br><span class='muted'>{_esc(item.source_id)}</span></td>"
        f"<td>{_esc(row.local_date.isoformat())}</td>"
        f'<td class="orig">{cells}</td><td class="orig">{_esc(row.notes)}</td>'
        f"<td>{_parsed_cell(item)}</td>"
        f'<td class="conf">{parsed.parse_confidence:.2f}</td>'
        f'<td class="issues">{issues}</td><td>{_esc(item.outcome)}</td></tr>'
    )


def report_html(
    *, name: str, rows: list[ReportRow], book: WorkbookRead, threshold: float, summary: str
) -> str:
    """The whole page as a string: inline CSS, no scripts, nothing fetched."""
    low = sum(1 for item in rows if (item.parsed.parse_confidence or 0) < threshold)
    problems = "".join(f"<li>{_esc(p.message)}</li>" for p in book.errors)
    ignored = ", ".join(_esc(s) for s in book.ignored_sheets) or "none"
    body = "".join(_row_html(item, threshold) for item in rows)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Training log review: {_esc(name)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Training log review: {_esc(name)}</h1>"
        f"<p>{_esc(summary)}</p>"
        f"<p><strong>{low}</strong> of {len(rows)} rows below confidence {threshold:.2f} are highlighted. "
        f"Sheets read: {_esc(', '.join(book.sheets))}; sheets without a header: {ignored}; "
        f"{len(book.skipped)} blank or summary rows skipped.</p>"
        + (f"<h2>Rows that failed</h2><ul>{problems}</ul>" if problems else "")
        + "<input type='checkbox' id='only-low'><label for='only-low'> show only highlighted rows</label>"
        + "<table><thead><tr><th>where</th><th>date</th><th>cells</th><th>notes</th><th>parsed</th>"
        f"<th>confidence</th><th>issues</th><th>outcome</th></tr></thead><tbody>{body}</tbody></table>"
        f"<p class='muted'>Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Values in blue came from "
        "the LLM and were checked against the note.</p></body></html>"
    )


def report_write(
    *, name: str, rows: list[ReportRow], book: WorkbookRead, threshold: float, summary: str
) -> Path:
    """Write the page to `DATA_DIR/xlsx-review-<workbook>.html` and return its path."""
    stem = re.sub(r"[^\w.-]+", "_", Path(name).stem) or "workbook"
    path = Path(settings.DATA_DIR) / f"xlsx-review-{stem}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    page = report_html(name=name, rows=rows, book=book, threshold=threshold, summary=summary)
    path.write_text(page, encoding="utf-8")
    return path
