"""Reconcile's entry points: the run (command, task, admin) and the runner's decisions (admin, views).

`reconcile_run` places new and changed source records on canonical activities (`reconcile.matching`)
and brings every touched activity up to date (`reconcile.canonical`). The other services record a
decision of the runner as a `ManualOverride` and re-resolve the one activity it concerns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from activities.models import Activity, ActivitySource
from ingest.locks import SyncBusy, sync_lock
from ingest.models import clip_to_field
from ingest.sync_state import sync_run
from reconcile.canonical import activities_for_resolve, activity_refresh
from reconcile.config import ReconcileConfig, reconcile_config
from reconcile.errors import ReconcileError
from reconcile.fields import EDITABLE_FIELDS, field_attname, field_decode, field_encode
from reconcile.history import decision_record, field_key, fields_snapshot
from reconcile.matching import records_match
from reconcile.models import Conflict, Decision, ManualOverride, RecordPin
from reconcile.names import names_read_stored, names_read_with_llm
from reconcile.selectors import decision_value_text, source_label

logger = logging.getLogger("runbase.reconcile")
Log = Callable[[str], Any] | None
CHUNK = 300

__all__ = [
    "ReconcileError",
    "ReconcileResult",
    "activity_edit",
    "activity_merge",
    "activity_reconcile",
    "activity_resolve_stored",
    "conflict_approve",
    "conflict_resolve",
    "override_clear",
    "reconcile_run",
]


@dataclass(slots=True)
class ReconcileResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0  # pending conflicts opened (or re-opened) by this run
    auto_resolved: int = 0
    new_values: int = 0  # manual resolutions whose sources changed since
    review: int = 0  # activities newly flagged for review (ambiguous match, no live sources)
    moved: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created={self.created} updated={self.updated} unchanged={self.unchanged} "
            f"conflicts={self.conflicts} auto_resolved={self.auto_resolved} new_values={self.new_values} "
            f"review={self.review} moved={self.moved} failed={self.failed}"
        )


def _say(log: Log, message: str) -> None:
    """One line per activity: to the command's output, and to the log file only at DEBUG."""
    logger.debug(message)
    if log is not None:
        log(message)


def _stamp(ids: list[int], now: dt.datetime) -> None:
    for start in range(0, len(ids), 500):
        ActivitySource.objects.filter(pk__in=ids[start : start + 500]).update(reconciled_at=now)


def _names(ids: list[int]) -> set[str]:
    """The workout names of the live records of these activities."""
    records = ActivitySource.objects.filter(activity_id__in=ids, deleted_at__isnull=True)
    return set(records.exclude(workout_name="").values_list("workout_name", flat=True))


def _refresh_chunk(ids, *, readings, created, stale, cfg, now, result, log) -> None:
    """Resolve a chunk of activities, each in its own savepoint; stamp the records of those that worked."""
    done: list[int] = []
    new_conflicts = []
    for activity in activities_for_resolve(ids):
        try:
            with transaction.atomic():
                outcome = activity_refresh(activity=activity, cfg=cfg, now=now, readings=readings)
            done += stale.get(activity.pk, [])
            new_conflicts += outcome.conflicts.new_rows
        except Exception as exc:  # one bad activity never aborts the run
            logger.exception("reconcile failed for activity %s", activity.pk)
            result.failed += 1
            result.errors.append(f"activity #{activity.pk} ({activity.date}): {exc}")
            if log is not None:
                log(f"failed  #{activity.pk} {activity.date}: {exc}")
            continue
        result.conflicts += outcome.conflicts.pending
        result.auto_resolved += outcome.conflicts.auto_resolved
        result.new_values += outcome.conflicts.new_values
        result.review += int(outcome.flagged)
        if activity.pk in created:
            result.created += 1
            _say(log, f"created #{activity.pk} {activity}")
        elif outcome.changed or outcome.conflicts.pending:
            result.updated += 1
            _say(log, f"updated #{activity.pk} {activity}")
        else:
            result.unchanged += 1
    Conflict.objects.bulk_create(new_conflicts, batch_size=500)
    _stamp(done, now)


