"""Garmin Connect sign-in tokens in a file only the owner can read (mode 0600, folder 0700).

`garmin_login` signs in once through garminconnect and stores what its client serialises (`dumps()`:
the DI OAuth2 access and refresh tokens and their client id), in the library's own file name, so the
file also works with garminconnect's `login(tokenstore=...)`. The sync refreshes the access token and
writes the new one back (atomically). Tokens never reach a log or the terminal; the password is
never stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from ingest.records import SourceError

TOKEN_FILE = "garmin_tokens.json"  # garminconnect's name for it
RELOGIN = "run `python manage.py garmin_login` again to sign RunBase in to Garmin Connect"


class GarminAuthError(SourceError):
    """The stored sign-in cannot be used: missing, expired, revoked, or refused by Garmin."""

    credentials = True  # notified as refused credentials (ingest.notify.syncs)


def token_path() -> Path:
    return Path(settings.GARMIN_TOKEN_DIR) / TOKEN_FILE


def garmin_tokens_stored() -> bool:
    """True once `garmin_login` has stored tokens (the daily schedule is off until then)."""
    return token_path().is_file()


def tokens_load() -> str:
    """The stored tokens as garminconnect serialised them, or GarminAuthError saying what to do."""
    path = token_path()
    if not path.is_file():
        raise GarminAuthError(
            f"no Garmin Connect tokens at {path}: run `python manage.py garmin_login` first"
        )
    try:
        text = path.read_text()
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise GarminAuthError(f"the Garmin token file {path} is unreadable ({error}): {RELOGIN}") from None
    if not isinstance(data, dict) or not data.get("di_token"):
        raise GarminAuthError(f"the Garmin token file {path} holds no access token: {RELOGIN}")
    return text


def tokens_save(text: str) -> Path:
    """Write the tokens owner-only: a temp file created 0600 in a 0700 folder, then an atomic rename."""
    path = token_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)  # an existing tmp file keeps its old mode through O_CREAT
    os.replace(tmp, path)
    return path
