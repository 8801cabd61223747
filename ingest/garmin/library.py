"""garminconnect's client (sign-in, MFA, token refresh) with Garmin's hosts read from settings.

garminconnect builds every URL from `https://sso.<domain>` / `https://connectapi.<domain>` and a fixed
token service (`https://diauth.garmin.com/...`): it cannot be pointed at a plain-http test server by
configuration. This subclass is the one seam: it sets the two base URLs it keeps as attributes from
settings (in production they are Garmin's own, so nothing changes) and sends the token service's
requests to GARMIN_SSO_BASE_URL when that is not Garmin's. Everything else — the five sign-in
strategies, the MFA exchange, the DI token exchange and refresh — is the library's own code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from garminconnect import client as garmin_library

GARMIN_SSO = "https://sso.garmin.com"
GARMIN_TOKEN_SERVICE = "https://diauth.garmin.com"


def _token_service_url(url: str) -> str:
    """Garmin's token service under GARMIN_SSO_BASE_URL when tests moved the SSO elsewhere."""
    base = settings.GARMIN_SSO_BASE_URL.rstrip("/")
    if base != GARMIN_SSO and url.startswith(GARMIN_TOKEN_SERVICE):
        return base + url[len(GARMIN_TOKEN_SERVICE) :]
    return url


class GarminLibraryClient(garmin_library.Client):
    """`garminconnect.client.Client` on the configured hosts."""

    def __init__(self) -> None:
        super().__init__(domain="garmin.com")
        self._sso = settings.GARMIN_SSO_BASE_URL.rstrip("/")
        self._connectapi = settings.GARMIN_CONNECT_BASE_URL.rstrip("/")

    def _http_post(self, url: str, **kwargs: Any) -> Any:
        return super()._http_post(_token_service_url(url), **kwargs)


def library_client(tokens: str | None = None) -> GarminLibraryClient:
    """A library client, signed in from `tokens` (garminconnect's `dumps()` text) when given."""
    client = GarminLibraryClient()
    if tokens is not None:
        client.loads(tokens)
    return client
