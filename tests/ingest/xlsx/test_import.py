"""The import service and command: idempotency, stable identity through edits, shoes, the report."""

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from activities.models import ActivitySource, Shoe, ShoeAlias
from activities.selectors import shoe_alias_key
from ingest.locks import SyncBusy, sync_lock
from ingest.models import ProcessedFile, SyncState
from ingest.records import SourceError
from ingest.xlsx.importer import xlsx_import
from tests.support.workbooks import book_write, compound_file, member_cut, run, sample_layout

pytestmark = pytest.mark.django_db


def _records() -> dict[str, ActivitySource]:
    return {r.source_id: r for r in ActivitySource.objects.filter(source="master_xlsx")}


def test_importing_the_sample_twice_changes_nothing_the_second_time(samples):
    path = samples / "xlsx" / "training_log.xlsx"
    first = xlsx_import(path=path)
    assert first.summary() == (
        "created=349 updated=0 unchanged=0 deleted=0 failed=0 skipped=74 low_confidence=0 llm_answered=0"
    )
    second = xlsx_import(path=path)
    assert second.summary() == (
        "created=0 updated=0 unchanged=349 deleted=0 failed=0 skipped=74 low_confidence=0 llm_answered=0"
    )
    record = ActivitySource.objects.get(source="master_xlsx", source_id="Log|2013-01-19#1")
    assert record.route == "xlsx"
    assert (record.local_date, record.start_time) == (dt.date(2013, 1, 19), None)
    assert record.distance_m == pytest.approx(6.2 * 1609.344, abs=0.05)
    assert record.duration_s == pytest.approx(390 * 6.2, abs=0.1)  # 6:30/mi × 6.2 mi
    assert (record.avg_hr, record.avg_cadence_spm, record.intensity_score) == (173, 175, 10)
    assert (record.workout_name, record.workout_type, record.notes) == ("10K race", "race", "calf tight")
    assert (record.gear, record.sport, record.sub_sport) == ("ghost", "running", "")
    assert record.parse_confidence == 1.0 and not record.needs_review
    assert record.raw["cells"]["notes"] == "10K race! 6:30; 173; 175; calf tight"
    assert record.raw["pass"]["pace_s"] == "regex"
    double = ActivitySource.objects.get(source="master_xlsx", source_id="Log|2013-01-19#2")
    assert double.notes == "calf tight" and double.avg_hr == 133
    assert ActivitySource.objects.filter(source="master_xlsx", sub_sport="treadmill").count() == 22
    assert ProcessedFile.objects.get().status == "imported"


def test_shoe_aliases_from_the_admin_map_every_variant_to_its_shoe(samples):
    """The key names each row's real shoe: with the aliases a runner would add, every row resolves."""
    aliases = {
        "Pegasus 38": ["Peg38", "peg 38"],
        "Vaporfly Next% 2": ["VF", "Vaporfly"],
        "Ghost 14": ["ghost"],
        "Clifton 8": ["clifton"],
    }
    for name, variants in aliases.items():
        shoe = Shoe.objects.create(name=name)
        for key in {shoe_alias_key(variant) for variant in variants}:  # "Peg38" and "peg 38" share one
            ShoeAlias.objects.create(alias=key, shoe=shoe)
    xlsx_import(path=samples / "xlsx" / "training_log.xlsx")
    key = json.loads((samples / "xlsx" / "training_log.key.json").read_text())
    got = {
        (r.local_date.isoformat(), r.distance_m and round(r.distance_m / 1609.344, 1)): r.shoe.name
        for r in ActivitySource.objects.filter(source="master_xlsx").select_related("shoe")
    }
    assert all(got[(entry["date"], entry["miles"])] == entry["shoe"] for entry in key)
    assert Shoe.objects.count() == 4 and not Shoe.objects.filter(needs_review=True).exists()


def test_written_variants_share_one_shoe_and_an_unknown_one_is_created_for_review(tmp_path):
    path = book_write(
        tmp_path / "log.xlsx",
        sample_layout(
            [
                run(1, 5, shoe="peg 38"),
                run(2, 5, shoe="Peg38"),
                run(3, 5, shoe="PEG-38"),
                run(4, 5, shoe="Hoka X"),
            ]
        ),
    )
    result = xlsx_import(path=path)
    assert result.created == 4 and result.failed == 0
    records = _records()
    assert len({records[f"Log|2013-01-0{d}#1"].shoe_id for d in (1, 2, 3)}) == 1
    unknown = records["Log|2013-01-04#1"].shoe
    assert unknown.name == "Hoka X" and unknown.needs_review


