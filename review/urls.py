"""Review pages: dashboard, conflicts, activities."""

from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/approve-auto-resolved", views.conflicts_approve_all, name="conflicts_approve_all"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict_detail"),
    path("conflicts/<int:pk>/resolve", views.conflict_resolve_view, name="conflict_resolve"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/reviewed", views.activity_reviewed, name="activity_reviewed"),
]