def _reconcile(*, all: bool, since: dt.date | None, cfg: ReconcileConfig, log: Log) -> ReconcileResult:
    now = timezone.now()
    result = ReconcileResult()
    with transaction.atomic():
        matched = records_match(all=all, since=since, cfg=cfg)
        _stamp(matched.stale_detached, now)
    result.moved = matched.moved
    result.review += len(matched.flagged)
    touched = set(matched.touched)
    if all:
        everything = Activity.objects.all()
        if since is not None:
            everything = everything.filter(date__gte=since)
        touched |= set(everything.values_list("pk", flat=True))
    ids = sorted(touched)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # The model is asked before the chunk's transaction opens: waiting on it holds no write lock.
        readings = names_read_with_llm(names=_names(chunk), cfg=cfg, log=log)
        with transaction.atomic():
            _refresh_chunk(
                chunk,
                readings=readings,
                created=matched.created,
                stale=matched.stale_by_activity,
                cfg=cfg,
                now=now,
                result=result,
                log=log,
            )
    return result


def reconcile_run(*, all: bool = False, since: dt.date | None = None, log: Log = None) -> ReconcileResult:
    """Bring canonical activities up to date with their source records.

    Incremental by default: records that are new, changed or deleted since they were last reconciled,
    and the activities they touch. `all` re-checks every record and activity (on unchanged data it
    writes nothing); `since` limits either to records and activities dated on or after that day.
    """
    try:
        with sync_lock(name="reconcile"), sync_run(name="reconcile") as run:
            result = _reconcile(all=all, since=since, cfg=reconcile_config(), log=log)
            run.finish(result)
    except SyncBusy as exc:
        raise ReconcileError(str(exc)) from exc
    logger.info("reconcile: %s", result.summary())
    return result


def activity_reconcile(*, activity: Activity) -> Activity:
    """Re-resolve one activity now (the admin's re-resolve action); return it fresh.

    Its unusual workout names are put to the model first, with no transaction open; the runner's
    decisions, which run inside their own transaction, re-resolve with the stored readings instead.
    """
    cfg = reconcile_config()
    readings = names_read_with_llm(names=_names([activity.pk]), cfg=cfg)
    return _activity_resolve(activity, cfg=cfg, readings=readings)


def _activity_resolve(
    activity: Activity, *, cfg: ReconcileConfig | None = None, readings: dict | None = None
) -> Activity:
    """Re-resolve one activity in one transaction. The runner's decisions call it inside theirs, without
    `readings`: then the stored readings are used and no model is asked."""
    cfg = cfg or reconcile_config()
    activity = activities_for_resolve([activity.pk]).first()
    if activity is None:
        raise ReconcileError("the activity no longer exists")
    if readings is None:
        readings = names_read_stored(names=_names([activity.pk]))
    with transaction.atomic():
        outcome = activity_refresh(activity=activity, cfg=cfg, now=timezone.now(), readings=readings)
        Conflict.objects.bulk_create(outcome.conflicts.new_rows)
    return Activity.objects.get(pk=activity.pk)


def activity_resolve_stored(*, activity: Activity) -> Activity:
    """Re-resolve one activity inside the caller's transaction, reading stored workout-name readings
    only (no language model is asked while a decision holds its write lock)."""
    return _activity_resolve(activity)


def _override_set(*, activity: Activity, field_name: str, value: Any, user, reason: str) -> ManualOverride:
    encoded = field_encode(field_name, value)
    override, _ = ManualOverride.objects.update_or_create(
        activity=activity,
        field_name=field_name,
        defaults={
            "value": encoded,
            "reason": clip_to_field(ManualOverride, "reason", reason),
            "created_by": user,
        },
    )
    return override