def test_edits_inserts_and_deletions_update_in_place_without_re_keying(tmp_path):
    path = tmp_path / "log.xlsx"
    book_write(
        path,
        sample_layout(
            [
                run(2, 5.0, "8:00; 150; 180"),
                run(3, 6.0, "8:10; 151; 181"),
                run(4, 4.0, "8:20; 140; 178; morning"),
                run(4, 3.0, "8:30; 135; 176; evening"),
                run(5, 7.0, "ok"),
            ]
        ),
    )
    xlsx_import(path=path)
    before = {sid: r.pk for sid, r in _records().items()}
    assert sorted(before) == [
        "Log|2013-01-02#1",
        "Log|2013-01-03#1",
        "Log|2013-01-04#1",
        "Log|2013-01-04#2",
        "Log|2013-01-05#1",
    ]
    # A new run inserted at the top, one edited, the morning run of the double deleted.
    book_write(
        path,
        sample_layout(
            [
                run(1, 3.0, "easy"),
                run(2, 5.0, "8:00; 150; 180"),
                run(3, 6.5, "8:10; 151; 181"),
                run(4, 3.0, "8:30; 135; 176; evening"),
                run(5, 7.0, "ok"),
            ]
        ),
    )
    result = xlsx_import(path=path)
    assert (result.created, result.updated, result.unchanged, result.deleted) == (1, 1, 3, 1)
    after = _records()
    assert {sid: after[sid].pk for sid in before} == before  # nobody re-keyed
    assert after["Log|2013-01-03#1"].distance_m == pytest.approx(6.5 * 1609.344, abs=0.05)
    assert after["Log|2013-01-04#1"].deleted_at is not None
    assert after["Log|2013-01-04#2"].deleted_at is None and after["Log|2013-01-04#2"].notes == "evening"
    assert after["Log|2013-01-01#1"].notes == "easy"
    assert xlsx_import(path=path).unchanged == 5


def test_editing_one_run_of_a_double_updates_only_that_run(tmp_path):
    path = tmp_path / "log.xlsx"
    book_write(path, sample_layout([run(4, 4.0, "HR 140 morning"), run(4, 3.0, "HR 135 evening")]))
    xlsx_import(path=path)
    book_write(path, sample_layout([run(4, 4.0, "HR 140 morning"), run(4, 3.0, "HR 136 evening, tired")]))
    result = xlsx_import(path=path)
    assert (result.created, result.updated, result.unchanged, result.deleted) == (0, 1, 1, 0)
    assert _records()["Log|2013-01-04#2"].notes == "evening, tired"
    # A third run that day, written first, is new; the other two keep their records.
    book_write(
        path,
        sample_layout(
            [run(4, 2.0, "shakeout"), run(4, 4.0, "HR 140 morning"), run(4, 3.0, "HR 136 evening, tired")]
        ),
    )
    result = xlsx_import(path=path)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 2)
    assert _records()["Log|2013-01-04#3"].notes == "shakeout"


def test_a_row_restored_after_deletion_comes_back_to_its_record(tmp_path):
    path = tmp_path / "log.xlsx"
    book_write(path, sample_layout([run(1, 5.0, "ok"), run(2, 6.0, "fine")]))
    xlsx_import(path=path)
    book_write(path, sample_layout([run(1, 5.0, "ok")]))
    assert xlsx_import(path=path).deleted == 1
    book_write(path, sample_layout([run(1, 5.0, "ok"), run(2, 6.0, "fine")]))
    result = xlsx_import(path=path)
    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    assert _records()["Log|2013-01-02#1"].deleted_at is None


def test_rows_the_regex_pass_doubts_are_flagged_when_no_llm_answers(tmp_path):
    path = book_write(
        tmp_path / "log.xlsx", sample_layout([run(1, 5.0, "ran with Bob, 2 laps, 152"), run(2, 5.0, "ok")])
    )
    result = xlsx_import(path=path)
    assert result.low_confidence == 1 and result.llm_answered == 0
    doubtful = _records()["Log|2013-01-01#1"]
    assert doubtful.needs_review and doubtful.parse_confidence == 0.4  # two numbers unexplained
    assert doubtful.raw["needs_review"] is True
    assert "numbers the regex pass did not understand" in doubtful.review_reason
    assert not _records()["Log|2013-01-02#1"].needs_review


def test_a_reviewers_verdict_survives_an_unchanged_re_import(tmp_path):
    path = book_write(tmp_path / "log.xlsx", sample_layout([run(1, 5.0, "ran with Bob, 2 laps, 152")]))
    xlsx_import(path=path)
    ActivitySource.objects.update(needs_review=False)
    xlsx_import(path=path)
    assert not ActivitySource.objects.get().needs_review


def test_review_writes_a_self_contained_report_beside_the_database(tmp_path, settings):
    path = book_write(
        tmp_path / "my log.xlsx",
        sample_layout([run(1, 5.0, "ran with <Bob>, 2 laps, 152"), run(2, 5.0, "7:45; 152; 178; felt good")]),
    )
    result = xlsx_import(path=path, review=True)
    assert result.report_path == settings.DATA_DIR / "xlsx-review-my_log.html"
    page = result.report_path.read_text()
    assert page.count('<tr class="low">') == 1
    assert "ran with &lt;Bob&gt;, 2 laps, 152" in page
    assert "pace: 7:45/mi" in page and "HR: 152" in page
    assert "<script" not in page and "http" not in page.split("</style>")[0]


