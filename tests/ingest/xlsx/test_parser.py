"""The workbook reader on layouts unlike the sample's: parse formats, not one file."""

import datetime as dt

import pytest

from ingest.records import SourceError
from ingest.xlsx.columns import aliases_merged, header_key, header_match
from ingest.xlsx.parser import cell_date, date_order_day_first, row_activity, workbook_read
from tests.support.workbooks import book_write, compound_file, member_cut


@pytest.fixture
def other_layout(tmp_path):
    """Header on row 3, km, "Comments", text dates (day first), two sheets, a week total, a double."""
    return book_write(
        tmp_path / "log2019.xlsx",
        {
            "2019": [
                ["Running log 2019"],
                [],
                ["Day", "Distance (km)", "RPE", "Shoes", "Comments", "Type"],
                ["03/01/2019", 10, 4, "peg 38", "4:50; 150; 180; easy", None],
                ["13/01/2019", 12.5, 5, "Peg38", "HR 152, cad 88", "Long run"],
                ["Week total", 22.5, None, None, None, None],
                [None, None, None, None, None, None],
                ["14/01/2019", 8, 8, "Ghost 14", "6x800 @ 3:40 w/ 400 jog", None],
                ["14/01/2019", "3 km", 2, "Ghost 14", "cool-down", None],
                ["Jan 15, 2019", "rest", None, None, None, None],
            ],
            "Notes": [["Nothing to see", "here"]],
            "2020": [
                ["Date", "Meters", "Effort", "Shoe", "Notes"],
                [43834, 5000, 10, "VF", "5K race! 3:40/km"],
                ["Sat 4 Jan 2020", 3000, 2, "VF", None],
            ],
        },
    )


def test_it_reads_every_sheet_with_a_header_whatever_the_layout(other_layout):
    book = workbook_read(other_layout.read_bytes(), name=other_layout.name)
    assert book.sheets == ["2019", "2020"]
    assert book.ignored_sheets == ["Notes"]
    assert book.errors == []
    assert [(r.provisional_id, r.row, r.distance_m, r.distance_unit) for r in book.rows] == [
        ("2019|2019-01-03#1", 4, 10000.0, "km"),
        ("2019|2019-01-13#1", 5, 12500.0, "km"),
        ("2019|2019-01-14#1", 8, 8000.0, "km"),
        ("2019|2019-01-14#2", 9, 3000.0, "km"),
        ("2020|2020-01-04#1", 2, 5000.0, "m"),
        ("2020|2020-01-04#2", 3, 3000.0, "m"),
    ]
    assert [(p.sheet, p.row, p.message) for p in book.skipped] == [
        ("2019", 6, "no date: a summary row"),
        ("2019", 7, "blank"),
        ("2019", 10, "no distance and no notes: a rest day"),
    ]


def test_a_km_sheet_reads_bare_paces_per_km_and_keeps_the_original_cells(other_layout):
    book = workbook_read(other_layout.read_bytes(), name=other_layout.name)
    first = row_activity(book.rows[0], source_id=book.rows[0].provisional_id, threshold=0.7)
    assert first.source == "master_xlsx"
    assert first.local_date == dt.date(2019, 1, 3)
    assert first.start_time is None
    assert first.distance_m == 10000.0
    assert first.duration_s == 2900.0  # 4:50/km × 10 km
    assert (first.avg_hr, first.avg_cadence_spm, first.intensity_score) == (150, 180, 4.0)
    assert (first.gear, first.notes, first.workout_type) == ("peg 38", "easy", "easy")
    assert first.raw["cells"] == {
        "date": "03/01/2019",
        "distance": 10,
        "intensity": 4,
        "shoe": "peg 38",
        "notes": "4:50; 150; 180; easy",
        "workout": None,
    }
    assert first.raw["parsed"]["pace_s_per_km"] == 290.0
    assert first.raw["pass"] == {
        "avg_hr": "regex",
        "cadence_spm": "regex",
        "comment": "regex",
        "pace_s": "regex",
        "workout_type": "regex",
    }


