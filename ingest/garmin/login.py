"""Sign RunBase in to Garmin Connect once, through garminconnect, and store the tokens owner-only.

garminconnect does the sign-in (its strategies against Garmin's SSO, the multi-factor code when
Garmin asks for one, the exchange of the service ticket for OAuth2 tokens); RunBase stores what it
serialises (`ingest.garmin.tokens`) and checks the tokens work by reading the profile. The password
is used once and never stored; later runs renew the tokens without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from garminconnect.exceptions import (
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)

from ingest.garmin.client import GarminConnectApi, GarminError
from ingest.garmin.library import GarminLibraryClient
from ingest.garmin.tokens import GarminAuthError, tokens_save


@dataclass(slots=True)
class GarminLoginResult:
    display_name: str
    token_path: Path

    def summary(self) -> str:
        return (
            f"Signed in to Garmin Connect as {self.display_name}; tokens stored owner-only in "
            f"{self.token_path}. `python manage.py sync_garmin_connect` pulls your activities, and "
            "`python manage.py install_schedules` adds the daily pull."
        )


def garmin_login(*, email: str, password: str, prompt_mfa: Callable[[], str]) -> GarminLoginResult:
    """Sign in with `email` and `password`, calling `prompt_mfa()` if Garmin asks for a code.

    Raises GarminAuthError for refused credentials or code, GarminError when Garmin cannot be reached
    or refuses sign-ins for a while (429).
    """
    if not email or not password:
        raise GarminAuthError("give the Garmin Connect account's email and password")
    client = GarminLibraryClient()
    try:
        client.login(email, password, prompt_mfa=prompt_mfa)
    except GarminConnectAuthenticationError as error:
        raise GarminAuthError(f"Garmin Connect refused the sign-in: {error}") from None
    except GarminConnectTooManyRequestsError:
        raise GarminError(
            "Garmin refuses sign-ins from this address for now (429): wait an hour and try again"
        ) from None
    except GarminConnectConnectionError as error:
        raise GarminError(
            f"could not sign in to Garmin Connect ({error}). Garmin may be down, or may have changed its "
            "unofficial sign-in: try again later, and update garminconnect if it persists"
        ) from None
    if not client.di_token:  # signed in with a browser cookie only: nothing a later run could renew
        raise GarminError(
            "Garmin signed in without issuing tokens RunBase can store (its token service refused); "
            "try again later, and update garminconnect if it persists"
        )
    path = tokens_save(client.dumps())
    profile = GarminConnectApi(library=client).profile()
    return GarminLoginResult(
        display_name=str(profile.get("displayName") or profile.get("fullName") or email), token_path=path
    )
