"""Strava OAuth tokens in a file only the owner can read (mode 0600), refreshed before they expire.

Strava rotates the refresh token: every refresh answer carries a new one and the old one dies, so
the new pair is written (atomically) every time. Tokens never reach a log or the terminal: `Tokens`
hides them in its repr.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from ingest.records import SourceError

REAUTH = "run `python manage.py strava_auth` again to reconnect RunBase to Strava"
REFRESH_MARGIN_S = 600  # refresh ten minutes early: a sync must not expire half-way


class StravaAuthError(SourceError):
    """The stored tokens cannot be used: missing, revoked, or a dead refresh token."""

    credentials = True  # notified as refused credentials (ingest.notify.syncs)


@dataclass(slots=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: int
    scope: list[str] = field(default_factory=list)
    athlete_id: int | None = None

    def expires_soon(self, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) < REFRESH_MARGIN_S


def token_path() -> Path:
    return Path(settings.STRAVA_TOKEN_FILE)


def tokens_load() -> Tokens:
    """The stored tokens, or StravaAuthError telling the user to authorise first."""
    path = token_path()
    if not path.exists():
        raise StravaAuthError(
            f"no Strava tokens at {path}: run `python manage.py strava_auth` first to connect to Strava"
        )
    try:
        data = json.loads(path.read_text())
        return Tokens(**data)
    except (ValueError, TypeError) as error:
        raise StravaAuthError(f"the Strava token file {path} is unreadable ({error}): {REAUTH}") from None


def tokens_save(tokens: Tokens) -> None:
    """Write the tokens owner-only: a temp file created 0600, then an atomic rename."""
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(tokens), handle)
    os.chmod(tmp, 0o600)  # an existing tmp file keeps its old mode through O_CREAT
    os.replace(tmp, path)


def tokens_from_answer(
    answer: dict, *, previous: Tokens | None = None, scope=None, athlete_id=None
) -> Tokens:
    """Tokens from Strava's `/oauth/token` answer, carrying scope and athlete over from `previous`."""
    return Tokens(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=int(answer["expires_at"]),
        scope=list(scope if scope is not None else (previous.scope if previous else [])),
        athlete_id=athlete_id if athlete_id is not None else (previous.athlete_id if previous else None),
    )