def test_the_workout_column_names_the_workout_and_a_per_leg_cadence_is_doubled(other_layout):
    rows = workbook_read(other_layout.read_bytes(), name=other_layout.name).rows
    second = row_activity(rows[1], source_id="x", threshold=0.7)
    assert (second.workout_name, second.workout_type) == ("Long run", "long")
    assert (second.avg_hr, second.avg_cadence_spm) == (152, 176)
    assert second.parse_confidence == 0.9
    intervals = row_activity(rows[2], source_id="y", threshold=0.7)
    assert (intervals.workout_name, intervals.workout_type) == ("6x800 @ 3:40 w/ 400 jog", "interval")
    assert intervals.duration_s is None  # a rep pace says nothing about the whole run


def test_excel_serial_numbers_and_weekday_dates_are_dates(other_layout):
    rows = workbook_read(other_layout.read_bytes(), name=other_layout.name).rows
    race = row_activity(rows[4], source_id="z", threshold=0.7)
    assert race.local_date == dt.date(2020, 1, 4)
    assert (race.workout_name, race.workout_type, race.duration_s) == ("5K race", "race", 1100.0)


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        (dt.datetime(2013, 1, 5), False, dt.date(2013, 1, 5)),
        ("2013-01-05", False, dt.date(2013, 1, 5)),
        ("1/5/2013", False, dt.date(2013, 1, 5)),
        ("5/1/2013", True, dt.date(2013, 1, 5)),
        ("05.01.13", True, dt.date(2013, 1, 5)),
        ("Jan 5, 2013", False, dt.date(2013, 1, 5)),
        ("Saturday, January 5th, 2013", False, dt.date(2013, 1, 5)),
        ("5 Jan 2013", False, dt.date(2013, 1, 5)),
        (41279, False, dt.date(2013, 1, 5)),
        ("someday", False, None),
        ("31/31/2013", True, None),
    ],
)
def test_dates_in_common_formats(value, day_first, expected):
    assert cell_date(value, day_first=day_first) == expected


def test_an_unreadable_date_fails_that_row_only(tmp_path):
    path = book_write(
        tmp_path / "bad.xlsx",
        {"Log": [["Date", "Miles"], ["yesterday-ish", 5], [dt.datetime(2013, 1, 2), 6]]},
    )
    book = workbook_read(path.read_bytes(), name=path.name)
    assert [r.provisional_id for r in book.rows] == ["Log|2013-01-02#1"]
    assert [p.message for p in book.errors] == [
        "bad.xlsx: sheet 'Log' row 2: 'yesterday-ish' is not a date I can read"
    ]


def test_a_file_that_is_not_a_workbook_is_a_source_error_naming_it():
    with pytest.raises(SourceError, match=r"notes\.txt: not a readable \.xlsx workbook"):
        workbook_read(b"just some text", name="notes.txt")


