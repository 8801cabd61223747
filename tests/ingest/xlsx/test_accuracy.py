"""Field-level accuracy of the regex pass alone against the sample's answer key (a test oracle only)."""

import json

from ingest.xlsx.parser import workbook_read


def _fields(row) -> dict:
    found = row.extracted
    return {
        "date": row.local_date.isoformat(),
        "miles": row.cells["distance"],
        "intensity": row.intensity,
        "pace_s_per_mile": found.pace_s if found.pace_unit in (None, "mi") else None,
        "hr": found.avg_hr,
        "cadence_spm": found.cadence_spm,
        "comment": found.comment,
        "workout": found.workout,
        "treadmill": found.treadmill,
        "rep_pace_s_per_mile": found.rep_pace_s,
    }


def _expected(entry: dict) -> dict:
    parsed = entry["parsed"]
    return {
        "date": entry["date"],
        "miles": entry["miles"],
        "intensity": entry["intensity"],
        "pace_s_per_mile": parsed["pace_s_per_mile"],
        "hr": parsed["hr"],
        "cadence_spm": parsed["cadence_spm"],
        "comment": parsed["comment"],
        "workout": parsed.get("workout"),
        "treadmill": parsed.get("treadmill", False),
        "rep_pace_s_per_mile": parsed.get("rep_pace_s_per_mile"),
    }


def test_the_regex_pass_gets_at_least_99_percent_of_the_keys_fields_right(samples):
    folder = samples / "xlsx"
    key = json.loads((folder / "training_log.key.json").read_text())
    book = workbook_read((folder / "training_log.xlsx").read_bytes(), name="training_log.xlsx")
    rows = {(row.sheet, row.row): row for row in book.rows}
    assert len(book.rows) == len(key) == 349  # every run found; no summary or blank row taken for one
    right = total = 0
    wrong = []
    for entry in key:
        row = rows.get((entry["sheet"], entry["row"]))
        got = _fields(row) if row else {}
        for name, value in _expected(entry).items():
            total += 1
            if got.get(name) == value:
                right += 1
            else:
                wrong.append(f"row {entry['row']} {name}: expected {value!r}, got {got.get(name)!r}")
    accuracy = right / total
    print(f"\ntraining_log.xlsx regex pass: {right}/{total} fields right = {accuracy:.2%}")
    assert accuracy >= 0.99, "\n".join(wrong[:20])