def _conflict_settle(conflict: Conflict, *, value: Any, source: str, user, now: dt.datetime) -> None:
    conflict.status = Conflict.Status.MANUAL_RESOLVED
    conflict.resolved_value = value
    conflict.resolved_source = source
    conflict.resolved_at = now
    conflict.resolved_by = user
    conflict.has_new_values = False
    conflict.save()


@transaction.atomic
def conflict_resolve(
    *, conflict: Conflict, value: Any = None, source: str | None = None, resolved_by=None
) -> Conflict:
    """The runner's answer to a conflict: a source's value (`source`) or their own (`value`).

    It becomes a `ManualOverride` of the field, so it beats every source from now on; the activity is
    re-resolved at once.
    """
    if source:
        if source not in conflict.source_values:
            # Highest priority first: a JSON column does not keep key order on PostgreSQL.
            rank = {name: i for i, name in enumerate(reconcile_config().priority(conflict.field_name))}
            known = ", ".join(sorted(conflict.source_values, key=lambda n: (rank.get(n, len(rank)), n)))
            known = known or "none"
            raise ReconcileError(f"conflict #{conflict.pk}: no value from {source!r} (sources: {known})")
        if value is None:
            value = conflict.source_values[source]
    if value is None:
        raise ReconcileError(
            f"conflict #{conflict.pk} ({conflict.field_name}): give a value or pick a source"
        )
    before = fields_snapshot(activity=conflict.activity, field_names=[conflict.field_name])
    _override_set(
        activity=conflict.activity,
        field_name=conflict.field_name,
        value=value,
        user=resolved_by,
        reason=f"conflict #{conflict.pk} resolved"
        + (f" with the {source_label(source)} value" if source else ""),
    )
    encoded = field_encode(conflict.field_name, value)
    _conflict_settle(conflict, value=encoded, source=source or "manual", user=resolved_by, now=timezone.now())
    decision_record(
        activity=conflict.activity,
        kind=Decision.Kind.RESOLVE,
        summary=decision_value_text(field_name=conflict.field_name, value=encoded, source=source),
        keys=[field_key(conflict.field_name)],
        before={"fields": before},
        made_by=resolved_by,
    )
    _activity_resolve(conflict.activity)
    conflict.refresh_from_db()
    return conflict


@transaction.atomic
def conflict_approve(*, conflict: Conflict, approved_by=None) -> Conflict:
    """Confirm an auto-resolved conflict: the runner agrees with the value priority picked."""
    if conflict.status != Conflict.Status.AUTO_RESOLVED:
        raise ReconcileError(
            f"conflict #{conflict.pk} ({conflict.field_name}) is {conflict.get_status_display().lower()}, "
            "not auto-resolved: only auto-resolved conflicts can be approved"
        )
    if conflict.approved_at is None:
        before = fields_snapshot(activity=conflict.activity, field_names=[conflict.field_name])
        conflict.approved_at = timezone.now()
        conflict.approved_by = approved_by
        conflict.save(update_fields=["approved_at", "approved_by"])
        decision_record(
            activity=conflict.activity,
            kind=Decision.Kind.APPROVE,
            summary="Approved "
            + decision_value_text(
                field_name=conflict.field_name, value=conflict.resolved_value, source=conflict.resolved_source
            ),
            keys=[field_key(conflict.field_name)],
            before={"fields": before},
            made_by=approved_by,
        )
    return conflict


@dataclass(slots=True)
class ApprovalResult:
    approved: int = 0
    skipped: int = 0  # no longer auto-resolved, or approved already
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"approved={self.approved} skipped={self.skipped} failed={len(self.errors)}"


