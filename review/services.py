"""Small write services behind admin actions that no other app owns (shoe merging)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from activities.models import Activity, ActivitySource, Shoe, ShoeAlias
from activities.services import shoe_alias_key


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
        if not into.strava_gear_id and shoe.strava_gear_id:
            into.strava_gear_id, shoe.strava_gear_id = shoe.strava_gear_id, None
            shoe.save(update_fields=["strava_gear_id"])
            into.save(update_fields=["strava_gear_id"])
        shoe.delete()
        result.merged += 1
    if into.needs_review and result.merged:
        into.needs_review = False
        into.save(update_fields=["needs_review"])
    return result


@transaction.atomic
def activity_review_done(*, activity: Activity, reviewed_by=None) -> Activity:
    """The runner has looked at a flagged activity: clear the flag and stamp when it was approved.

    `reviewed_by` is accepted for symmetry with the other services; the model keeps no reviewer column.
    """
    activity.needs_review = False
    activity.review_reason = ""
    activity.approved_at = timezone.now()
    activity.save(update_fields=["needs_review", "review_reason", "approved_at", "updated_at"])
    return activity
