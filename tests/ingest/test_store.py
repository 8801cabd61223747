import datetime as dt

import pytest

from activities.models import ActivitySource, Lap, Shoe, Stream
from activities.selectors import stream_columns
from ingest.placement import record_place
from ingest.records import ParsedActivity, ParsedLap, Samples
from ingest.store import record_mark_deleted, record_store

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2024, 5, 1, 23, 30, tzinfo=dt.UTC)


def _parsed(**overrides) -> ParsedActivity:
    """A record as a route hands it to the store: placed (here: its own offset gives the local date)."""
    samples = Samples()
    for i in range(3):
        samples.append(T0 + dt.timedelta(seconds=i), heart_rate=140 + i, distance=3.0 * i)
    values = dict(
        source="fit_file",
        source_id="abc",
        start_time=T0,
        utc_offset_s=-7 * 3600,
        sport="running",
        distance_m=5000.0,
        duration_s=1500.0,
        gear="Peg 38",
        laps=[ParsedLap(index=0, distance_m=5000.0, duration_s=1500.0)],
        samples=samples,
    )
    values.update(overrides)
    return record_place(ParsedActivity(**values), home_tz="UTC")


def test_it_creates_then_leaves_an_unchanged_record_alone():
    first = record_store(parsed=_parsed(), route="files")
    assert first.outcome == "created"
    record = first.record
    assert record.local_date == dt.date(2024, 5, 1)  # evening in California, not tomorrow
    assert record.avg_pace_s_per_km == pytest.approx(300.0)
    assert record.shoe.name == "Peg 38" and record.shoe.needs_review
    assert Lap.objects.filter(record=record).count() == 1
    assert stream_columns(record=record)["heart_rate"] == [140, 141, 142]
    second = record_store(parsed=_parsed(), route="files")
    assert second.outcome == "unchanged"
    assert ActivitySource.objects.count() == 1


def test_it_rewrites_a_changed_record_whole():
    record_store(parsed=_parsed(), route="files")
    result = record_store(parsed=_parsed(distance_m=5100.0, laps=[]), route="files")
    assert result.outcome == "updated"
    assert result.record.distance_m == 5100.0
    assert Lap.objects.count() == 0
    assert Stream.objects.count() == 1


def test_shoe_variants_map_to_one_shoe():
    record_store(parsed=_parsed(source_id="a", gear="Peg 38"), route="files")
    record_store(parsed=_parsed(source_id="b", gear="peg38"), route="files")
    assert Shoe.objects.count() == 1


def test_it_stores_the_local_date_placement_decided_and_computes_none():
    # Strava's start_date_local says the 2nd although UTC start + offset say the 1st: the source wins
    record = record_store(parsed=_parsed(local_date=dt.date(2024, 5, 2)), route="strava_api").record
    assert record.local_date == dt.date(2024, 5, 2)
    unplaced = ParsedActivity(source="fit_file", source_id="raw", start_time=T0, utc_offset_s=-7 * 3600)
    assert record_store(parsed=unplaced, route="files").record.local_date is None


def test_it_does_not_validate_again_what_its_route_validated(monkeypatch):
    # An invalid record is refused where its route makes it (parse_file's path, a source's parser):
    # see tests/ingest/files/test_file_path.py. The store trusts the contract and checks nothing twice.
    calls = []
    monkeypatch.setattr(ParsedActivity, "validate", lambda self: calls.append(self) or self)

    record_store(parsed=_parsed(), route="files")

    assert calls == []


def test_marking_deleted_keeps_the_record():
    record_store(parsed=_parsed(), route="files")
    assert record_mark_deleted(source="fit_file", source_ids=["abc"]) == 1
    assert ActivitySource.objects.get().deleted_at is not None
