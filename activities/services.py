"""Write services over the canonical data that several sources share: shoes (resolving and merging their
written variants) and the review flag of an activity."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from activities.models import Activity, ActivitySource, Shoe, ShoeAlias
from activities.selectors import shoe_alias_key, shoe_by_alias, shoe_by_own_name

# The Shoe columns of the sources that name a shoe by an id of their own (Strava, Garmin Connect).
SHOE_ID_COLUMNS = ("strava_gear_id", "garmin_gear_uuid")


@transaction.atomic
def shoe_resolve(
    *, name: str | None = None, strava_gear_id: str | None = None, garmin_gear_uuid: str | None = None
) -> Shoe | None:
    """The shoe a source names, creating one to review when the name is unknown.

    Gear ids (Strava's, Garmin Connect's) are authoritative: the shoe keeps its id through renames at
    the source, and a new id joins the shoe of the same written name. A written name goes through the
    alias table, so variants map to one shoe. An unknown name creates a shoe flagged `needs_review`
    rather than failing.
    """
    name = (name or "").strip()
    given = {"strava_gear_id": strava_gear_id, "garmin_gear_uuid": garmin_gear_uuid}
    for column, gear_id in given.items():
        if gear_id:
            return _shoe_by_gear_id(column, gear_id, name)
    if not name:
        return None
    shoe = _shoe_by_name(name)
    if shoe is None:
        shoe = Shoe.objects.create(name=_unique_shoe_name(name), needs_review=True)
        _remember_alias(shoe, name)
    return shoe


def _shoe_by_gear_id(column: str, gear_id: str, name: str) -> Shoe:
    shoe = Shoe.objects.filter(**{column: gear_id}).first()
    if shoe is not None:
        return shoe
    shoe = _shoe_by_name(name) if name else None
    if shoe is None:
        shoe = Shoe.objects.create(name=_unique_shoe_name(name or gear_id), **{column: gear_id})
    elif not getattr(shoe, column):
        setattr(shoe, column, gear_id)
        shoe.save(update_fields=[column])
    _remember_alias(shoe, name)
    return shoe


def _shoe_by_name(name: str) -> Shoe | None:
    """`shoe_named`, learning the alias when the shoe was found by its own name."""
    key = shoe_alias_key(name)
    if not key:
        return None
    shoe = shoe_by_alias(key=key)
    if shoe is None:
        shoe = shoe_by_own_name(key=key)
        if shoe is not None:
            _remember_alias(shoe, name)
    return shoe


def _remember_alias(shoe: Shoe, name: str) -> None:
    key = shoe_alias_key(name)
    if key:
        ShoeAlias.objects.get_or_create(alias=key, defaults={"shoe": shoe})


def _unique_shoe_name(name: str) -> str:
    candidate, n = name, 2
    while Shoe.objects.filter(name=candidate).exists():
        candidate, n = f"{name} ({n})", n + 1
    return candidate


@dataclass(slots=True)
class ShoeMergeResult:
    into: Shoe
    merged: int = 0
    aliases: int = 0
    records: int = 0
    activities: int = 0

    def summary(self) -> str:
        return (
            f"merged={self.merged} into={self.into.name!r} aliases={self.aliases} "
            f"records={self.records} activities={self.activities}"
        )


def shoe_merge_target(*, shoes: list[Shoe]) -> Shoe:
    """The shoe a selection merges into: the oldest one not flagged for review, else the oldest."""
    ordered = sorted(shoes, key=lambda shoe: (shoe.needs_review, shoe.pk))
    return ordered[0]


@transaction.atomic
def shoe_merge(*, shoes: list[Shoe], into: Shoe) -> ShoeMergeResult:
    """Fold `shoes` into `into`: their aliases, names, source records and activities move over.

    Each merged shoe's own name becomes an alias of the target, so the next import of a record
    that names it resolves to the target directly. The merged shoes are then deleted.
    """
    result = ShoeMergeResult(into=into)
    for shoe in shoes:
        if shoe.pk == into.pk:
            continue
        result.aliases += ShoeAlias.objects.filter(shoe=shoe).update(shoe=into)
        key = shoe_alias_key(shoe.name)
        if key:
            _, created = ShoeAlias.objects.update_or_create(alias=key, defaults={"shoe": into})
            result.aliases += int(created)
        result.records += ActivitySource.objects.filter(shoe=shoe).update(shoe=into)
        result.activities += Activity.objects.filter(shoe=shoe).update(shoe=into)
        for column in SHOE_ID_COLUMNS:
            if not getattr(into, column) and getattr(shoe, column):
                setattr(into, column, getattr(shoe, column))
                setattr(shoe, column, None)
                shoe.save(update_fields=[column])
                into.save(update_fields=[column])
        shoe.delete()
        result.merged += 1
    if into.needs_review and result.merged:
        into.needs_review = False
        into.save(update_fields=["needs_review"])
    return result


@transaction.atomic
def activity_review_done(*, activity: Activity) -> Activity:
    """The runner has looked at a flagged activity: clear the flag and stamp when it was approved."""
    activity.needs_review, activity.review_reason, activity.review_code = False, "", ""
    activity.approved_at = timezone.now()
    activity.save(update_fields=["needs_review", "review_reason", "review_code", "approved_at", "updated_at"])
    return activity
