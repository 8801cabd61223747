"""Request middleware of the site: the signed-in runner's units for every formatter in the request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from activities.formatting import units_in_force
from activities.preferences import units_of


class DisplayUnitsMiddleware:
    """Pages, charts, forms and admin columns all read `activities.formatting.display_units()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        units = units_of(user) if user is not None and user.is_authenticated else None
        with units_in_force(units):
            return self.get_response(request)
