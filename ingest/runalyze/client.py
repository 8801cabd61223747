"""Runalyze Personal API client: the `token` header, paging hidden in a generator, bounded retries.

Runalyze documents no rate-limit headers ("fair use"), so a 429 or 5xx is retried a few times with a
growing pause (honouring `Retry-After` when sent); 401/403/404 stop at once with what to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from django.conf import settings

from ingest.records import SourceError

log = logging.getLogger("runbase.ingest.runalyze")

USER_AGENT = "RunBase/0.1 (+self-hosted; runalyze sync)"
TIMEOUT_S = 30
RETRIES = 3
BACKOFF_S = 2.0
TRANSIENT = {429, 500, 502, 503, 504}

TOKEN_HELP = (
    "create a Personal API token on runalyze.com (Account → Personal API) and set RUNALYZE_TOKEN, "
    "or use --method csv with RUNALYZE_USERNAME/RUNALYZE_PASSWORD"
)


class RunalyzeApiError(SourceError):
    """A Personal API call failed for good; the message says what to do."""


class RunalyzeTokenRejected(RunalyzeApiError):
    """401/403: the Personal API token is wrong or revoked."""

    credentials = True  # notified as refused credentials (ingest.notify.syncs)


def _detail(response: requests.Response) -> str:
    # Error bodies: {"title": "An error occurred", "detail": "Access Denied.", "status": 403, …}
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body.get("message") or body)[:200]
    return str(body)[:200]


class RunalyzeClient:
    """Talks to `settings.RUNALYZE_BASE_URL` with the personal token; counts its requests."""

    def __init__(
        self,
        *,
        token: str | None = None,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retries: int = RETRIES,
        session: requests.Session | None = None,
    ) -> None:
        self.token = settings.RUNALYZE_TOKEN if token is None else token
        if not self.token:
            raise RunalyzeApiError(f"RUNALYZE_TOKEN is not set: {TOKEN_HELP}")
        self.base_url = (base_url or settings.RUNALYZE_BASE_URL).rstrip("/")
        self.sleep = sleep
        self.retries = retries
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "token": self.token})
        self.calls = 0

    def get_json(self, path: str, params: dict | None = None) -> Any:
        """GET one resource as JSON, retrying transient failures a bounded number of times."""
        url = f"{self.base_url}{path}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            self.calls += 1
            try:
                response = self.session.get(
                    url, params=params, headers={"Accept": "application/json"}, timeout=TIMEOUT_S
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                if last:
                    raise RunalyzeApiError(
                        f"Runalyze {path}: no answer after {self.retries + 1} tries "
                        f"({exc.__class__.__name__}); try again later"
                    ) from None
                self._pause(attempt, None, f"did not answer ({exc.__class__.__name__})")
                continue
            if response.status_code in TRANSIENT and not last:
                self._pause(attempt, response.headers.get("Retry-After"), f"answered {response.status_code}")
                continue
            return self._result(path, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, retry_after: str | None, reason: str) -> None:
        seconds = BACKOFF_S * (2**attempt)
        if retry_after and retry_after.isdigit():
            seconds = min(float(retry_after), 300.0)
        log.warning("Runalyze %s; retrying in %.0f s", reason, seconds)
        self.sleep(seconds)

    def _result(self, path: str, response: requests.Response) -> Any:
        status = response.status_code
        if status in (401, 403):
            raise RunalyzeTokenRejected(
                f"Runalyze refused the token ({status}: {_detail(response)}) for {path}: {TOKEN_HELP}"
            )
        if status == 404:
            raise RunalyzeApiError(
                f"Runalyze has no {path} (404: {_detail(response)}): check RUNALYZE_BASE_URL "
                f"({self.base_url}) and that the item still exists"
            )
        if status >= 400:
            tries = f" after {self.retries + 1} tries" if status in TRANSIENT else ""
            raise RunalyzeApiError(f"Runalyze {path} failed with {status}{tries}: {_detail(response)}")
        try:
            return response.json()
        except ValueError:
            raise RunalyzeApiError(
                f"Runalyze {path} did not answer JSON (Content-Type {response.headers.get('Content-Type')})"
            ) from None

    def iter_activity_pages(self) -> Iterator[list[dict]]:
        """Pages of activities, newest first, until an empty page (the page size is Runalyze's)."""
        page = 1
        while True:
            items = self.get_json("/api/v1/activity", params={"page": page, "order[id]": "desc"})
            if not isinstance(items, list):
                raise RunalyzeApiError(f"Runalyze /api/v1/activity page {page}: expected a JSON list")
            if not items:
                return
            yield items
            page += 1

    def heart_rate_max(self) -> Any:
        return self.get_json("/api/v1/metrics/heartRateMax")

    def heart_rate_rest(self) -> Any:
        return self.get_json("/api/v1/metrics/heartRateRest")

    def statistics_current(self) -> Any:
        return self.get_json("/api/v1/statistics/current")