def test_a_truncated_workbook_is_a_source_error(samples):
    data = (samples / "xlsx" / "training_log.xlsx").read_bytes()
    with pytest.raises(SourceError, match=r"training_log\.xlsx: "):
        workbook_read(data[: len(data) // 2], name="training_log.xlsx")


def test_a_workbook_without_a_header_row_is_a_source_error(tmp_path):
    path = book_write(tmp_path / "plain.xlsx", {"Sheet": [["a", "b"], [1, 2]]})
    with pytest.raises(
        SourceError, match="no sheet has a header row with a date column and a distance column"
    ):
        workbook_read(path.read_bytes(), name=path.name)


def test_configured_aliases_extend_the_defaults(tmp_path):
    path = book_write(
        tmp_path / "de.xlsx",
        {"Lauf": [["Tag", "Strecke (km)", "Bemerkung"], [dt.datetime(2013, 1, 2), 10, "HR 140"]]},
    )
    with pytest.raises(SourceError):
        workbook_read(path.read_bytes(), name=path.name)
    aliases = {"date": ["Tag"], "distance": ["Strecke"], "notes": ["Bemerkung"]}
    rows = workbook_read(path.read_bytes(), name=path.name, aliases=aliases).rows
    assert [(r.distance_m, r.extracted.avg_hr) for r in rows] == [(10000.0, 140)]


def test_header_names_are_normalised_and_units_come_from_the_header():
    assert header_key(" Distance (km) ") == "distance"
    aliases = aliases_merged(None)
    for header, unit in (
        ("Miles", "mi"),
        ("Distance (km)", "km"),
        ("km", "km"),
        ("Meters", "m"),
        ("Dist", "mi"),
    ):
        assert header_match(("Date", header), aliases, 1).distance_unit == unit
    assert header_match(("Date", "Notes"), aliases, 1) is None


def test_a_distance_too_long_for_one_run_is_flagged_for_review(tmp_path):
    path = book_write(tmp_path / "m.xlsx", {"Log": [["Date", "Miles"], [dt.datetime(2013, 1, 2), 5000]]})
    (row,) = workbook_read(path.read_bytes(), name=path.name).rows
    parsed = row_activity(row, source_id="x", threshold=0.7)
    assert parsed.raw["needs_review"] and parsed.parse_confidence == 0.65
    assert parsed.raw["issues"] == ["distance 5000 mi is implausible for one run: check the unit"]


def test_a_total_row_is_skipped_even_when_it_carries_a_date(tmp_path):
    rows = [
        ["Date", "Miles", "Notes"],
        [dt.datetime(2013, 1, 6), 8, "summary: long and slow"],
        [dt.datetime(2013, 1, 6), 47.9, "Week total"],
    ]
    path = book_write(tmp_path / "t.xlsx", {"Log": rows})
    book = workbook_read(path.read_bytes(), name=path.name)
    assert [r.provisional_id for r in book.rows] == ["Log|2013-01-06#1"]
    assert [(p.row, p.message) for p in book.skipped] == [(3, "a summary row with a date")]


# --- damaged, protected and old workbooks --------------------------------------------------------------


def _two_sheets(tmp_path):
    return book_write(
        tmp_path / "log.xlsx",
        {
            "2013": [["Date", "Miles"]] + [[dt.datetime(2013, 1, day), 5] for day in range(1, 29)],
            "2014": [["Date", "Miles"], [dt.datetime(2014, 1, 2), 6]],
        },
    )


def test_a_sheet_whose_xml_is_cut_short_is_an_error_naming_it_and_the_other_sheets_are_read(tmp_path):
    path = member_cut(_two_sheets(tmp_path), "xl/worksheets/sheet1.xml")
    book = workbook_read(path.read_bytes(), name=path.name)
    assert (book.sheets, book.damaged_sheets) == (["2014"], ["2013"])
    assert [r.provisional_id for r in book.rows] == ["2014|2014-01-02#1"]
    (problem,) = book.errors
    assert problem.message.startswith("log.xlsx: sheet '2013' is damaged and was not read (")
    assert problem.message.endswith(
        "its runs already imported are left as they are: repair or re-save the workbook"
    )


def test_a_workbook_whose_only_sheet_is_cut_short_is_a_source_error_naming_the_sheet(tmp_path):
    path = book_write(
        tmp_path / "one.xlsx", {"Log": [["Date", "Miles"]] + [[dt.datetime(2013, 1, 2), 5]] * 30}
    )
    member_cut(path, "xl/worksheets/sheet1.xml", keep=0.6)
    with pytest.raises(SourceError, match=r"^one\.xlsx: sheet 'Log' is damaged and was not read \("):
        workbook_read(path.read_bytes(), name=path.name)


def test_a_password_protected_workbook_says_so():
    data = compound_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])
    with pytest.raises(
        SourceError, match=r"^log\.xlsx: the workbook is password-protected: save an unprotected copy"
    ):
        workbook_read(data, name="log.xlsx")


def test_an_excel_97_workbook_is_told_to_be_saved_as_xlsx():
    with pytest.raises(SourceError, match=r"^log\.xls: an Excel 97-2003 workbook \(\.xls\), not \.xlsx"):
        workbook_read(compound_file(["Workbook", "\x05SummaryInformation"]), name="log.xls")


