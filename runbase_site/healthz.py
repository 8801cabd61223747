"""`/healthz`: for uptime monitors, without logging in. 200 when RunBase works by itself, else 503.

It reveals no data: only whether the database answers, each set-up source's age of its last
successful sync against its limit, and whether the django-q2 cluster keeps its schedules.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from review.health import health_check


@never_cache
@require_GET
def healthz(request):
    health = health_check()
    return JsonResponse(health.as_dict(), status=200 if health.ok else 503)
