"""A fake Strava API on 127.0.0.1 (FakeServer) serving the shared fixtures, with Strava's behaviour.

It checks the bearer token, rotates the refresh token on every refresh (the old one then answers
400 like Strava), pages `/athlete/activities` (oldest first when `after` is given, as Strava does),
counts reads into `X-RateLimit-*` / `X-ReadRateLimit-*` headers on a clock the test controls, and
answers 429 once a window is used up. `fail(path, response)` queues a one-off fault for a path.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.fake_http import FakeRequest, FakeResponse, FakeServer

FIXTURE_ID = 16188899900


class FakeStrava:
    def __init__(
        self,
        api_dir: Path,
        *,
        clock: Callable[[], float] = time.time,
        read_limits: tuple[int, int] = (100, 1000),
        overall_limits: tuple[int, int] = (200, 2000),
    ):
        self.dir = api_dir
        self.clock = clock
        self.read_limits = read_limits
        self.overall_limits = overall_limits
        self.server = FakeServer()
        self.summaries: dict[int, dict] = {}
        self.details: dict[int, dict] = {}
        self.streams: dict[int, dict] = {}
        self.gear = {g: self.fixture(f"gear_{g}.json") for g in ("g14823571", "g15520933")}
        self.athlete = self.fixture("athlete.json")
        self.stats = {"all_run_totals": {"count": 0}, "all_ride_totals": {"count": 0}}
        exchange = self.fixture("token_exchange.json")
        self.access_token = exchange["access_token"]
        self.refresh_token = exchange["refresh_token"]
        self.code = "fake-auth-code"
        self.refreshes = 0
        self.reads = 0
        self._window = (-1, -1)
        self._usage = [0, 0]
        self.queued: list[tuple[re.Pattern, FakeResponse]] = []
        self.delay: dict[str, float] = {}

    # -- fixtures --------------------------------------------------------------------------------
    def fixture(self, name: str):
        return json.loads((self.dir / name).read_text())

    def load_fixtures(self) -> FakeStrava:
        """The six activities of page 1; the detailed fixture for 16188899900, derived details else."""
        for summary in self.fixture("athlete_activities_page1.json"):
            self.add(summary)
        self.details[FIXTURE_ID] = self.fixture(f"activity_{FIXTURE_ID}_detailed.json")
        self.streams[FIXTURE_ID] = self.fixture(f"activity_{FIXTURE_ID}_streams.json")
        return self

    def add(self, summary: dict, detail: dict | None = None) -> None:
        self.summaries[summary["id"]] = summary
        self.details[summary["id"]] = detail or {
            **summary,
            "resource_state": 3,
            "calories": round(summary.get("distance", 0) / 1000 * 65, 1),
            "description": None,
            "laps": [],
            "splits_metric": [],
        }

    def edit(self, activity_id: int, **values) -> None:
        """Change an activity on 'Strava': summary and detail alike (a rename, a new gear …)."""
        self.summaries[activity_id].update(values)
        self.details[activity_id].update(values)

    def delete(self, activity_id: int) -> None:
        self.summaries.pop(activity_id)
        self.details.pop(activity_id, None)

    def fail(self, path_pattern: str, response: FakeResponse, times: int = 1) -> None:
        for _ in range(times):
            self.queued.append((re.compile(path_pattern + r"\Z"), response))

    def fault(self, name: str, status: int, headers: dict | None = None) -> FakeResponse:
        return FakeResponse.json(self.fixture(name), status=status, headers=headers)

    # -- server ----------------------------------------------------------------------------------
    def __enter__(self) -> FakeStrava:
        self.server.__enter__()
        s = self.server
        s.route("POST", r"/oauth/token", self._token)
        s.route("GET", r"/api/v3/athlete", self._api(lambda r: self.athlete))
        s.route("GET", r"/api/v3/athlete/activities", self._api(self._activities))
        s.route("GET", r"/api/v3/activities/(\d+)", self._api(self._detail))
        s.route("GET", r"/api/v3/activities/(\d+)/streams", self._api(self._streams))
        s.route("GET", r"/api/v3/gear/(\w+)", self._api(self._gear))
        s.route("GET", r"/api/v3/athletes/(\d+)/stats", self._api(lambda r: self.stats))
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[FakeRequest]:
        return self.server.requests

    def api_requests(self, prefix: str = "/api/v3/") -> list[FakeRequest]:
        return [r for r in self.server.requests if r.path.startswith(prefix)]

    def _token(self, request: FakeRequest) -> FakeResponse:
        form = {k: v[0] for k, v in request.form().items()}
        if form.get("grant_type") == "authorization_code":
            if form.get("code") != self.code:
                return FakeResponse.json({"message": "Bad Request", "errors": [{"code": "invalid"}]}, 400)
            answer = self.fixture("token_exchange.json")
            answer["expires_at"] = int(self.clock()) + 21600
            return FakeResponse.json(answer)
        if form.get("refresh_token") != self.refresh_token:
            return self.fault("fault_400_invalid_refresh_token.json", 400)
        self.refreshes += 1
        answer = self.fixture("token_refresh.json")
        answer["access_token"] = f"{answer['access_token'][:-4]}{self.refreshes:04d}"
        answer["refresh_token"] = f"{answer['refresh_token'][:-4]}{self.refreshes:04d}"
        answer["expires_at"] = int(self.clock()) + 21600  # the fixture's 2025 date is long past
        self.access_token, self.refresh_token = answer["access_token"], answer["refresh_token"]
        return FakeResponse.json(answer)

    def _rate_headers(self) -> dict[str, str]:
        window = (int(self.clock() // 900), int(self.clock() // 86400))
        if window[1] != self._window[1]:
            self._usage = [0, 0]
        elif window[0] != self._window[0]:
            self._usage[0] = 0
        self._window = window
        self._usage[0] += 1
        self._usage[1] += 1
        used = f"{self._usage[0]},{self._usage[1]}"
        return {
            "X-RateLimit-Limit": "{},{}".format(*self.overall_limits),
            "X-RateLimit-Usage": used,
            "X-ReadRateLimit-Limit": "{},{}".format(*self.read_limits),
            "X-ReadRateLimit-Usage": used,
        }

    def _api(self, handler: Callable[[FakeRequest], object]) -> Callable[[FakeRequest], FakeResponse]:
        def respond(request: FakeRequest) -> FakeResponse:
            if request.path in self.delay:
                time.sleep(self.delay.pop(request.path))
            for i, (pattern, queued) in enumerate(self.queued):
                if pattern.match(request.path):
                    self.queued.pop(i)
                    return queued
            self.reads += 1
            headers = self._rate_headers()
            if self._usage[0] > self.read_limits[0] or self._usage[1] > self.read_limits[1]:
                return self.fault("fault_429_rate_limit.json", 429, headers)
            if request.headers.get("authorization") != f"Bearer {self.access_token}":
                return self.fault("fault_401_invalid_token.json", 401, headers)
            payload = handler(request)
            if isinstance(payload, FakeResponse):
                payload.headers.update(headers)
                return payload
            return FakeResponse.json(copy.deepcopy(payload), headers=headers)

        return respond

    def _activities(self, request: FakeRequest) -> list[dict]:
        q = {k: int(v[0]) for k, v in request.query.items() if v and v[0].lstrip("-").isdigit()}
        page, per_page = q.get("page", 1), min(q.get("per_page", 30), 200)
        items = list(self.summaries.values())
        epoch = lambda a: int(_iso_epoch(a["start_date"]))  # noqa: E731
        if q.get("after") is not None and "after" in request.query:
            items = sorted((a for a in items if epoch(a) > q["after"]), key=epoch)
        else:
            items = sorted(items, key=epoch, reverse=True)
        if "before" in q:
            items = [a for a in items if epoch(a) < q["before"]]
        return items[(page - 1) * per_page : page * per_page]

    def _detail(self, request: FakeRequest):
        detail = self.details.get(int(request.match.group(1)))
        return detail if detail is not None else self.fault("fault_404_activity.json", 404)

    def _streams(self, request: FakeRequest):
        streams = self.streams.get(int(request.match.group(1)))
        return streams if streams is not None else self.fault("fault_404_activity.json", 404)

    def _gear(self, request: FakeRequest):
        gear = self.gear.get(request.match.group(1))
        return gear if gear is not None else self.fault("fault_404_activity.json", 404)


def _iso_epoch(text: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
