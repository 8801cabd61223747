"""URL configuration: the admin, the health check for uptime monitors and the review pages."""

from django.contrib import admin
from django.urls import include, path

from runbase_site.healthz import healthz

admin.site.site_header = "RunBase"
admin.site.site_title = "RunBase"
admin.site.index_title = "Every run, one record"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("review.urls")),
]
