"""Shoes named by a source's own gear id (Strava's, Garmin Connect's) keep their identity."""

from __future__ import annotations

import pytest

from activities.models import Shoe
from activities.services import shoe_merge, shoe_resolve

pytestmark = pytest.mark.django_db


def test_a_garmin_gear_uuid_keeps_its_shoe_through_a_rename():
    first = shoe_resolve(garmin_gear_uuid="0b5a6d-uuid", name="Pegasus 39")

    renamed = shoe_resolve(garmin_gear_uuid="0b5a6d-uuid", name="Old Pegasus (race)")

    assert renamed == first and Shoe.objects.count() == 1
    assert (first.name, first.needs_review) == ("Pegasus 39", False)


def test_one_pair_named_alike_by_strava_and_garmin_is_one_shoe():
    strava = shoe_resolve(strava_gear_id="g14823571", name="Nike Pegasus 40")

    garmin = shoe_resolve(garmin_gear_uuid="c3d4-uuid", name="nike  pegasus 40")

    assert garmin == strava
    assert Shoe.objects.get().garmin_gear_uuid == "c3d4-uuid"
    assert Shoe.objects.get().strava_gear_id == "g14823571"


def test_a_merge_keeps_every_gear_id():
    keep = Shoe.objects.create(name="Pegasus 40", strava_gear_id="g1")
    other = Shoe.objects.create(name="Garmin's Pegasus", garmin_gear_uuid="uuid-1", needs_review=True)

    shoe_merge(shoes=[keep, other], into=keep)

    keep.refresh_from_db()
    assert (keep.strava_gear_id, keep.garmin_gear_uuid) == ("g1", "uuid-1")
    assert shoe_resolve(garmin_gear_uuid="uuid-1", name="anything") == keep
