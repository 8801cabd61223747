import datetime as dt

from ingest.healthfit.parser import (
    HealthFitName,
    healthfit_name_hints,
    healthfit_name_parse,
    icloud_stub_target,
    is_activity_name,
    sidecar_of,
)
from ingest.placement import offset_from_local_start, records_place
from ingest.records import FileHints, ParsedActivity


def test_it_reads_local_start_type_and_device_from_a_healthfit_name():
    name = "2017-06-13-094230-Pool Swimming-Runner’s Apple\u00a0Watch.fit"
    assert healthfit_name_parse(name) == HealthFitName(
        local_start=dt.datetime(2017, 6, 13, 9, 42, 30),
        workout_type="Pool Swimming",
        device="Runner’s Apple Watch",
    )


def test_a_hyphenated_workout_type_keeps_its_hyphen():
    parsed = healthfit_name_parse("2020-01-05-101500-Cross-Country Skiing-Stryd.gpx")
    assert (parsed.workout_type, parsed.device) == ("Cross-Country Skiing", "Stryd")


def test_names_that_are_not_healthfit_names_give_none():
    assert healthfit_name_parse("2013-02-06-12-11-14.fit") is None  # Garmin's own naming
    assert healthfit_name_parse("activity.fit") is None
    assert healthfit_name_parse("2017-02-30-101500-Running-Watch.fit") is None  # no such day


def test_an_icloud_stub_names_the_file_it_stands_for():
    assert icloud_stub_target(".2017-06-11-073409-Outdoor Running-X.fit.icloud") == (
        "2017-06-11-073409-Outdoor Running-X.fit"
    )
    assert icloud_stub_target("2017-06-11.fit") is None
    assert icloud_stub_target(".DS_Store") is None


def test_only_visible_recordings_are_activity_names():
    assert is_activity_name("a.FIT") and is_activity_name("a.gpx") and is_activity_name("a.tcx")
    assert not is_activity_name(".a.fit") and not is_activity_name("manifest.json")


def test_a_gpx_is_a_sidecar_only_when_its_fit_twin_exists():
    assert sidecar_of("a b.gpx", {"a b.fit", "a b.gpx"}) == "a b.fit"
    assert sidecar_of("a b.gpx", {"a b.gpx", "c.fit"}) is None
    assert sidecar_of("a b.fit", {"a b.fit"}) is None


def test_the_offset_is_local_start_minus_utc_start_to_the_quarter_hour():
    utc = dt.datetime(2015, 10, 13, 15, 43, 15, tzinfo=dt.UTC)
    assert offset_from_local_start(local_start=dt.datetime(2015, 10, 13, 8, 43, 15), utc_start=utc) == -25200
    # HealthFit's name may be a second off the FIT's first record: still -7 h.
    assert offset_from_local_start(local_start=dt.datetime(2015, 10, 13, 8, 43, 16), utc_start=utc) == -25200
    assert offset_from_local_start(local_start=dt.datetime(2015, 10, 14, 8, 43, 15), utc_start=utc) is None


def test_a_healthfit_name_gives_its_local_start_as_hints_and_other_names_none():
    name = "2015-10-13-084315-Outdoor Cycling-Runner’s Apple\u00a0Watch.fit"
    assert healthfit_name_hints(name) == FileHints(
        local_start=dt.datetime(2015, 10, 13, 8, 43, 15), label="file name"
    )
    assert healthfit_name_hints("2013-02-06-12-11-14.fit") is None  # Garmin's own naming


def test_the_name_fills_only_an_offset_the_file_did_not_have():
    start = dt.datetime(2015, 10, 13, 23, 30, tzinfo=dt.UTC)
    without = ParsedActivity(source="fit_file", source_id="a", start_time=start)
    with_own = ParsedActivity(source="fit_file", source_id="b", start_time=start, utc_offset_s=3600)
    hints = healthfit_name_hints("2015-10-13-163000-Outdoor Running-Watch.fit")

    records_place([without, with_own], hints=hints, home_tz="UTC")

    assert (without.utc_offset_s, without.local_date) == (-25200, dt.date(2015, 10, 13))
    assert without.raw == {"utc_offset_from": "file name"}
    assert (with_own.utc_offset_s, with_own.raw) == (3600, {})


def test_a_dataless_icloud_file_is_recognised_by_its_flag():
    from types import SimpleNamespace

    from ingest.healthfit.sync import is_dataless

    assert is_dataless(SimpleNamespace(st_flags=0x40000000))
    assert not is_dataless(SimpleNamespace(st_flags=0))
    assert not is_dataless(SimpleNamespace())  # Linux: no st_flags
