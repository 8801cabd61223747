"""Garmin Connect gear -> RunBase shoes, and which shoe each activity was run in.

Garmin files gear under the user's profile (`gear-service/gear/filterGear?userProfilePk=`) and lists
each piece's activities, newest first (`activitylist-service/activities/<uuid>/gear`). Reading those
lists (a call per 100 activities per shoe) is far cheaper than asking for each activity's gear, so a
1,000-run backfill spends a few dozen calls on gear, not a thousand. A shoe is named as Garmin shows
it and resolved through the shoe alias table like every written shoe name; retired on Garmin means
retired here. Only shoes: bikes and other gear are left alone.

    {"uuid": "0b5a6d…", "gearTypeName": "Shoes", "gearStatusName": "active",
     "displayName": "Pegasus 39", "customMakeModel": "Nike Pegasus 39", "gearMakeName": "Nike",
     "gearModelName": "Pegasus", "dateBegin": "2023-01-04T00:00:00.0", "maximumMeters": 800000.0}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from activities.models import Shoe
from activities.services import shoe_resolve
from ingest.garmin.client import PAGE_SIZE, GarminConnectApi
from ingest.garmin.connect_parser import item_start


@dataclass(slots=True)
class _Shoe:
    uuid: str
    name: str
    shoe: Shoe
    read_until: dt.datetime | None = None  # the list is read down to this start
    done: bool = False  # the list has been read to its end
    offset: int = 0


def gear_name(gear: dict) -> str:
    """How Garmin Connect shows a piece of gear."""
    made = " ".join(part for part in (gear.get("gearMakeName"), gear.get("gearModelName")) if part)
    return (gear.get("displayName") or gear.get("customMakeModel") or made or str(gear.get("uuid"))).strip()


def _is_shoe(gear: dict) -> bool:
    return str(gear.get("gearTypeName") or "").lower() in ("shoes", "shoe")


@dataclass(slots=True)
class GearBook:
    """The user's shoes and, read lazily, the activities each was used in."""

    api: GarminConnectApi
    shoes: list[_Shoe] = field(default_factory=list)
    worn: dict[str, _Shoe] = field(default_factory=dict)  # activityId -> the shoe it was run in

    def load(self, profile_pk: int | str | None) -> None:
        if profile_pk in (None, ""):
            return
        for gear in self.api.gear(profile_pk):
            if not _is_shoe(gear) or not gear.get("uuid"):
                continue
            name = gear_name(gear)
            shoe = shoe_resolve(garmin_gear_uuid=str(gear["uuid"]), name=name)
            _update(shoe, gear)
            self.shoes.append(_Shoe(uuid=str(gear["uuid"]), name=name, shoe=shoe))

    def shoe_for(self, activity_id: str, start: dt.datetime | None) -> tuple[Shoe | None, str | None]:
        """The shoe `activity_id` (starting at `start`) was run in and its name on Garmin, reading the
        gear lists as far back as needed."""
        for shoe in self.shoes:
            while not shoe.done and (start is None or shoe.read_until is None or shoe.read_until > start):
                self._read_page(shoe)
        worn = self.worn.get(activity_id)
        return (worn.shoe, worn.name) if worn is not None else (None, None)

    def _read_page(self, shoe: _Shoe) -> None:
        items = self.api.gear_activities(shoe.uuid, start=shoe.offset, limit=PAGE_SIZE)
        shoe.offset += len(items)
        for item in items:
            self.worn.setdefault(str(item.get("activityId")), shoe)
            started = item_start(item)
            if started is not None and (shoe.read_until is None or started < shoe.read_until):
                shoe.read_until = started
        if len(items) < PAGE_SIZE:
            shoe.done = True


def _update(shoe: Shoe, gear: dict) -> None:
    values: dict = {}
    if str(gear.get("gearStatusName") or "").lower() == "retired" and not shoe.retired:
        values["retired"] = True
    for key, column in (("gearMakeName", "brand"), ("gearModelName", "model")):
        if gear.get(key) and not getattr(shoe, column):
            values[column] = str(gear[key])[:100]
    if values:
        Shoe.objects.filter(pk=shoe.pk).update(**values)
