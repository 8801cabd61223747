"""The Strava API through stravalib: base-URL rewrite, our own token refresh, rate budget, retries.

stravalib always builds `https://www.strava.com/...` URLs. A `requests` adapter mounted on that
prefix sends them to `settings.STRAVA_BASE_URL` instead (a fake server in tests), with a timeout.
stravalib's own limiter would sleep for up to a day inside a cron job: ours only counts the
`X-RateLimit-*` / `X-ReadRateLimit-*` headers and stops the sync before a window runs out.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from stravalib import Client, exc
from stravalib.util.limiter import RateLimiter

from ingest.records import SourceError
from ingest.strava.tokens import REAUTH, StravaAuthError, Tokens, tokens_from_answer, tokens_save

STRAVA_URL = "https://www.strava.com"
USER_AGENT = "RunBase/0.1 (+self-hosted; strava sync via stravalib)"
PER_PAGE = 200
RETRIES = 3  # attempts after the first for 5xx and timeouts
SCOPES = ["read", "activity:read_all", "profile:read_all"]

log = logging.getLogger("runbase.ingest.strava")

INACTIVE = (
    "Strava refuses every request: 403 Application/Status/Inactive. Since 30 June 2026 the account that "
    "owns a Strava API application needs a paid Strava subscription. Subscribe and reactivate the app at "
    "https://www.strava.com/settings/api, or skip the API: request your archive on strava.com (Settings -> "
    "My Account -> Download or delete your account) and run `python manage.py import_strava_export "
    "export.zip`."
)


class StravaError(SourceError):
    """A Strava call failed in a way the user must act on; the message says what to do."""


class StravaInactive(StravaError):
    """The API application is inactive (no subscription on the owner's account)."""

    credentials = True  # notified as refused credentials (ingest.notify.syncs)


class StravaNotFound(StravaError):
    """404: the activity or gear is gone (deleted, or made private by someone else)."""


class StravaRateLimited(StravaError):
    """A rate-limit window is (nearly) used up; `resume_at` is when it reopens (UTC)."""

    def __init__(self, message: str, *, resume_at: dt.datetime):
        super().__init__(message)
        self.resume_at = resume_at


class _StravaAdapter(HTTPAdapter):
    """Sends stravalib's `https://www.strava.com` requests to the configured base URL, with a timeout."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, request, timeout=None, **kwargs):
        if self.base_url != STRAVA_URL and request.url.startswith(STRAVA_URL):
            request.url = self.base_url + request.url[len(STRAVA_URL) :]
        return super().send(request, timeout=timeout or self.timeout, **kwargs)


def strava_session(*, base_url: str | None = None, timeout: float | None = None) -> requests.Session:
    """A requests session for stravalib: one User-Agent, a timeout, Strava URLs sent to `base_url`."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    timeout = timeout or settings.STRAVA_TIMEOUT_S
    session.mount(STRAVA_URL, _StravaAdapter(base_url or settings.STRAVA_BASE_URL, timeout))
    return session


def public_url(url: str) -> str:
    """A stravalib URL as the user must open it (the configured base URL, e.g. a test server)."""
    base = settings.STRAVA_BASE_URL.rstrip("/")
    return base + url[len(STRAVA_URL) :] if url.startswith(STRAVA_URL) else url


class RateBudget(RateLimiter):
    """Counts Strava's rate-limit headers; `check()` stops before a 15-minute or daily window runs out.

    Headers come as `<15-min>,<daily>` pairs: `X-RateLimit-*` (overall) and `X-ReadRateLimit-*` (reads,
    every GET counts toward both). Windows reopen at :00/:15/:30/:45 and at midnight UTC.
    """

    BUCKETS = {"overall": "x-ratelimit", "read": "x-readratelimit"}

    def __init__(self, *, clock: Callable[[], float] = time.time, reserve: int = 1):
        super().__init__()
        self.clock = clock
        self.reserve = reserve
        self.usage: dict[str, tuple[int, int, int, int]] = {}  # bucket -> (used15, usedday, lim15, limday)
        self.calls = 0

    def __call__(self, headers, method) -> None:  # stravalib calls this after every API response
        self.calls += 1
        lowered = {k.lower(): v for k, v in headers.items()}
        for bucket, prefix in self.BUCKETS.items():
            usage, limit = lowered.get(f"{prefix}-usage"), lowered.get(f"{prefix}-limit")
            if usage and limit:
                try:
                    used15, usedday = (int(v) for v in usage.split(","))
                    lim15, limday = (int(v) for v in limit.split(","))
                except ValueError:
                    continue
                self.usage[bucket] = (used15, usedday, lim15, limday)

    def left(self) -> tuple[int | None, int | None]:
        """Calls left in the 15-minute and the daily window (None until a response told us)."""
        if not self.usage:
            return None, None
        short = min(lim15 - used15 for used15, _, lim15, _ in self.usage.values())
        daily = min(limday - usedday for _, usedday, _, limday in self.usage.values())
        return short, daily

    def resume_at(self) -> dt.datetime:
        """When the exhausted window reopens: midnight UTC for the daily one, else the next quarter."""
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        _, daily = self.left()
        if daily is not None and daily <= self.reserve:
            return (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        quarter = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
        return quarter + dt.timedelta(minutes=15)

    def check(self) -> None:
        short, daily = self.left()
        if short is None or daily is None:
            return
        if short <= self.reserve or daily <= self.reserve:
            window = "daily" if daily <= self.reserve else "15-minute"
            resume = self.resume_at()
            raise StravaRateLimited(
                f"Strava's {window} rate limit is used up: stopped, progress kept; "
                f"the next sync after {resume:%Y-%m-%d %H:%M} UTC continues",
                resume_at=resume,
            )


def backfill_eta_s(
    *, calls: int, short_left: int, daily_left: int, short_limit: int, daily_limit: int, now: float
) -> float:
    """Seconds until `calls` more API calls fit the windows, from the budget left now (no sleeping)."""
    t, short, daily = now, short_left, daily_left
    while calls > 0:
        take = min(calls, max(short, 0), max(daily, 0))
        calls -= take
        short -= take
        daily -= take
        if calls <= 0:
            break
        stamp = dt.datetime.fromtimestamp(t, dt.UTC)
        if daily <= 0:
            nxt = (stamp + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            daily = daily_limit
        else:
            nxt = stamp.replace(minute=stamp.minute // 15 * 15, second=0, microsecond=0)
            nxt += dt.timedelta(minutes=15)
        t = nxt.timestamp()
        short = short_limit
    return t - now


@contextmanager
def _quiet_env_warnings() -> Iterator[None]:
    """stravalib warns on the root logger when STRAVA_CLIENT_ID is not in os.environ: we use settings."""

    def keep(record: logging.LogRecord) -> bool:
        return "STRAVA_CLIENT" not in str(record.msg)

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


def strava_client(
    *, access_token: str | None = None, session=None, budget: RateBudget | None = None
) -> Client:
    """A stravalib Client on our session and limiter, with its own env-based auto-refresh switched off."""
    with _quiet_env_warnings():
        client = Client(
            access_token=access_token,
            rate_limiter=budget or RateBudget(),
            requests_session=session or strava_session(),
        )
    client.protocol.client_id = None  # we refresh ourselves, early, and store the rotated token
    client.protocol.client_secret = None
    return client


def app_credentials() -> tuple[int, str]:
    """The API application's client id and secret from the environment, or a message saying so."""
    client_id, secret = settings.STRAVA_CLIENT_ID, settings.STRAVA_CLIENT_SECRET
    if not client_id or not secret:
        raise StravaAuthError(
            "STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET are not set: copy them from "
            "https://www.strava.com/settings/api into the environment (or .env)"
        )
    try:
        return int(client_id), secret
    except ValueError:
        raise StravaAuthError(f"STRAVA_CLIENT_ID must be the numeric client id, not {client_id!r}") from None


class StravaApi:
    """Raw-JSON reads of the Strava API for the sync: paging, token refresh, budget, bounded retries."""

    def __init__(
        self,
        *,
        tokens: Tokens,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        reserve: int = 1,
    ):
        self.tokens = tokens
        self.sleep = sleep
        self.clock = clock
        self.budget = RateBudget(clock=clock, reserve=reserve)
        self.client = strava_client(access_token=tokens.access_token, budget=self.budget)

    # -- tokens --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Trade the refresh token for a new pair and store it at once: the old one is now dead."""
        client_id, secret = app_credentials()
        try:
            answer = self.client.refresh_access_token(client_id, secret, self.tokens.refresh_token)
        except exc.Fault as error:
            status = getattr(error.response, "status_code", None)
            if status in (400, 401):
                raise StravaAuthError(
                    f"Strava refused the stored refresh token ({status}): {REAUTH}"
                ) from None
            raise StravaError(
                f"Strava could not refresh the access token ({error}); try again later"
            ) from None
        except requests.RequestException as error:
            raise StravaError(
                f"Strava unreachable while refreshing the token ({error}); try again later"
            ) from None
        self.tokens = tokens_from_answer(dict(answer), previous=self.tokens)
        tokens_save(self.tokens)
        self.client.access_token = self.tokens.access_token
        log.info("strava: access token refreshed, new refresh token stored")

    # -- calls ---------------------------------------------------------------------------------
    def get(self, path: str, **params) -> object:
        """GET a raw JSON resource; 401 refreshes once, 5xx/timeouts retry RETRIES times."""
        refreshed = False
        for attempt in range(RETRIES + 1):
            if self.tokens.expires_soon(self.clock()):
                self.refresh()
                refreshed = True
            self.budget.check()
            try:
                return self.client.protocol.get(path, **params)
            except exc.AccessUnauthorized as error:
                if refreshed:
                    raise StravaAuthError(self._unauthorized(error)) from None
                self.refresh()
                refreshed = True
                continue
            except exc.ApplicationInactive:
                raise StravaInactive(INACTIVE) from None
            except exc.ObjectNotFound:
                raise StravaNotFound(f"Strava has no {path.format(**params)} (404)") from None
            except exc.Fault as error:
                status = getattr(error.response, "status_code", 0)
                if status == 429:
                    resume = self.budget.resume_at()
                    raise StravaRateLimited(
                        f"Strava answered 429 (rate limit): stopped, progress kept; the next sync after "
                        f"{resume:%Y-%m-%d %H:%M} UTC continues",
                        resume_at=resume,
                    ) from None
                if status < 500 or attempt == RETRIES:
                    raise StravaError(self._failed(path, params, f"HTTP {status}", attempt)) from None
                reason = f"HTTP {status}"
            except (requests.Timeout, requests.ConnectionError) as error:
                if attempt == RETRIES:
                    raise StravaError(self._failed(path, params, type(error).__name__, attempt)) from None
                reason = type(error).__name__
            except ValueError:  # a 200 whose body is not JSON: a proxy or captive portal answered
                raise StravaError(self._failed(path, params, "the answer is not JSON", 0)) from None
            wait = 2 ** (attempt + 1)
            log.warning("strava: %s on %s, retry %d in %ds", reason, path, attempt + 1, wait)
            self.sleep(wait)
        raise StravaError(f"Strava call {path} failed")  # not reached: the loop returns or raises

    @staticmethod
    def _unauthorized(error: exc.Fault) -> str:
        body = getattr(error.response, "text", "") or ""
        if "missing" in body and "permission" in body:
            return (
                "Strava says the token lacks a permission (401, scope missing): "
                f"{REAUTH} and leave every permission box ticked"
            )
        return f"Strava refused the access token even after a refresh (401): {REAUTH}"

    @staticmethod
    def _failed(path: str, params: dict, reason: str, attempt: int) -> str:
        tries = f" after {attempt + 1} attempts" if attempt else ""
        return f"Strava call {path.format(**params)} failed: {reason}{tries}; try again later"

    def activity_pages(self, *, after: int | None = None, before: int | None = None) -> Iterator[list[dict]]:
        """Pages of summary activities, oldest first (`after` given), until a short or empty page."""
        page = 1
        while True:
            params = {"page": page, "per_page": PER_PAGE, "after": after or 0}
            if before:
                params["before"] = before
            items = self.get("/athlete/activities", **params)
            yield list(items)
            if len(items) < PER_PAGE:
                return
            page += 1

    def athlete(self) -> dict:
        return self.get("/athlete")

    def activity(self, activity_id: int | str) -> dict:
        return self.get("/activities/{id}", id=activity_id, include_all_efforts=False)

    def streams(self, activity_id: int | str) -> dict:
        keys = "time,latlng,distance,altitude,velocity_smooth,heartrate,cadence,watts"
        return self.get("/activities/{id}/streams", id=activity_id, keys=keys, key_by_type=True)

    def gear(self, gear_id: str) -> dict:
        return self.get("/gear/{id}", id=gear_id)
