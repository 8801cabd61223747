"""Phase one of a reconcile run: attach new and changed source records to canonical activities.

Reads only the facts matching needs (one query for the records to place, one for the live records
around their dates), decides in memory (`reconcile.matcher`), then writes the new activities with
`bulk_create` and the record → activity links with `bulk_update`. Existing activities keep their ids:
a record leaves its activity only when its own values changed so that it no longer fits, or when it
was deleted at its source.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q

from activities.models import Activity, ActivitySource
from ingest.models import clip_to_field
from ingest.records import sport_family
from reconcile.config import ReconcileConfig
from reconcile.matcher import (
    ActivityIndex,
    RecordFacts,
    day_recordings,
    fits_activity,
    lone_pair,
    match_decide,
    match_order,
)
from reconcile.models import RecordPin

FACT_FIELDS = (
    "id",
    "source",
    "sport",
    "start_time",
    "local_date",
    "utc_offset_s",
    "distance_m",
    "activity_id",
    "deleted_at",
    "changed_at",
    "reconciled_at",
)
AMBIGUOUS_REASON = "Fits activities {ids} equally well: kept apart; merge by hand if it is the same run."
# A log row kept apart although its day has runs: the day has more log rows than recordings (a double,
# or a run not recorded), or its recordings are of another sport.
UNMATCHED_REASON = (
    "Its day has activities {ids}, none free to take it (more log rows than runs, or another sport): "
    "kept apart; check the log."
)
_REASONS = {Activity.ReviewCode.AMBIGUOUS: AMBIGUOUS_REASON, Activity.ReviewCode.UNMATCHED: UNMATCHED_REASON}


@dataclass(slots=True)
class MatchOutcome:
    """What phase one did: which activities to resolve and which records to stamp once they are."""

    touched: set[int] = field(default_factory=set)
    created: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)
    stale_by_activity: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    stale_detached: list[int] = field(default_factory=list)
    moved: int = 0


def _facts(row: tuple) -> tuple[RecordFacts, dict]:
    values = dict(zip(FACT_FIELDS, row, strict=True))
    facts = RecordFacts(
        id=values["id"],
        source=values["source"],
        family=sport_family(values["sport"]),
        start_time=values["start_time"],
        local_date=values["local_date"],
        distance_m=values["distance_m"],
        activity_key=values["activity_id"],
        utc_offset_s=values["utc_offset_s"],
    )
    return facts, values


def _is_stale(values: dict) -> bool:
    stamped, changed = values["reconciled_at"], values["changed_at"]
    return stamped is None or (changed is not None and changed > stamped)


def _records_to_place(*, all: bool, since: dt.date | None) -> list[tuple[RecordFacts, dict]]:
    records = ActivitySource.objects.all()
    if since is not None:
        records = records.filter(local_date__gte=since)
    if not all:
        records = records.filter(
            Q(reconciled_at__isnull=True) | Q(changed_at__gt=F("reconciled_at")) | Q(activity__isnull=True)
        ).exclude(deleted_at__isnull=False, activity__isnull=True, reconciled_at__gte=F("changed_at"))
    return [_facts(row) for row in records.order_by("id").values_list(*FACT_FIELDS)]


def _index_around(
    dates: list[dt.date], activity_ids: set[int]
) -> tuple[ActivityIndex, dict[int, RecordFacts]]:
    """Every live attached record within a day of the dates in play, and every live record of the
    activities the records in play belong to, indexed by activity."""
    index = ActivityIndex()
    by_id: dict[int, RecordFacts] = {}
    if not dates and not activity_ids:
        return index, by_id
    # Past a few hundred activities, reading every live record is cheaper than a long IN list.
    around = Q(activity_id__in=activity_ids) if len(activity_ids) <= 500 else Q(activity__isnull=False)
    if dates:
        around |= Q(local_date__range=(min(dates) - dt.timedelta(days=1), max(dates) + dt.timedelta(days=1)))
    rows = (
        ActivitySource.objects.filter(around, deleted_at__isnull=True, activity__isnull=False)
        .order_by("id")
        .values_list(*FACT_FIELDS)
    )
    for row in rows:
        facts, _ = _facts(row)
        by_id[facts.id] = facts
        index.add(facts, facts.activity_key)
    return index, by_id


def _new_activity(record: RecordFacts, values: dict) -> Activity:
    return Activity(
        date=record.local_date,
        start_time=record.start_time,
        sport=values["sport"] or "",
        distance_m=record.distance_m,
    )


def _keep_pinned(facts: RecordFacts, pinned: int, index: ActivityIndex, stale: set[int], outcome) -> None:
    """A record the runner placed stays where they put it (back there, if it was deleted and returns)."""
    if facts.activity_key != pinned:
        if facts.activity_key is not None:
            outcome.touched.add(facts.activity_key)
            index.remove(facts)
        index.add(facts, pinned)
        outcome.touched.add(pinned)
    elif facts.id in stale:
        outcome.touched.add(pinned)


def _review(
    placing, index: ActivityIndex, by_id, stale: set[int], cfg, outcome: MatchOutcome, pins: dict[int, int]
) -> list:
    """Detach deleted records and changed ones that no longer fit; return the records to place."""
    queue: list[RecordFacts] = []
    for facts, values in placing:
        if values["deleted_at"] is None and facts.local_date is not None and facts.id in pins:
            _keep_pinned(by_id.get(facts.id, facts), pins[facts.id], index, stale, outcome)
            continue
        if values["deleted_at"] is not None or facts.local_date is None:
            if values["activity_id"] is not None:
                outcome.touched.add(values["activity_id"])
                index.remove(by_id.get(facts.id, facts))
            if facts.id in stale or values["activity_id"] is not None:
                outcome.stale_detached.append(facts.id)
            continue
        facts = by_id.get(facts.id, facts)
        if facts.activity_key is None:
            queue.append(facts)
        elif facts.id in stale:
            outcome.touched.add(facts.activity_key)
            if not fits_activity(facts, index.members[facts.activity_key], cfg):
                index.remove(facts)
                queue.append(facts)
    return queue


def _place(queue: list[RecordFacts], index: ActivityIndex, values_by_id: dict, cfg) -> tuple[dict, dict]:
    """Join each record to its best activity or start a new one (keys < 0 until written); then pair each
    day's lone log row with its lone recording, and flag the log rows still kept apart on a day with runs."""
    new_activities: dict[int, Activity] = {}
    flags: dict[int, tuple[str, list[int]]] = {}  # new activity key: (review code, candidates)
    for facts in sorted(queue, key=match_order):
        decision = match_decide(index.fits(facts, cfg), cfg)
        if decision.kind == "join":
            index.add(facts, decision.activity_key)
            continue
        key = -(len(new_activities) + 1)
        new_activities[key] = _new_activity(facts, values_by_id[facts.id])
        if decision.kind == "ambiguous":
            flags[key] = (Activity.ReviewCode.AMBIGUOUS, decision.candidates)
        index.add(facts, key)
    _pair_lone_rows(queue, index, new_activities, flags, cfg)
    for key in new_activities:
        members = index.members.get(key, [])
        if key in flags or not members or any(m.timed for m in members):
            continue
        runs = day_recordings(index, members[0])
        if runs:
            flags[key] = (Activity.ReviewCode.UNMATCHED, runs)
    return new_activities, flags