@transaction.atomic
def conflicts_approve(*, conflict_ids: list[int], approved_by=None) -> ApprovalResult:
    """Approve the auto-resolved conflicts the runner was shown and confirmed (by id): one that changed
    since (re-opened, resolved by hand, approved already) is skipped, never approved unseen."""
    result = ApprovalResult()
    conflicts = Conflict.objects.select_related("activity").filter(pk__in=conflict_ids)
    found = 0
    for conflict in conflicts.order_by("pk"):
        found += 1
        if conflict.status != Conflict.Status.AUTO_RESOLVED or conflict.approved_at is not None:
            result.skipped += 1
            continue
        conflict_approve(conflict=conflict, approved_by=approved_by)
        result.approved += 1
    result.skipped += len(set(conflict_ids)) - found
    return result


@transaction.atomic
def activity_edit(*, activity: Activity, changes: dict[str, Any], edited_by=None) -> Activity:
    """Edits made by hand (admin): each changed field becomes an override that beats every source."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ReconcileError(f"activity #{activity.pk}: {', '.join(unknown)} cannot be edited by hand")
    now = timezone.now()
    edits = {}
    for name, value in changes.items():
        encoded = field_encode(name, value)
        current = getattr(activity, field_attname(name))
        override = ManualOverride.objects.filter(activity=activity, field_name=name).first()
        if field_decode(name, encoded) == current and (override is None or override.value == encoded):
            continue  # not a change: nothing to pin
        edits[name] = encoded
    before = fields_snapshot(activity=activity, field_names=list(edits))
    for name, encoded in edits.items():
        value = changes[name]
        _override_set(
            activity=activity, field_name=name, value=value, user=edited_by, reason="edited by hand"
        )
        conflict = Conflict.objects.filter(activity=activity, field_name=name).first()
        if conflict is not None:
            _conflict_settle(conflict, value=encoded, source="manual", user=edited_by, now=now)
    if edits:
        decision_record(
            activity=activity,
            kind=Decision.Kind.EDIT,
            summary="; ".join(decision_value_text(field_name=n, value=v) for n, v in edits.items()),
            keys=[field_key(name) for name in edits],
            before={"fields": before},
            made_by=edited_by,
        )
    return _activity_resolve(activity)


@transaction.atomic
def override_clear(*, activity: Activity, field_name: str, cleared_by=None) -> None:
    """Drop the runner's value of a field: the sources decide it again (and may disagree again)."""
    before = fields_snapshot(activity=activity, field_names=[field_name])
    deleted, _ = ManualOverride.objects.filter(activity=activity, field_name=field_name).delete()
    if not deleted:
        raise ReconcileError(f"activity #{activity.pk} has no manual value for {field_name}")
    Conflict.objects.filter(activity=activity, field_name=field_name).delete()
    decision_record(
        activity=activity,
        kind=Decision.Kind.EDIT,
        summary=decision_value_text(field_name=field_name, value=None) + " (the sources decide again)",
        keys=[field_key(field_name)],
        before={"fields": before},
        made_by=cleared_by,
    )
    _activity_resolve(activity)


@transaction.atomic
def activity_merge(*, activity: Activity, into: Activity, merged_by=None) -> Activity:
    """The runner says two activities are one run: move `activity`'s records and manual values into
    `into`, delete `activity`, re-resolve `into` and return it. Values already set by hand on `into` win.
    """
    if activity.pk == into.pk:
        raise ReconcileError(f"activity #{activity.pk} cannot be merged into itself")
    moved = ActivitySource.objects.filter(activity=activity).update(activity=into)
    RecordPin.objects.filter(activity=activity).update(activity=into)  # placed by hand: now on `into`
    for override in ManualOverride.objects.filter(activity=activity):
        if not ManualOverride.objects.filter(activity=into, field_name=override.field_name).exists():
            override.activity = into
            override.created_by = override.created_by or merged_by
            override.save(update_fields=["activity", "created_by"])
    logger.info("activity #%s merged into #%s (%s records)", activity.pk, into.pk, moved)
    activity.delete()
    return _activity_resolve(into)
