"""A fake Garmin Connect on 127.0.0.1 (FakeServer): sign-in, tokens, and the reads the pull makes.

SSO side, as garminconnect's mobile flow meets it: `POST /mobile/api/login` (SUCCESSFUL with a service
ticket, MFA_REQUIRED, or INVALID_USERNAME_PASSWORD), `POST /mobile/api/mfa/verifyCode`, and the token
service `POST /di-oauth2-service/oauth/token` (service ticket or refresh token -> a JWT access token
with `exp` and `client_id`, and a new refresh token; the old ones die).
Connect side, bearer token checked: the social profile, the activity count, the activity list (newest
first, `start`/`limit`, multisport legs left out of it and served by `activity-service/activity/<id>`
in the detail shape), the original download (a zip holding the upload; 404 for a manual activity,
the parent's file for a leg), the user's gear and each shoe's activities. `fail(path, response)`
queues a one-off fault (429, 401, 5xx, a challenge page); `broken` ids download as a truncated zip.

`FakeGarminConnect.from_export(...)` fills it from a Garmin "Export My Data" zip, as the Connect
account that export came from would hold it: every summary converted from the export's units
(centimetres, milliseconds, epoch milliseconds, m/s ÷ 10, kcal × 4.19) to the API's (metres,
seconds, wall-clock strings, m/s, kcal) and names, and each activity's original = the uploaded
file's own bytes. The export does not say which upload is whose (it names them by upload number);
Garmin's server knows, and here the sample's manifest stands in for it (`member`, shared by a
multisport parent and its legs).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from tests.support.fake_http import FakeRequest, FakeResponse, FakeServer

PROFILE_ID = 81234567
DI_CLIENT_ID = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2"


def jwt(*, exp: float, client_id: str = DI_CLIENT_ID, serial: int = 0) -> str:
    """A token shaped like Garmin's DI access token: a JWT whose payload has `exp` and `client_id`."""

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    payload = {"exp": int(exp), "client_id": client_id, "jti": f"fake-{serial}"}
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


def _wall(epoch_ms: float) -> str:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _scaled(summary: dict, key: str, factor: float) -> float | None:
    value = summary.get(key)
    return None if value is None else value / factor


def list_item_from_export(summary: dict) -> dict:
    """One export summary as the activity list's item for the same activity."""
    item = {
        "activityId": summary["activityId"],
        "activityName": summary.get("name"),
        "description": summary.get("description"),
        "startTimeLocal": _wall(summary["startTimeLocal"]),
        "startTimeGMT": _wall(summary["startTimeGmt"]),
        "activityType": {"typeId": 0, "typeKey": summary.get("activityType"), "isHidden": False},
        "eventType": {"typeId": summary.get("eventTypeId", 9), "typeKey": "uncategorized"},
        "distance": _scaled(summary, "distance", 100),
        "duration": _scaled(summary, "duration", 1000),
        "elapsedDuration": _scaled(summary, "elapsedDuration", 1000),
        "movingDuration": _scaled(summary, "movingDuration", 1000),
        "elevationGain": _scaled(summary, "elevationGain", 100),
        "elevationLoss": _scaled(summary, "elevationLoss", 100),
        "minElevation": _scaled(summary, "minElevation", 100),
        "maxElevation": _scaled(summary, "maxElevation", 100),
        "averageSpeed": _scaled(summary, "avgSpeed", 0.1),
        "maxSpeed": _scaled(summary, "maxSpeed", 0.1),
        "averageHR": summary.get("avgHr"),
        "maxHR": summary.get("maxHr"),
        "calories": _scaled(summary, "calories", 4.19),
        "averageRunningCadenceInStepsPerMinute": summary.get("avgDoubleCadence"),
        "maxRunningCadenceInStepsPerMinute": summary.get("maxDoubleCadence"),
        "averageBikingCadenceInRevPerMinute": summary.get("avgBikeCadence"),
        "avgPower": summary.get("avgPower"),
        "maxPower": summary.get("maxPower"),
        "normPower": summary.get("normPower"),
        "steps": summary.get("steps"),
        "startLatitude": summary.get("startLatitude"),
        "startLongitude": summary.get("startLongitude"),
        "locationName": summary.get("locationName"),
        "ownerId": summary.get("userProfileId", PROFILE_ID),
        "deviceId": summary.get("deviceId"),
        "manufacturer": summary.get("manufacturer"),
        "lapCount": summary.get("lapCount"),
        "beginTimestamp": summary.get("beginTimestamp"),
        "hasPolyline": summary.get("startLatitude") is not None,
        "manualActivity": False,
        "parent": bool(summary.get("parent")),
        "privacy": {"typeId": 2, "typeKey": "private"},
    }
    return {key: value for key, value in item.items() if value is not None}