def _pair_lone_rows(queue, index: ActivityIndex, new_activities: dict, flags: dict, cfg) -> None:
    """A day's only unmatched log row and its only unmatched recording are one run: join them.

    Only a pair with a side placed in this run is joined (existing activities are never merged), and
    into the side that already exists, so its id stays.
    """
    for day, family in sorted({(f.local_date, f.family) for f in queue if f.local_date is not None}):
        pair = lone_pair(index, day, family, cfg)
        if pair is None:
            continue
        log_key, recording_key = pair
        if log_key < 0:
            source, target = log_key, recording_key
        elif recording_key < 0:
            source, target = recording_key, log_key
        else:
            continue
        for member in list(index.members[source]):
            index.remove(member)
            index.add(member, target)
        index.members.pop(source, None)
        new_activities.pop(source)
        flags.pop(source, None)


def records_match(*, all: bool, since: dt.date | None, cfg: ReconcileConfig) -> MatchOutcome:
    """Place every new, changed or deleted record (all records with `all`); write links and new activities."""
    outcome = MatchOutcome()
    placing = _records_to_place(all=all, since=since)
    live = [(f, v) for f, v in placing if v["deleted_at"] is None and f.local_date is not None]
    stale = {f.id for f, v in placing if _is_stale(v)}
    attached = {v["activity_id"] for f, v in live if v["activity_id"] is not None and f.id in stale}
    pins = dict(RecordPin.objects.values_list("record_id", "activity_id"))
    attached |= {pins[f.id] for f, _ in live if f.id in pins}
    index, by_id = _index_around([f.local_date for f, _ in live], attached)
    original = {f.id: v["activity_id"] for f, v in placing}

    queue = _review(placing, index, by_id, stale, cfg, outcome, pins)
    new_activities, flags = _place(queue, index, {f.id: v for f, v in placing}, cfg)
    _write_new_activities(new_activities, flags, index, outcome)
    _write_links(placing, by_id, original, index, outcome)
    for facts, _ in placing:
        final = by_id.get(facts.id, facts).activity_key
        if final is not None:
            outcome.touched.add(final)
            if facts.id in stale or original[facts.id] != final:
                outcome.stale_by_activity[final].append(facts.id)
    return outcome


def _write_new_activities(
    new: dict[int, Activity],
    flags: dict[int, tuple[str, list[int]]],
    index: ActivityIndex,
    outcome: MatchOutcome,
) -> None:
    keys = list(new)
    created = Activity.objects.bulk_create([new[k] for k in keys], batch_size=500)
    ids = {key: activity.pk for key, activity in zip(keys, created, strict=True)}
    for key, pk in ids.items():
        for member in index.members.pop(key, []):
            member.activity_key = pk
            index.members[pk].append(member)
        outcome.created.add(pk)
    flagged = []
    for key, (code, candidates) in flags.items():
        activity = new[key]
        real = sorted(ids.get(c, c) for c in candidates)
        activity.needs_review, activity.review_code = True, code
        reason = _REASONS[code].format(ids=", ".join(f"#{c}" for c in real))
        activity.review_reason = clip_to_field(Activity, "review_reason", reason)
        flagged.append(activity)
        outcome.flagged.add(activity.pk)
    Activity.objects.bulk_update(flagged, ["needs_review", "review_reason", "review_code"], batch_size=500)


def _write_links(
    placing: list,
    by_id: dict[int, RecordFacts],
    original: dict[int, int | None],
    index: ActivityIndex,
    outcome,
) -> None:
    """Point records at their activities: one executemany, far cheaper than bulk_update's CASE."""
    changed = []
    for facts, _ in placing:
        final = by_id.get(facts.id, facts).activity_key
        if original[facts.id] != final:
            changed.append((final, facts.id))
            if original[facts.id] is not None and final is not None:
                outcome.moved += 1
    if changed:
        table = connection.ops.quote_name(ActivitySource._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET activity_id = %s WHERE id = %s", changed)
