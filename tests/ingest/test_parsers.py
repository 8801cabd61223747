"""parse_file: dispatch by content and extension, gzip, source ids, repeatability, every sample file."""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor

import fitparse
import pytest

from ingest.parsers import file_identity, file_kind, parse_file
from ingest.records import FileHints, NotAnActivity, SourceError
from tests.support.parsing import parse, place, summary

RUN = "fit/runs/garmin-fenix-5-run.fit"

# Every FIT, GPX and TCX sample and what it gives: a number of records, or the error class.
EVERY_FILE = {
    "fit/runs/2013-02-06-12-11-14.fit": 1,
    "fit/runs/activity-small-fenix2-run.fit": 1,
    "fit/runs/antfs-dump.63.fit": 1,
    "fit/runs/compressed-speed-distance.fit": 1,
    "fit/runs/developer-types-sample.fit": 1,
    "fit/runs/garmin-fenix-5-run.fit": 1,
    "fit/other-sports/20170518-191602-1740899583.fit": 1,
    "fit/other-sports/activity-large-fenxi2-multisport.fit": 7,
    "fit/other-sports/event_timestamp.fit": 1,
    "fit/other-sports/garmin-fenix-5-walk.fit": 1,
    "fit/other-sports/sample-activity-indoor-trainer.fit": 1,
    "fit/other-sports/sample-activity.fit": 1,
    "fit/not-activities/MonitoringFile.fit": NotAnActivity,
    "fit/not-activities/Settings.fit": NotAnActivity,
    "fit/not-activities/WeightScaleSingleUser.fit": NotAnActivity,
    "fit/not-activities/WorkoutRepeatSteps.fit": NotAnActivity,
    "fit/invalid/activity-filecrc.fit": SourceError,
    "fit/invalid/activity-settings-corruptheader.fit": SourceError,
    "fit/invalid/activity-settings-nodata.fit": SourceError,
    "fit/invalid/activity-unexpected-eof.fit": SourceError,
    # Real files from newer devices (samples README); counts checked against fitparse's sessions below.
    "fit/devices/2015-10-13-08-43-15.fit": 1,  # Edge 200 ride
    "fit/devices/2019-02-17-062644-ELEMNT-297E-195-0.fit": 1,  # Wahoo ELEMNT ride, 13,471 records
    "fit/devices/Activity.fit": 1,  # FIT SDK example: a 14-second run
    # FIT SDK developer-data example: three records with no timestamp, no session: nothing places it
    "fit/devices/DeveloperData.fit": SourceError,
    # two chained copies of Activity.fit, the second's file CRC damaged (0xB1D5 stored, 0xA1D5 computed)
    "fit/devices/activity-activity-filecrc.fit": SourceError,
    "fit/devices/coros-pace-2-cycling-misaligned-fields.fit": 1,
    "fit/devices/Edge810-Vector-2013-08-16-15-35-10.fit": 1,
    "fit/devices/elemnt-bolt-no-application-id-inside-developer-data-id.fit": 1,
    "fit/devices/garmin-edge-500-activity.fit": 1,
    "fit/devices/garmin-fr935-cr.fit": 1,  # one swim session; six chained parts hold HR messages
    "fit/devices/nametest.FIT": NotAnActivity,  # a settings file with an upper-case extension
    # no session message, and the last record runs over the announced data into the missing CRC
    "fit/devices/nick.fit": SourceError,
    "fit/devices/null_compressed_speed_dist.fit": 1,  # Zwift virtual ride
    "fit/devices/sample_mulitple_header.fit": 5,  # four chained FIT files: a triathlon's five sessions
    # a crashed Strava-app recording: the header announces 78,236 data bytes, 78,219 follow, no CRC
    "fit/devices/strava-android-app-201.10-b1218918.fit": SourceError,
    "gpx/cerknicko-jezero.gpx": 7,
    "gpx/cerknicko-without-times.gpx": SourceError,
    "gpx/gpx_with_garmin_extension.gpx": NotAnActivity,
    "gpx/korita-zbevnica.gpx": 2,
    "gpx/route.gpx": NotAnActivity,
    "gpx/track-with-empty-segment.gpx": 1,
    "gpx/truncated.gpx": SourceError,
    "gpx/unicode_with_bom.gpx": NotAnActivity,
    "tcx/no_hr.tcx": 1,
    "tcx/sup_activity_1.tcx": 1,
    "tcx/test.tcx": 1,
}


