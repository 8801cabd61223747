"""URL configuration: the admin and the review pages."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "RunBase"
admin.site.site_title = "RunBase"
admin.site.index_title = "Every run, one record"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("review.urls")),
]