def test_the_command_prints_a_line_per_row_and_the_summary(samples, capsys):
    call_command("import_xlsx", str(samples / "xlsx" / "training_log.xlsx"), "--review")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("created Log|2013-01-01#1 11.43 km")
    assert out[-2].startswith("review report: ") and out[-2].endswith("xlsx-review-training_log.html")
    assert out[-1].startswith("created=349 ")
    call_command("import_xlsx", str(samples / "xlsx" / "training_log.xlsx"), "--quiet")
    assert capsys.readouterr().out.splitlines() == [
        "created=0 updated=0 unchanged=349 deleted=0 failed=0 skipped=74 low_confidence=0 llm_answered=0"
    ]


def test_a_corrupt_file_is_a_command_error_naming_it(tmp_path):
    bad = tmp_path / "log.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(CommandError, match=r"log\.xlsx: not a readable \.xlsx workbook"):
        call_command("import_xlsx", str(bad))
    with pytest.raises(CommandError, match=r"missing\.xlsx: cannot read the file"):
        call_command("import_xlsx", str(tmp_path / "missing.xlsx"))
    assert not ActivitySource.objects.exists()


def test_the_import_holds_the_xlsx_lock_a_second_run_is_told_to_wait(tmp_path):
    path = book_write(tmp_path / "log.xlsx", sample_layout([run(1, 5.0, "ok")]))
    with sync_lock(name="xlsx"):
        with pytest.raises(SyncBusy, match=r"The xlsx sync is already running \(pid "):
            xlsx_import(path=path)
        with pytest.raises(CommandError, match=r"The xlsx sync is already running"):
            call_command("import_xlsx", str(path), "--quiet")
    assert not ActivitySource.objects.exists()
    assert xlsx_import(path=path).created == 1  # the lock is free again


def test_the_workbook_is_archived_in_the_raw_store_by_its_sha256_and_the_run_recorded(tmp_path, settings):
    path = book_write(tmp_path / "log.xlsx", sample_layout([run(1, 5.0, "ok"), run(2, 6.0, "fine")]))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()

    result = xlsx_import(path=path)

    archived = Path(settings.RAW_STORE_DIR) / sha[:2] / f"{sha}.xlsx"
    assert archived.read_bytes() == path.read_bytes()
    row = ProcessedFile.objects.get()
    assert (row.sha256, row.raw_path, row.route) == (sha, f"{sha[:2]}/{sha}.xlsx", "xlsx")
    assert set(_records()) == {"Log|2013-01-01#1", "Log|2013-01-02#1"}
    assert {r.file_id for r in _records().values()} == {row.pk}
    state = SyncState.objects.get(name="xlsx")
    assert (state.last_summary, state.last_error) == (result.summary(), "")
    assert state.last_success_at is not None and state.locked_by == ""


def test_an_unreadable_workbook_is_archived_first_and_its_failed_run_recorded(tmp_path, settings):
    bad = tmp_path / "log.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(SourceError, match="not a readable"):
        xlsx_import(path=bad)
    sha = hashlib.sha256(bad.read_bytes()).hexdigest()
    assert (Path(settings.RAW_STORE_DIR) / sha[:2] / f"{sha}.xlsx").exists()  # nothing is lost
    assert "not a readable" in SyncState.objects.get(name="xlsx").last_error


def test_a_date_against_its_columns_order_is_stored_flagged_with_the_reason(tmp_path, settings):
    settings.XLSX_LLM_THRESHOLD = 0.2  # a contradicted date is flagged whatever the threshold
    rows = [["Date", "Miles"], ["25/03/2014", 5], ["26/03/2014", 6], ["3/28/2014", 7]]
    xlsx_import(path=book_write(tmp_path / "eu.xlsx", {"Log": rows}))
    records = _records()
    flagged = records["Log|2014-03-28#1"]
    assert flagged.needs_review
    assert flagged.review_reason == (
        "date '3/28/2014' can only be read month-first (2014-03-28), but this column's dates are "
        "day-first: check it"
    )
    assert not records["Log|2014-03-25#1"].needs_review


def test_a_damaged_sheet_fails_alone_and_its_stored_runs_are_not_marked_deleted(tmp_path):
    sheets = {
        "2013": [["Date", "Miles"]] + [[dt.datetime(2013, 1, day), 5] for day in range(1, 29)],
        "2014": [["Date", "Miles"], [dt.datetime(2014, 1, 2), 6]],
    }
    path = book_write(tmp_path / "log.xlsx", sheets)
    xlsx_import(path=path)
    sheets["2014"].append([dt.datetime(2014, 1, 3), 7])
    member_cut(book_write(path, sheets), "xl/worksheets/sheet1.xml")

    result = xlsx_import(path=path)

    assert (result.created, result.deleted, result.failed) == (1, 0, 1)
    assert "log.xlsx: sheet '2013' is damaged and was not read" in result.errors[0]
    assert ActivitySource.objects.filter(source="master_xlsx", deleted_at__isnull=True).count() == 30


def test_a_password_protected_workbook_is_a_command_error_saying_so(tmp_path):
    path = tmp_path / "log.xlsx"
    path.write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    with pytest.raises(CommandError, match="password-protected: save an unprotected copy"):
        call_command("import_xlsx", str(path))
