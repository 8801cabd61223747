"""A fake runalyze.com on 127.0.0.1 serving the shared fixtures, honouring the samples README contract.

Personal API: `token` header (missing → 401 "No valid token", wrong → 403 problem body), pages newest
first ending in an empty page, CSV on `Accept: text/csv`. Website: /login with a CSRF field and a session
cookie, POST /login → 302 (dashboard, /2fa or back to /login), protected pages → 302 /login.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.fake_http import FakeRequest, FakeResponse, FakeServer

TOKEN = "personal-token-for-tests"
USERNAME = "runner@example.org"
PASSWORD = "correct horse"


@dataclass
class FakeRunalyze:
    server: FakeServer
    api: Path
    items: list[dict] = field(default_factory=list)
    page_size: int = 100
    failures: list[int] = field(default_factory=list)  # statuses answered before the next success
    two_factor: bool = False
    csv_body: bytes | None = None
    csv_content_type: str = "text/csv; charset=utf-8"
    sessions: set[str] = field(default_factory=set)
    logged_in: set[str] = field(default_factory=set)

    def fixture(self, name: str) -> bytes:
        return (self.api / name).read_bytes()

    @property
    def activity_requests(self) -> list[FakeRequest]:
        return [r for r in self.server.requests if r.path == "/api/v1/activity"]

    # Personal API ------------------------------------------------------------------------------------
    def _auth(self, request: FakeRequest) -> FakeResponse | None:
        token = request.headers.get("token")
        if not token:
            return FakeResponse(401, {"code": 401, "message": "No valid token"})
        if token != TOKEN:
            return FakeResponse(
                403, self.fixture("api_error_403.json"), {"Content-Type": "application/problem+json"}
            )
        if self.failures:
            return FakeResponse(self.failures.pop(0), {"title": "An error occurred", "detail": "Bad Gateway"})
        return None

    def _api(self, handler):
        def wrapped(request: FakeRequest) -> FakeResponse:
            return self._auth(request) or handler(request)

        return wrapped

    def activity_page(self, request: FakeRequest) -> FakeResponse:
        if "text/csv" in request.headers.get("accept", ""):
            return FakeResponse(
                200, self.fixture("api_v1_activity.page1.order_desc.csv"), {"Content-Type": "text/csv"}
            )
        page = int(request.query.get("page", ["1"])[0])
        ordered = sorted(
            self.items, key=lambda item: item["id"], reverse=request.query.get("order[id]") == ["desc"]
        )
        return FakeResponse.json(ordered[(page - 1) * self.page_size : page * self.page_size])

    def fixed(self, name: str):
        return lambda _request: FakeResponse(200, self.fixture(name))

    # Website -----------------------------------------------------------------------------------------
    def _cookie(self, request: FakeRequest, name: str) -> str | None:
        for part in request.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None

    def login_page(self, request: FakeRequest) -> FakeResponse:
        session = secrets.token_hex(8)
        self.sessions.add(session)
        return FakeResponse(
            200,
            self.fixture("login_page.html"),
            {
                "Content-Type": "text/html; charset=UTF-8",
                "Set-Cookie": f"PHPSESSID={session}; path=/; HttpOnly",
            },
        )

    def login_post(self, request: FakeRequest) -> FakeResponse:
        form = {key: values[0] for key, values in request.form().items()}
        csrf = self.fixture("login_page.html").decode().split('name="_csrf_token" value="')[1].split('"')[0]
        session = self._cookie(request, "PHPSESSID")
        ok = (
            session in self.sessions
            and form.get("_csrf_token") == csrf
            and form.get("_username") == USERNAME
            and form.get("_password") == PASSWORD
            and form.get("_remember_me") == "on"
            and form.get("submit") == "Sign in"
        )
        if not ok:
            return FakeResponse(302, b"", {"Location": f"{self.server.url}/login"})
        if self.two_factor:
            return FakeResponse(302, b"", {"Location": "/2fa"})
        self.logged_in.add(session)
        return FakeResponse(302, b"", {"Location": "/dashboard"})

    def protected(self, body: bytes, content_type: str):
        def handler(request: FakeRequest) -> FakeResponse:
            if self._cookie(request, "PHPSESSID") not in self.logged_in:
                return FakeResponse(302, b"", {"Location": f"{self.server.url}/login"})
            return FakeResponse(200, body, {"Content-Type": content_type})

        return handler

    def activities_csv(self, request: FakeRequest) -> FakeResponse:
        body = (
            self.csv_body
            if self.csv_body is not None
            else self.fixture("internal_data_activities_all.UNVERIFIED_LAYOUT.csv")
        )
        return self.protected(body, self.csv_content_type)(request)

    def install(self) -> None:
        route = self.server.route
        route("GET", "/api/v1/activity", self._api(self.activity_page))
        route("GET", r"/api/v1/activity/191207899", self._api(self.fixed("api_v1_activity_191207899.json")))
        route(
            "GET", "/api/v1/metrics/heartRateMax", self._api(self.fixed("api_v1_metrics_heartRateMax.json"))
        )
        route(
            "GET", "/api/v1/metrics/heartRateRest", self._api(self.fixed("api_v1_metrics_heartRateRest.json"))
        )
        route("GET", "/api/v1/statistics/current", self._api(self.fixed("api_v1_statistics_current.json")))
        route("GET", "/login", self.login_page)
        route("POST", "/login", self.login_post)
        route("GET", "/dashboard", self.protected(b"<html><body>Dashboard</body></html>", "text/html"))
        route(
            "GET",
            "/2fa",
            lambda _r: FakeResponse(
                200,
                b'<html><form action="/2fa_check" method="post"><input name="_auth_code"></form></html>',
                {"Content-Type": "text/html"},
            ),
        )
        route("GET", "/_internal/data/activities/all", self.activities_csv)


@pytest.fixture
def fake_runalyze(samples: Path, settings):
    api = samples / "runalyze" / "api"
    with FakeServer() as server:
        fake = FakeRunalyze(server=server, api=api)
        fake.items = json.loads((api / "api_v1_activity.page1.order_desc.json").read_text())
        fake.install()
        settings.RUNALYZE_BASE_URL = server.url
        settings.RUNALYZE_TOKEN = TOKEN
        settings.RUNALYZE_USERNAME = USERNAME
        settings.RUNALYZE_PASSWORD = PASSWORD
        yield fake


@pytest.fixture
def expected(samples: Path) -> dict:
    return json.loads((samples / "runalyze" / "api" / "expected_derived_metrics.json").read_text())