# --- date order ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "day_first"),
    [
        (["25/03/2014", "26/03/2014", "3/27/2014"], True),  # two unambiguous day-first votes to one
        (["3/25/2014", "3/26/2014", "27/3/2014"], False),
        (["31/02/2014", "3/9/2014", "4/15/2014"], False),  # an impossible date does not vote
        (["3/9/2014", "4/5/2014"], False),  # nothing unambiguous: month-first
        (["13/1/2014", "1/13/2014"], False),  # a tie: month-first
        ([dt.datetime(2014, 3, 9), 41000, None, "Jan 5, 2014", "14/1/2014"], True),
    ],
)
def test_the_date_order_is_the_majority_of_the_unambiguous_dates(dates, day_first):
    assert date_order_day_first(iter(dates)) is day_first


def test_one_impossible_date_does_not_turn_the_column_day_first_and_is_reported_on_its_row(tmp_path):
    rows = [["Date", "Miles"], ["3/9/2014", 5], ["31/02/2014", 6], ["3/25/2014", 7], ["4/15/2014", 8]]
    path = book_write(tmp_path / "us.xlsx", {"Log": rows})
    book = workbook_read(path.read_bytes(), name=path.name)
    assert [r.local_date for r in book.rows] == [
        dt.date(2014, 3, 9),
        dt.date(2014, 3, 25),
        dt.date(2014, 4, 15),
    ]
    assert [p.message for p in book.errors] == [
        "us.xlsx: sheet 'Log' row 3: '31/02/2014' is not a real date, read day-first or month-first"
    ]
    assert not any(r.must_review for r in book.rows)


def test_a_date_against_its_columns_order_is_read_the_only_way_it_can_and_flagged(tmp_path):
    rows = [["Date", "Miles"], ["25/03/2014", 5], ["26/03/2014", 6], ["4/1/2014", 7], ["3/28/2014", 8]]
    path = book_write(tmp_path / "eu.xlsx", {"Log": rows})
    book = workbook_read(path.read_bytes(), name=path.name)
    assert [(r.local_date, r.must_review) for r in book.rows] == [
        (dt.date(2014, 3, 25), False),
        (dt.date(2014, 3, 26), False),
        (dt.date(2014, 1, 4), False),  # ambiguous: the column's order
        (dt.date(2014, 3, 28), True),  # only month-first works: read so, and flagged
    ]
    parsed = row_activity(book.rows[3], source_id="x", threshold=0.1)  # flagged whatever the threshold
    assert parsed.raw["needs_review"]
    assert parsed.raw["issues"] == [
        "date '3/28/2014' can only be read month-first (2014-03-28), but this column's dates are "
        "day-first: check it"
    ]


# --- Excel error values ----------------------------------------------------------------------------


def test_excel_error_values_are_empty_cells_and_reported(tmp_path):
    rows = [
        ["Date", "Miles", "Intensity", "Shoe", "Notes"],
        [dt.datetime(2014, 1, 2), "#VALUE!", 4, "#N/A", "easy"],
        [dt.datetime(2014, 1, 3), 5, "#DIV/0!", "Peg 38", "#NAME?"],
        ["#REF!", 6, 4, "Peg 38", "tempo"],
        [None, "#REF!", None, "#NULL!", None],
        [dt.datetime(2014, 1, 4), 7, 4, "Peg 38", "#NUM!"],
    ]
    path = book_write(tmp_path / "err.xlsx", {"Log": rows})
    book = workbook_read(path.read_bytes(), name=path.name)
    first, second, third = book.rows
    assert (first.distance_m, first.shoe, first.notes) == (None, None, "easy")
    assert first.cell_issues == [
        "distance: the cell holds the Excel error #VALUE!, read as empty",
        "shoe: the cell holds the Excel error #N/A, read as empty",
    ]
    parsed = row_activity(first, source_id="x", threshold=0.7)
    assert parsed.gear is None and parsed.distance_m is None and parsed.raw["needs_review"]
    assert parsed.raw["cells"]["shoe"] == "#N/A"  # the original cell is kept for the audit trail
    assert (second.intensity, second.notes, second.distance_m) == (None, None, 5 * 1609.344)
    assert third.notes is None and third.extracted.comment is None
    assert [p.message for p in book.errors] == [
        "err.xlsx: sheet 'Log' row 4: the date cell holds the Excel error #REF!: no date for this run"
    ]
    assert [(p.row, p.message) for p in book.skipped] == [(5, "blank: only Excel errors (#REF!, #NULL!)")]
