"""URL configuration: the admin, the health check for uptime monitors and the review pages."""

from django.contrib import admin
from django.urls import include, path

from runbase_site.healthz import healthz

admin.site.site_header = "RunBase"
admin.site.site_title = "RunBase"
admin.site.index_title = "Every run, one record"
# Logging out of the admin ends on RunBase's own "signed out" page, as on the review pages.
admin.site.logout_template = "review/logged_out.html"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("review.urls")),
]
