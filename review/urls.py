"""Review pages: dashboard, conflicts, activities, calendar, training-log review; sign in and out."""

from django.urls import path

from review.views import activities, analysis, calendar, conflicts, dashboard, decisions, log_review, shell

app_name = "review"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", shell.login, name="login"),
    path("logout/", shell.logout, name="logout"),
    path("units", shell.units_choose_view, name="units_choose"),
    path("favicon.ico", shell.favicon, name="favicon"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("training-log/", log_review.log_review, name="log_review"),
    path("training-log/settle", log_review.log_rows_settle_view, name="log_rows_settle"),
    path("training-log/<int:pk>/settle", log_review.log_row_settle_view, name="log_row_settle"),
    path("training-log/<int:pk>/correct", log_review.log_row_correct_view, name="log_row_correct"),
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/approve-auto-resolved", conflicts.conflicts_approve_all, name="conflicts_approve_all"),
    path("conflicts/<int:pk>/", conflicts.conflict_detail, name="conflict_detail"),
    path("conflicts/<int:pk>/resolve", conflicts.conflict_resolve_view, name="conflict_resolve"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/reviewed", activities.activity_reviewed, name="activity_reviewed"),
    path("activities/<int:pk>/edit", decisions.activity_edit_view, name="activity_edit"),
    path("activities/<int:pk>/detach", decisions.record_detach_view, name="record_detach"),
    path("decisions/<int:pk>/undo", decisions.decision_undo_view, name="decision_undo"),
    path("training/", analysis.training, name="training"),
    path("records/", analysis.records, name="records"),
    path("shoes/", analysis.shoes, name="shoes"),
    path("shoes/<int:pk>/", analysis.shoe_detail, name="shoe_detail"),
    path("trends/", analysis.trends, name="trends"),
    path("analysis/<str:what>.<str:fmt>", analysis.analysis_export, name="analysis_export"),
]