def detail_from_item(item: dict) -> dict:
    """The `activity-service/activity/<id>` answer for a list item (summaryDTO, activityTypeDTO …)."""
    renamed = {
        "averageRunningCadenceInStepsPerMinute": "averageRunCadence",
        "maxRunningCadenceInStepsPerMinute": "maxRunCadence",
        "avgPower": "averagePower",
    }
    summary_keys = [
        "distance",
        "duration",
        "elapsedDuration",
        "movingDuration",
        "elevationGain",
        "elevationLoss",
        "averageSpeed",
        "maxSpeed",
        "averageHR",
        "maxHR",
        "calories",
        "averageRunningCadenceInStepsPerMinute",
        "maxRunningCadenceInStepsPerMinute",
        "avgPower",
        "startLatitude",
        "startLongitude",
    ]
    summary = {renamed.get(key, key): item[key] for key in summary_keys if key in item}
    summary["startTimeLocal"] = item["startTimeLocal"].replace(" ", "T") + ".0"
    summary["startTimeGMT"] = item["startTimeGMT"].replace(" ", "T") + ".0"
    return {
        "activityId": item["activityId"],
        "activityName": item.get("activityName"),
        "description": item.get("description"),
        "userProfileId": item.get("ownerId"),
        "isMultiSportParent": bool(item.get("parent")),
        "parentId": item.get("parentId"),
        "activityTypeDTO": item["activityType"],
        "eventTypeDTO": item.get("eventType"),
        "metadataDTO": {
            "isOriginal": True,
            "manufacturer": item.get("manufacturer"),
            "deviceMetaDataDTO": {"deviceId": str(item.get("deviceId") or "")},
            "childIds": item.get("childIds", []),
            "manualActivity": item.get("manualActivity", False),
            "lapCount": item.get("lapCount"),
        },
        "summaryDTO": summary,
    }


def original_zip(activity_id: int, name: str, data: bytes) -> bytes:
    """A download of the original: the upload, zipped, named after the activity."""
    suffix = PurePosixPath(name).suffix.lower() or ".fit"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{activity_id}_ACTIVITY{suffix}", data)
    return buffer.getvalue()


def export_contents(export: Path) -> tuple[list[dict], dict[str, bytes]]:
    """An export's summaries and its uploads by file name, read with zipfile (not RunBase's reader)."""
    summaries: list[dict] = []
    uploads: dict[str, bytes] = {}
    with zipfile.ZipFile(export) as outer:
        for name in outer.namelist():
            base = PurePosixPath(name).name
            if base.endswith("summarizedActivities.json"):
                for block in json.loads(outer.read(name)):
                    summaries.extend(block["summarizedActivitiesExport"])
            elif base.startswith("UploadedFiles") and base.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(outer.read(name))) as part:
                    for member in part.namelist():
                        uploads[PurePosixPath(member).name] = part.read(member)
    return summaries, uploads


