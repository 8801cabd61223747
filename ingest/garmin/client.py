"""Garmin Connect API reads for the pull: paging, token refresh, bounded retries, clear errors.

Signing in and refreshing the token is garminconnect's job (`ingest.garmin.library`); the reads go
through a `requests` session of our own on GARMIN_CONNECT_BASE_URL, with the library's headers
(`get_api_headers()`: the bearer token and the Connect app's headers). garminconnect's own request
path turns every HTTP fault into one exception whose status survives only in its text and logs each
with a traceback; the sync needs the status: 429 stops the run with the time to come back, 401
refreshes once, 5xx and timeouts are retried, a web page where data was expected is Garmin's
sign-in or bot-check challenge.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from django.conf import settings
from garminconnect.exceptions import GarminConnectAuthenticationError

from ingest.garmin.library import GarminLibraryClient, library_client
from ingest.garmin.tokens import RELOGIN, GarminAuthError, tokens_load, tokens_save
from ingest.records import SourceError

log = logging.getLogger("runbase.ingest.garmin")

PAGE_SIZE = 100  # activities per list call (garminconnect allows up to 1,000)
RETRIES = 3  # attempts after the first, for 5xx and timeouts
ACTIVITIES = "/activitylist-service/activities/search/activities"
ACTIVITY_COUNT = "/activitylist-service/activities/count"
ACTIVITY = "/activity-service/activity/{id}"
ORIGINAL = "/download-service/files/activity/{id}"
PROFILE = "/userprofile-service/socialProfile"
GEAR = "/gear-service/gear/filterGear"
GEAR_ACTIVITIES = "/activitylist-service/activities/{uuid}/gear"
_TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.IGNORECASE | re.DOTALL)


class GarminError(SourceError):
    """A Garmin Connect call failed in a way the user must know about; the message says what to do."""


class GarminChallenge(GarminError):
    """Garmin answered with a web page (its sign-in page or a bot check) where data was expected."""

    credentials = True  # the remedy is signing in again: notified as refused credentials


class GarminNotFound(GarminError):
    """404: no such activity or file (a manual activity has no original)."""


class GarminRateLimited(GarminError):
    """429: Garmin wants a pause; `resume_at` (UTC) is when the next run may go on."""

    def __init__(self, message: str, *, resume_at: dt.datetime):
        super().__init__(message)
        self.resume_at = resume_at


def _resume_at(response: requests.Response, now: float) -> dt.datetime:
    """Retry-After (seconds or an HTTP date) if Garmin sent one, else GARMIN_RATE_LIMIT_PAUSE_S."""
    after = (response.headers.get("Retry-After") or "").strip()
    base = dt.datetime.fromtimestamp(now, dt.UTC)
    if after.isdigit():
        return base + dt.timedelta(seconds=int(after))
    if after:
        try:
            return email.utils.parsedate_to_datetime(after).astimezone(dt.UTC)
        except (TypeError, ValueError):
            pass
    return base + dt.timedelta(seconds=settings.GARMIN_RATE_LIMIT_PAUSE_S)


def _is_web_page(response: requests.Response) -> bool:
    if "text/html" in response.headers.get("Content-Type", "").lower():
        return True
    head = response.content[:2000].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _page_title(response: requests.Response) -> str:
    found = _TITLE.search(response.content[:20000])
    return found.group(1).decode("utf-8", "replace")[:80] if found else "no title"


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:120]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:160]
    return str(body)[:160]


class GarminConnectApi:
    """The read calls of the pull. `calls` counts HTTP requests to Connect (the benchmark's figure)."""

    def __init__(
        self,
        *,
        library: GarminLibraryClient,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        session: requests.Session | None = None,
    ):
        self.library = library
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.base_url = settings.GARMIN_CONNECT_BASE_URL.rstrip("/")
        self.calls = 0

    @classmethod
    def from_stored_tokens(cls, **kwargs: Any) -> GarminConnectApi:
        """The API on the tokens `garmin_login` stored (GarminAuthError when there are none)."""
        try:
            library = library_client(tokens_load())
        except GarminAuthError:
            raise
        except Exception as error:  # garminconnect refuses a token file it cannot read
            raise GarminAuthError(f"the stored Garmin tokens cannot be used ({error}): {RELOGIN}") from None
        return cls(library=library, **kwargs)

    # -- tokens --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Trade the refresh token for a new access token (garminconnect) and store both at once."""
        try:
            self.library._refresh_di_token()
        except GarminConnectAuthenticationError as error:
            raise GarminAuthError(
                f"Garmin refused to renew the stored sign-in ({error}): it has expired or was revoked; "
                f"{RELOGIN}"
            ) from None
        except Exception as error:
            raise GarminError(
                f"Garmin's token service could not be reached to renew the sign-in ({error}); try again later"
            ) from None
        tokens_save(self.library.dumps())
        log.info("garmin: access token refreshed and stored")

    # -- calls ---------------------------------------------------------------------------------
    def get(self, path: str, *, params: dict | None = None, binary: bool = False) -> Any:
        """GET `path` (JSON, or bytes when `binary`); see the module docstring for the faults."""
        refreshed = False
        for attempt in range(RETRIES + 1):
            if not refreshed and self.library._token_expires_soon():
                self.refresh()
                refreshed = True
            try:
                response = self._send(path, params, binary)
            except (requests.Timeout, requests.ConnectionError) as error:
                reason = type(error).__name__
            else:
                status = response.status_code
                if status == 401 and not refreshed:
                    self.refresh()
                    refreshed = True
                    continue
                if status < 500:
                    return self._answer(path, response, binary=binary)
                reason = f"HTTP {status}"
            if attempt == RETRIES:
                raise GarminError(
                    f"Garmin Connect call {path} failed: {reason} after {attempt + 1} attempts; "
                    "progress is kept, try again later"
                )
            wait = 2 ** (attempt + 1)
            log.warning("garmin: %s on %s, retry %d in %ds", reason, path, attempt + 1, wait)
            self.sleep(wait)
        raise GarminError(f"Garmin Connect call {path} failed")  # not reached

    def _send(self, path: str, params: dict | None, binary: bool) -> requests.Response:
        headers = self.library.get_api_headers()
        if binary:
            headers["Accept"] = "*/*"
        self.calls += 1
        return self.session.get(
            self.base_url + path, params=params, headers=headers, timeout=settings.GARMIN_TIMEOUT_S
        )

    def _answer(self, path: str, response: requests.Response, *, binary: bool) -> Any:
        status = response.status_code
        if _is_web_page(response):
            raise GarminChallenge(
                f"Garmin answered {path} with a web page ('{_page_title(response)}', HTTP {status}) instead "
                f"of data: its sign-in page or a bot check. {RELOGIN[0].upper()}{RELOGIN[1:]}; if it "
                "persists, Garmin has changed its unofficial API: use the export (import_garmin) meanwhile"
            )
        if status == 429:
            resume = _resume_at(response, self.clock())
            raise GarminRateLimited(
                f"Garmin Connect answered 429 (too many requests): stopped, progress kept; the next sync "
                f"after {resume:%Y-%m-%d %H:%M} UTC continues",
                resume_at=resume,
            )
        if status == 401:
            raise GarminAuthError(
                f"Garmin Connect refused the sign-in even after renewing it (401): {RELOGIN}"
            )
        if status == 403:
            raise GarminAuthError(
                f"Garmin Connect refused access to {path} (403: {_message(response)}): "
                f"the sign-in lacks a permission or was blocked; {RELOGIN}"
            )
        if status == 404:
            raise GarminNotFound(f"Garmin Connect has no {path} (404)")
        if status >= 400:
            raise GarminError(f"Garmin Connect call {path} failed: HTTP {status} {_message(response)}")
        if binary:
            return response.content
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GarminError(f"Garmin Connect answered {path} with something that is not JSON") from None

    # -- resources -----------------------------------------------------------------------------
    def profile(self) -> dict:
        """The signed-in user's profile (`profileId` is the user profile number gear is filed under)."""
        return self.get(PROFILE) or {}

    def activity_count(self) -> int | None:
        answer = self.get(ACTIVITY_COUNT)
        count = answer.get("totalCount") if isinstance(answer, dict) else None
        return int(count) if isinstance(count, int | float) else None

    def activity_pages(self, *, page_size: int = PAGE_SIZE) -> Iterator[list[dict]]:
        """Pages of list items, newest first, until a short page."""
        start = 0
        while True:
            items = self.get(ACTIVITIES, params={"start": start, "limit": page_size}) or []
            yield list(items)
            if len(items) < page_size:
                return
            start += page_size

    def activity(self, activity_id: int | str) -> dict:
        """One activity in the detail shape (summaryDTO …): for a multisport leg the list leaves out."""
        return self.get(ACTIVITY.format(id=activity_id))

    def original(self, activity_id: int | str) -> bytes:
        """The original upload as Garmin keeps it: a zip holding the FIT (or the GPX/TCX uploaded)."""
        return self.get(ORIGINAL.format(id=activity_id), binary=True)

    def gear(self, profile_pk: int | str) -> list[dict]:
        return self.get(GEAR, params={"userProfilePk": profile_pk}) or []

    def gear_activities(self, uuid: str, *, start: int, limit: int = PAGE_SIZE) -> list[dict]:
        """The activities a piece of gear was used in, newest first."""
        try:
            return self.get(GEAR_ACTIVITIES.format(uuid=uuid), params={"start": start, "limit": limit}) or []
        except GarminNotFound:
            return []
