"""Services over the canonical data that several sources share: shoes and their written variants."""

from __future__ import annotations

import re

from django.db import transaction

from activities.models import Shoe, ShoeAlias

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def shoe_alias_key(name: str) -> str:
    """`Peg 38`, `peg38` and `PEG-38` share one key: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", name.casefold())


@transaction.atomic
def shoe_resolve(*, name: str | None = None, strava_gear_id: str | None = None) -> Shoe | None:
    """The shoe a source names, creating one to review when the name is unknown.

    Strava gear ids are authoritative; a written name goes through the alias table, so variants
    map to one shoe. An unknown name creates a shoe flagged `needs_review` rather than failing.
    """
    name = (name or "").strip()
    if strava_gear_id:
        shoe = Shoe.objects.filter(strava_gear_id=strava_gear_id).first()
        if shoe is not None:
            return shoe
        shoe = _shoe_by_name(name) if name else None
        if shoe is None:
            shoe = Shoe.objects.create(name=name or strava_gear_id, strava_gear_id=strava_gear_id)
        elif not shoe.strava_gear_id:
            shoe.strava_gear_id = strava_gear_id
            shoe.save(update_fields=["strava_gear_id"])
        _remember_alias(shoe, name)
        return shoe
    if not name:
        return None
    shoe = _shoe_by_name(name)
    if shoe is None:
        shoe = Shoe.objects.create(name=_unique_shoe_name(name), needs_review=True)
        _remember_alias(shoe, name)
    return shoe


def _shoe_by_name(name: str) -> Shoe | None:
    key = shoe_alias_key(name)
    if not key:
        return None
    alias = ShoeAlias.objects.select_related("shoe").filter(alias=key).first()
    if alias is not None:
        return alias.shoe
    for shoe in Shoe.objects.all().only("id", "name"):
        if shoe_alias_key(shoe.name) == key:
            _remember_alias(shoe, name)
            return shoe
    return None


def _remember_alias(shoe: Shoe, name: str) -> None:
    key = shoe_alias_key(name)
    if key:
        ShoeAlias.objects.get_or_create(alias=key, defaults={"shoe": shoe})


def _unique_shoe_name(name: str) -> str:
    candidate, n = name, 2
    while Shoe.objects.filter(name=candidate).exists():
        candidate, n = f"{name} ({n})", n + 1
    return candidate