class FakeGarminConnect:
    def __init__(self, *, clock: Callable[[], float], email="runner@example.com", password="correct horse"):
        self.clock = clock
        self.email, self.password = email, password
        self.mfa_code: str | None = None  # set: sign-in asks for this code
        self.server = FakeServer()
        self.items: dict[str, dict] = {}  # activityId -> list item (legs too, with parentId)
        self.originals: dict[str, bytes] = {}  # activityId -> zip (legs: their parent's)
        self.gear: list[dict] = []
        self.worn: dict[str, list[str]] = {}  # gear uuid -> activity ids
        self.broken: set[str] = set()
        self.queued: list[tuple[re.Pattern, FakeResponse]] = []
        self.issued = 0
        self.tickets: set[str] = set()
        self.access_token = ""
        self.refresh_token = ""
        self.logins = 0
        self.refreshes = 0
        self.grant_tokens(lifetime_s=3600)

    # -- data ------------------------------------------------------------------------------------
    def add(self, item: dict, original: bytes | None = None) -> None:
        self.items[str(item["activityId"])] = item
        if original is not None:
            self.originals[str(item["activityId"])] = original

    @classmethod
    def from_export(
        cls, export: Path, manifest: dict, *, only: set[str] | None = None, **kwargs
    ) -> FakeGarminConnect:
        """The account, or only the activities `only` names (a lighter account for fault tests)."""
        fake = cls(**kwargs)
        summaries, uploads = export_contents(export)
        summaries = [s for s in summaries if only is None or str(s["activityId"]) in only]
        members = {str(a["activityId"]): a.get("member") for a in manifest["activities"]}
        parents = {
            members[str(a["activityId"])]: str(a["activityId"]) for a in manifest["activities"] if a["parent"]
        }
        for summary in summaries:
            activity_id = str(summary["activityId"])
            item = list_item_from_export(summary)
            member = members.get(activity_id)
            parent = parents.get(member) if member else None
            if parent and parent != activity_id:
                item["parentId"] = int(parent)
            original = original_zip(int(parent or activity_id), member, uploads[member]) if member else None
            fake.add(item, original)
        for parent in parents.values():
            if parent not in fake.items:
                continue
            children = [i for i in fake.items.values() if str(i.get("parentId")) == parent]
            fake.items[parent]["childIds"] = [c["activityId"] for c in children]
            fake.items[parent]["childActivityTypes"] = [c["activityType"]["typeKey"] for c in children]
        return fake

    def add_shoe(self, uuid: str, name: str, activity_ids: list[str], *, retired: bool = False) -> None:
        self.gear.append(
            {
                "gearPk": len(self.gear) + 1,
                "uuid": uuid,
                "userProfilePk": PROFILE_ID,
                "gearMakeName": name.split()[0],
                "gearModelName": " ".join(name.split()[1:]) or "Unknown",
                "gearTypeName": "Shoes",
                "gearStatusName": "retired" if retired else "active",
                "displayName": name,
                "customMakeModel": name,
                "dateBegin": "2012-01-01T00:00:00.0",
                "maximumMeters": 800000.0,
            }
        )
        self.worn[uuid] = [str(a) for a in activity_ids]

    def listed(self) -> list[dict]:
        """The activity list as Connect serves it: newest first, legs left out."""
        top = [item for item in self.items.values() if not item.get("parentId")]
        return sorted(top, key=lambda item: item["startTimeGMT"], reverse=True)

    def fail(self, path_pattern: str, response: FakeResponse, times: int = 1) -> None:
        for _ in range(times):
            self.queued.append((re.compile(path_pattern + r"\Z"), response))

    def grant_tokens(self, *, lifetime_s: float) -> dict:
        self.issued += 1
        self.access_token = jwt(exp=self.clock() + lifetime_s, serial=self.issued)
        self.refresh_token = f"fake-refresh-{self.issued}"
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "bearer",
            "expires_in": int(lifetime_s),
            "refresh_token_expires_in": 2591999,
        }

    def expire_access_token(self) -> None:
        """Garmin ends the access token early (the refresh token still works): the next call gets 401."""
        self.issued += 1
        self.access_token = jwt(exp=self.clock() + 3600, serial=self.issued)

    def stored_tokens(self) -> str:
        """What garminconnect's `dumps()` writes after a sign-in to this fake."""
        return json.dumps(
            {
                "di_token": self.access_token,
                "di_refresh_token": self.refresh_token,
                "di_client_id": DI_CLIENT_ID,
            }
        )

    # -- server ----------------------------------------------------------------------------------
    def __enter__(self) -> FakeGarminConnect:
        self.server.__enter__()
        s = self.server
        s.route("POST", r"/mobile/api/login", self._login)
        s.route("POST", r"/(mobile|portal)/api/mfa/verifyCode", self._mfa)
        s.route("POST", r"/di-oauth2-service/oauth/token", self._token)
        s.route("GET", r"/userprofile-service/socialProfile", self._api(lambda r: self._profile()))
        s.route("GET", r"/activitylist-service/activities/count", self._api(self._count))
        s.route("GET", r"/activitylist-service/activities/search/activities", self._api(self._list))
        s.route("GET", r"/activitylist-service/activities/([\w-]+)/gear", self._api(self._gear_list))
        s.route("GET", r"/activity-service/activity/(\d+)", self._api(self._detail))
        s.route("GET", r"/download-service/files/activity/(\d+)", self._api(self._original))
        s.route("GET", r"/gear-service/gear/filterGear", self._api(lambda r: self.gear))
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def api_requests(self) -> list[FakeRequest]:
        sso = ("/mobile/", "/portal/", "/di-oauth2-service/")
        return [r for r in self.server.requests if not r.path.startswith(sso)]

    def _login(self, request: FakeRequest) -> FakeResponse:
        body = request.json() or {}
        if body.get("username") != self.email or body.get("password") != self.password:
            return FakeResponse.json({"responseStatus": {"type": "INVALID_USERNAME_PASSWORD"}})
        self.logins += 1
        if self.mfa_code:
            return FakeResponse.json(
                {
                    "responseStatus": {"type": "MFA_REQUIRED"},
                    "customerMfaInfo": {"mfaLastMethodUsed": "email"},
                }
            )
        return self._ticket()

    def _mfa(self, request: FakeRequest) -> FakeResponse:
        body = request.json() or {}
        if self.mfa_code and body.get("mfaVerificationCode") == self.mfa_code:
            return self._ticket()
        return FakeResponse.json({"responseStatus": {"type": "INVALID_MFA_CODE"}}, status=400)

    def _ticket(self) -> FakeResponse:
        ticket = f"ST-{len(self.tickets) + 1:05d}-fake-cas"
        self.tickets.add(ticket)
        return FakeResponse.json({"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": ticket})

    def _token(self, request: FakeRequest) -> FakeResponse:
        form = {k: v[0] for k, v in request.form().items()}
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:
                return FakeResponse.json({"error": "invalid_grant", "error_description": "revoked"}, 401)
            self.refreshes += 1
            return FakeResponse.json(self.grant_tokens(lifetime_s=3600))
        if form.get("service_ticket") not in self.tickets:
            return FakeResponse.json({"error": "invalid_grant"}, 400)
        self.tickets.discard(form["service_ticket"])
        return FakeResponse.json(self.grant_tokens(lifetime_s=3600))

    def _api(self, handler: Callable[[FakeRequest], object]) -> Callable[[FakeRequest], FakeResponse]:
        def respond(request: FakeRequest) -> FakeResponse:
            for i, (pattern, queued) in enumerate(self.queued):
                if pattern.match(request.path):
                    self.queued.pop(i)
                    return queued
            if request.headers.get("authorization") != f"Bearer {self.access_token}":
                return FakeResponse.json({"message": "Unauthorized", "error": "UnauthorizedException"}, 401)
            payload = handler(request)
            if isinstance(payload, FakeResponse):
                return payload
            return FakeResponse.json(copy.deepcopy(payload))

        return respond

    def _profile(self) -> dict:
        return {
            "id": 376735957,
            "profileId": PROFILE_ID,
            "displayName": "fake-runner",
            "fullName": "Fake Runner",
        }

    def _count(self, request: FakeRequest) -> dict:
        return {"totalCount": len(self.listed())}

    @staticmethod
    def _page(request: FakeRequest, items: list[dict]) -> list[dict]:
        start = int(request.query.get("start", ["0"])[0])
        limit = int(request.query.get("limit", ["20"])[0])
        return items[start : start + limit]

    def _list(self, request: FakeRequest) -> list[dict]:
        return self._page(request, self.listed())

    def _gear_list(self, request: FakeRequest):
        ids = self.worn.get(request.match.group(1))
        if ids is None:
            return FakeResponse.json({"message": "gear not found"}, 404)
        items = sorted((self.items[i] for i in ids), key=lambda i: i["startTimeGMT"], reverse=True)
        return self._page(request, items)

    def _detail(self, request: FakeRequest):
        item = self.items.get(request.match.group(1))
        if item is None:
            return FakeResponse.json({"message": "Activity not found"}, 404)
        return detail_from_item(item)

    def _original(self, request: FakeRequest) -> FakeResponse:
        activity_id = request.match.group(1)
        data = self.originals.get(activity_id)
        if data is None:
            return FakeResponse.json({"message": "No original file for this activity"}, 404)
        if activity_id in self.broken:
            data = data[: len(data) // 2]
        return FakeResponse(200, data, {"Content-Type": "application/x-zip-compressed"})
