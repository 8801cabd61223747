"""records_place: a record's UTC offset, local date and (for a file with no time) start, worked by hand.

The precedence: the record's own values > the route's offset (a paired recording's) > the route's local
start against the record's UTC start > the home time zone (for the local date only, marked as a guess in
`raw`, or for the start of a timeless file). Between the last two, reconcile dates a record by the activity
it joins (tests/reconcile/test_local_dates.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parsers import file_records, parse_file
from ingest.placement import offset_from_local_start, records_place
from ingest.records import FileHints, ParsedActivity, SourceError

UTC = dt.UTC
LA = "America/Los_Angeles"  # PDT (-7 h) until 2025-11-02 02:00 local, PST (-8 h) after
NAME = dict(label="file name")


def _record(start: dt.datetime | None = None, **values) -> ParsedActivity:
    return ParsedActivity(source="fit_file", source_id="x", start_time=start, **values)


def _placed(record: ParsedActivity) -> tuple:
    return record.start_time, record.utc_offset_s, record.local_date, record.raw


# --- the file's own offset (FIT activity.local_timestamp) ---------------------------------------------


def test_the_files_own_offset_wins_over_the_route_and_the_home_zone(samples):
    data = (samples / "fit" / "runs" / "garmin-fenix-5-run.fit").read_bytes()
    (record,) = parse_file(name="run.fit", data=data)
    # activity.local_timestamp - activity.timestamp = -7 h: the run is 07:34:09 in California
    assert (record.start_time, record.utc_offset_s) == (
        dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC),
        -25200,
    )
    hints = FileHints(utc_offset_s=3600, local_start=dt.datetime(2017, 6, 11, 16, 34, 9), **NAME)

    records_place([record], hints=hints, home_tz="Asia/Tokyo")

    assert (record.utc_offset_s, record.local_date) == (-25200, dt.date(2017, 6, 11))
    assert "utc_offset_from" not in record.raw and "start_from" not in record.raw


def test_an_evening_run_keeps_its_local_date_not_the_utc_one():
    record = _record(dt.datetime(2024, 5, 2, 3, 30, tzinfo=UTC), utc_offset_s=-25200)

    records_place([record], home_tz="Europe/Ljubljana")

    assert record.local_date == dt.date(2024, 5, 1)  # 20:30 on the 1st; UTC and Ljubljana say the 2nd


# --- a local start from the file name, in a DST zone ---------------------------------------------------


@pytest.mark.parametrize(
    ("local_start", "utc_start", "offset"),
    [
        (dt.datetime(2025, 11, 1, 8, 0), dt.datetime(2025, 11, 1, 15, 0, tzinfo=UTC), -25200),  # PDT
        (dt.datetime(2025, 11, 2, 8, 0), dt.datetime(2025, 11, 2, 16, 0, tzinfo=UTC), -28800),  # PST
        # 01:30 happens twice on 2 November: read as the first time (still PDT)
        (dt.datetime(2025, 11, 2, 1, 30), dt.datetime(2025, 11, 2, 8, 30, tzinfo=UTC), -25200),
        # 02:30 never happens on 9 March: read with the offset before the change (PST)
        (dt.datetime(2025, 3, 9, 2, 30), dt.datetime(2025, 3, 9, 10, 30, tzinfo=UTC), -28800),
    ],
)
def test_a_timeless_file_starts_at_its_names_local_start_in_the_home_zone(local_start, utc_start, offset):
    record = _record()

    records_place([record], hints=FileHints(local_start=local_start, **NAME), home_tz=LA)

    assert _placed(record) == (
        utc_start,
        offset,
        local_start.date(),
        {"start_from": "file name, home time zone"},
    )


@pytest.mark.parametrize(
    ("utc_start", "offset", "local_date"),
    [
        (dt.datetime(2025, 11, 1, 15, 0, 2, tzinfo=UTC), -25200, dt.date(2025, 11, 1)),
        (dt.datetime(2025, 11, 2, 16, 0, 2, tzinfo=UTC), -28800, dt.date(2025, 11, 2)),
    ],
)
def test_a_timed_file_without_an_offset_takes_the_one_its_name_implies(utc_start, offset, local_date):
    # The name says 08:00:00 local; the recording's first second is 2 s later. The home zone (UTC here)
    # plays no part: name minus UTC start, to the quarter hour, is the offset on either side of the change.
    record = _record(utc_start)
    name = utc_start.astimezone(dt.timezone(dt.timedelta(seconds=offset))).replace(second=0, tzinfo=None)

    records_place([record], hints=FileHints(local_start=name, **NAME), home_tz="UTC")

    assert _placed(record) == (utc_start, offset, local_date, {"utc_offset_from": "file name"})


@pytest.mark.parametrize(
    ("utc_start", "local_date"),
    [
        (dt.datetime(2025, 11, 1, 7, 30, tzinfo=UTC), dt.date(2025, 11, 1)),  # 00:30 PDT
        (dt.datetime(2025, 11, 2, 7, 30, tzinfo=UTC), dt.date(2025, 11, 2)),  # 00:30 PDT, before the change
        (dt.datetime(2025, 11, 3, 7, 30, tzinfo=UTC), dt.date(2025, 11, 2)),  # 23:30 PST the day before
    ],
)
def test_with_nothing_else_the_home_zone_gives_the_local_date_but_no_offset(utc_start, local_date):
    record = _record(utc_start)

    records_place([record], home_tz=LA)

    assert _placed(record) == (utc_start, None, local_date, {"local_date_from": "home time zone"})


def test_the_routes_offset_comes_before_what_the_name_implies():
    record = _record(dt.datetime(2025, 11, 1, 15, 0, tzinfo=UTC))
    hints = FileHints(local_start=dt.datetime(2025, 11, 1, 8, 0), utc_offset_s=3600, **NAME)

    records_place([record], hints=hints, home_tz=LA)

    assert _placed(record) == (
        record.start_time,
        3600,
        dt.date(2025, 11, 1),
        {"utc_offset_from": "file name"},
    )


def test_the_first_session_decides_the_offset_for_every_session_of_a_file():
    swim = _record(dt.datetime(2025, 11, 1, 15, 0, tzinfo=UTC))
    run = _record(dt.datetime(2025, 11, 1, 17, 10, tzinfo=UTC))  # two hours later, same clock

    records_place([swim, run], hints=FileHints(local_start=dt.datetime(2025, 11, 1, 8, 0)), home_tz="UTC")

    assert (swim.utc_offset_s, run.utc_offset_s) == (-25200, -25200)


def test_a_name_a_day_away_from_the_recording_is_ignored():
    assert (
        offset_from_local_start(
            local_start=dt.datetime(2015, 10, 14, 8, 43, 15),
            utc_start=dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=UTC),
        )
        is None
    )
    record = _record(dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=UTC))

    records_place([record], hints=FileHints(local_start=dt.datetime(2015, 10, 14, 8, 43, 15)), home_tz=LA)

    assert _placed(record)[1:] == (None, dt.date(2015, 10, 13), {"local_date_from": "home time zone"})  # PDT


# --- no time at all, and a date only ------------------------------------------------------------------


def test_a_record_with_no_time_and_no_route_start_stays_unplaced():
    record = _record()

    records_place([record], home_tz=LA)

    assert _placed(record) == (None, None, None, {})


def test_a_file_with_no_time_and_no_route_start_fails_naming_the_file(samples):
    text = (samples / "gpx" / "track-with-empty-segment.gpx").read_text()
    untimed = "\n".join(line for line in text.splitlines() if "<time>" not in line).encode()

    with pytest.raises(SourceError) as raised:
        file_records(name="untimed.gpx", data=untimed, home_tz=LA)

    assert str(raised.value) == (
        "untimed.gpx: no timestamps: the file holds no time of its own and the route gave no start: "
        "it cannot be placed in time"
    )


def test_a_route_start_places_only_a_lone_record():
    records = [_record(), _record()]

    records_place(records, hints=FileHints(start_time=dt.datetime(2025, 1, 1, tzinfo=UTC)), home_tz=LA)

    assert [r.start_time for r in records] == [None, None]


def test_a_route_start_and_offset_place_a_timeless_file():
    record = _record()
    start = dt.datetime(2013, 7, 6, 17, 26, 26, tzinfo=UTC)

    records_place([record], hints=FileHints(start_time=start, utc_offset_s=7200), home_tz=LA)

    assert _placed(record) == (
        start,
        7200,
        dt.date(2013, 7, 6),
        {"start_from": "hint", "utc_offset_from": "hint"},
    )


def test_a_route_local_start_and_offset_place_a_timeless_file_without_the_home_zone():
    record = _record()
    hints = FileHints(local_start=dt.datetime(2013, 7, 6, 0, 30), utc_offset_s=7200, **NAME)

    records_place([record], hints=hints, home_tz=LA)

    assert _placed(record) == (
        dt.datetime(2013, 7, 5, 22, 30, tzinfo=UTC),
        7200,
        dt.date(2013, 7, 6),
        {"start_from": "file name", "utc_offset_from": "file name"},
    )


def test_a_date_only_record_keeps_its_own_date_whatever_the_route_says():
    record = _record(local_date=dt.date(2012, 2, 13))  # FR70: local clock only, no UTC start
    hints = FileHints(local_start=dt.datetime(2012, 2, 14, 7, 0), utc_offset_s=3600, **NAME)

    records_place([record], hints=hints, home_tz=LA)

    assert _placed(record) == (None, None, dt.date(2012, 2, 13), {})


def test_a_real_fr70_file_is_placed_on_its_local_date_only(samples):
    data = (samples / "fit" / "runs" / "antfs-dump.63.fit").read_bytes()

    (record,) = file_records(name="antfs-dump.63.fit", data=data, home_tz=LA)

    assert (record.start_time, record.utc_offset_s, record.local_date) == (None, None, dt.date(2012, 2, 13))
    assert record.raw["time_base"] == "device_relative (local_timestamp_only)"
