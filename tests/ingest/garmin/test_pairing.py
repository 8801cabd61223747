"""A summary finds its uploaded file by start time and device serial."""

from __future__ import annotations

import datetime as dt

from ingest.garmin.pairing import Recording, SummaryKey, summaries_pair

T0 = dt.datetime(2017, 6, 12, 16, 9, 22, tzinfo=dt.UTC)


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_two_devices_a_minute_apart_are_told_apart_by_serial():
    summaries = [SummaryKey("fenix", _at(0), "3945849289"), SummaryKey("edge", _at(53), "3932942223")]
    recordings = [Recording("edge-sha", _at(53), "3932942223"), Recording("fenix-sha", _at(0), "3945849289")]

    paired = summaries_pair(summaries=summaries, recordings=recordings)

    assert {k: v.source_id for k, v in paired.items()} == {"fenix": "fenix-sha", "edge": "edge-sha"}


def test_a_file_without_a_serial_pairs_on_time_alone():
    paired = summaries_pair(
        summaries=[SummaryKey("a", _at(0), "1")], recordings=[Recording("gpx", _at(2), None)]
    )

    assert paired["a"].source_id == "gpx"


def test_nothing_pairs_outside_the_window_or_across_serials():
    summaries = [SummaryKey("late", _at(0), "1"), SummaryKey("other", _at(500), "1")]
    recordings = [Recording("f1", _at(61), "1"), Recording("f2", _at(500), "2")]

    assert summaries_pair(summaries=summaries, recordings=recordings) == {}


def test_each_file_session_pairs_once_with_the_closest_summary():
    summaries = [
        SummaryKey("near", _at(1), "1"),
        SummaryKey("far", _at(30), "1"),
        SummaryKey("manual", None, None),
    ]
    recordings = [Recording("sha#0", _at(0), "1"), Recording("sha#1", _at(3600), "1")]

    paired = summaries_pair(summaries=summaries, recordings=recordings)

    assert {k: v.source_id for k, v in paired.items()} == {"near": "sha#0"}
    assert paired["near"].sha256 == "sha"


def test_an_exact_serial_match_beats_a_closer_file_without_serial():
    summaries = [SummaryKey("a", _at(0), "1")]
    recordings = [Recording("gpx", _at(0), None), Recording("fit", _at(20), "1")]

    assert summaries_pair(summaries=summaries, recordings=recordings)["a"].source_id == "fit"
