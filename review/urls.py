"""Review pages: dashboard, conflicts, activities."""

from django.urls import path

from review.views import activities, conflicts, dashboard

app_name = "review"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/approve-auto-resolved", conflicts.conflicts_approve_all, name="conflicts_approve_all"),
    path("conflicts/<int:pk>/", conflicts.conflict_detail, name="conflict_detail"),
    path("conflicts/<int:pk>/resolve", conflicts.conflict_resolve_view, name="conflict_resolve"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/reviewed", activities.activity_reviewed, name="activity_reviewed"),
]