def test_the_table_lists_every_sample_file(samples):
    on_disk = {
        str(p.relative_to(samples))
        for folder in ("fit", "gpx", "tcx")
        for p in (samples / folder).rglob("*")
        if p.is_file()
    }
    assert on_disk == set(EVERY_FILE)


def _fitparse_sessions(path) -> int:
    """Session messages as fitparse itself counts them (a file of records alone is one activity)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = [m.name for m in fitparse.FitFile(str(path)).get_messages(["session", "record"])]
    return names.count("session") or int("record" in names)


@pytest.mark.parametrize(
    "relative", sorted(r for r, n in EVERY_FILE.items() if r.startswith("fit/") and isinstance(n, int))
)
def test_a_fit_file_gives_one_record_per_session_it_holds(samples, relative):
    assert EVERY_FILE[relative] == _fitparse_sessions(samples / relative)


@pytest.mark.parametrize("relative", sorted(EVERY_FILE))
def test_every_sample_file_gives_the_same_result_twice(samples, relative):
    path = samples / relative
    outcome = EVERY_FILE[relative]
    if isinstance(outcome, int):
        first, second = parse(path), parse(path)
        assert len(first) == outcome
        assert first == second
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        ids = [sha] if outcome == 1 else [f"{sha}#{i}" for i in range(outcome)]
        assert [r.source_id for r in first] == ids
        for record in first:
            assert record.source == "fit_file"
            assert record.raw["file_name"] == path.name
            json.dumps(record.raw)  # JSON-safe
            record.validate()
    else:
        messages = set()
        for _ in range(2):
            with pytest.raises(outcome) as raised:
                parse(path)
            if outcome is SourceError:
                assert not isinstance(raised.value, NotAnActivity)
            assert str(raised.value).startswith(f"{path.name}: ")
            messages.add(str(raised.value))
        assert len(messages) == 1


def test_a_gzip_compressed_fit_is_read_and_identified_by_its_content(samples):
    data = (samples / RUN).read_bytes()
    packed = gzip.compress(data, mtime=0)

    records = parse_file(name="9800229278.fit.gz", data=packed)

    assert records[0].source_id == hashlib.sha256(data).hexdigest() != hashlib.sha256(packed).hexdigest()
    assert summary(records[0]) == summary(parse_file(name="run.fit", data=data)[0])
    assert records[0].raw["file_name"] == "9800229278.fit.gz"


def test_one_content_has_one_identity_however_it_is_packed(samples):
    data = (samples / RUN).read_bytes()
    plain = hashlib.sha256(data).hexdigest()
    # two compressions of one file (different level and header time) and a two-member gzip
    packings = [gzip.compress(data, compresslevel=1, mtime=0), gzip.compress(data, mtime=123456)]
    packings.append(gzip.compress(data[:100], mtime=0) + gzip.compress(data[100:], mtime=0))

    assert file_identity(name="run.fit", data=data) == plain
    assert {file_identity(name="run.fit.gz", data=packed) for packed in packings} == {plain}
    assert file_identity(name="no-suffix", data=packings[0]) == plain  # gzip is known by its bytes


def test_a_gzip_that_cannot_be_inflated_is_identified_by_its_bytes_as_given(samples):
    truncated = gzip.compress((samples / RUN).read_bytes())[:200]
    bomb = gzip.compress(bytes(8 << 20))

    assert file_identity(name="run.fit.gz", data=truncated) == hashlib.sha256(truncated).hexdigest()
    assert file_identity(name="b.fit.gz", data=bomb, max_bytes=1 << 20) == hashlib.sha256(bomb).hexdigest()


@pytest.mark.parametrize("name", ["track.gpx.gz", "TRACK.GPX.GZ"])
def test_a_gzip_compressed_gpx_is_read(samples, name):
    data = gzip.compress((samples / "gpx" / "track-with-empty-segment.gpx").read_bytes())

    assert len(parse_file(name=name, data=data)[0].samples) == 9


def test_a_gzip_compressed_tcx_is_read(samples):
    data = gzip.compress((samples / "tcx" / "test.tcx").read_bytes())

    assert len(parse_file(name="1234.tcx.gz", data=data)[0].laps) == 3


def test_a_truncated_gzip_file_fails_naming_the_file(samples):
    data = gzip.compress((samples / RUN).read_bytes())[:200]

    with pytest.raises(SourceError, match=r"^run\.fit\.gz: truncated or corrupt gzip data"):
        parse_file(name="run.fit.gz", data=data)


def test_a_gzip_bomb_is_refused_at_the_per_file_limit_without_inflating_it_whole():
    bomb = gzip.compress(bytes(8 << 20))  # 8 MB of zeros in 8 KB

    refused = r"^bomb\.fit\.gz: refused: inflates past 1,048,576 bytes"
    with pytest.raises(SourceError, match=refused) as caught:
        parse_file(name="bomb.fit.gz", data=bomb, max_bytes=1 << 20)
    assert "RUNBASE_ARCHIVE_MAX_FILE_MB=1" in str(caught.value)


def test_a_plain_file_over_the_per_file_limit_is_refused_naming_the_setting(samples):
    data = (samples / RUN).read_bytes()

    refused = r"^run\.fit: refused: .* bytes, over the per-file size limit"
    with pytest.raises(SourceError, match=refused) as caught:
        parse_file(name="run.fit", data=data, max_bytes=1000)
    assert "RUNBASE_ARCHIVE_MAX_FILE_MB=" in str(caught.value)


def test_a_file_named_gz_that_is_not_compressed_fails(samples):
    with pytest.raises(SourceError, match=r"^run\.fit\.gz: named \.gz but not gzip-compressed"):
        parse_file(name="run.fit.gz", data=(samples / RUN).read_bytes())


def test_the_content_wins_over_a_lying_extension(samples):
    fit = (samples / RUN).read_bytes()
    gpx = (samples / "gpx" / "track-with-empty-segment.gpx").read_bytes()
    tcx = (samples / "tcx" / "test.tcx").read_bytes()

    assert file_kind("activity.gpx", fit) == "fit"
    assert file_kind("activity.fit", gpx) == "gpx"
    assert file_kind("activity.txt", tcx) == "tcx"
    assert summary(parse_file(name="activity.gpx", data=fit)[0])["samples"] == 21
    assert len(parse_file(name="export", data=tcx)[0].laps) == 3


def test_the_extension_decides_when_the_content_says_nothing():
    assert file_kind("RUN.FIT", b"garbage") == "fit"
    assert file_kind("Run.Tcx", b"garbage") == "tcx"
    assert file_kind("run.gpx.gz", b"garbage") == "gpx"
    assert file_kind("run.csv", b"garbage") is None


def test_an_unknown_file_type_fails_naming_the_file():
    with pytest.raises(SourceError) as raised:
        parse_file(name="notes.txt", data=b"just some notes")

    assert str(raised.value) == "notes.txt: unknown file type: not FIT, GPX or TCX (by content or extension)"


def test_an_empty_file_fails_naming_the_file():
    with pytest.raises(SourceError, match=r"^stub\.fit: empty file$"):
        parse_file(name="stub.fit", data=b"")


def test_hints_only_fill_what_the_file_does_not_know(samples):
    path = samples / RUN
    hints = FileHints(start_time=None, utc_offset_s=3600)

    # the file's own local_timestamp gives -25200; the hint does not override it
    assert place(path, hints=hints)[0].utc_offset_s == -25200
    # a file without local_timestamp takes the route's offset
    assert place(samples / "fit/runs/2013-02-06-12-11-14.fit", hints=hints)[0].utc_offset_s == 3600
    # and the parser itself reports only what the file says
    assert parse(samples / "fit/runs/2013-02-06-12-11-14.fit", hints=hints)[0].utc_offset_s is None


def test_a_naive_hint_is_refused():
    import datetime as dt

    with pytest.raises(ValueError, match="must be timezone-aware"):
        FileHints(start_time=dt.datetime(2012, 2, 13, 10, 0))


def _parse_in_worker(args: tuple[str, bytes, FileHints]) -> list:
    name, data, hints = args
    return parse_file(name=name, data=data, hints=hints)


def test_it_runs_in_worker_processes_and_its_results_pickle(samples):
    data = (samples / RUN).read_bytes()
    hints = FileHints(utc_offset_s=0)

    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(_parse_in_worker, ("run.fit", data, hints)).result()

    assert remote == parse_file(name="run.fit", data=data, hints=hints)
    assert pickle.loads(pickle.dumps(hints)) == hints
