"""Admin for the canonical data: activities with their sources, laps, provenance and overrides.

Editing a canonical field of an activity here goes through reconcile's `activity_edit`, so the edit
becomes a manual override that survives every re-import and re-reconcile.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Coalesce, Length
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from activities.formatting import (
    format_distance,
    format_duration,
    format_km,
    format_local_time,
    format_pace,
    format_value,
    pretty_json,
)
from activities.models import (
    Activity,
    ActivityLoad,
    ActivitySource,
    AthleteDay,
    BestEffort,
    HeartRateProfile,
    Interval,
    Lap,
    RunalyzeMetrics,
    Shoe,
    ShoeAlias,
    Source,
    Stream,
)
from activities.selectors import activity_field_rows, activity_records, source_count_subquery
from activities.services import activity_review_done, shoe_merge, shoe_merge_target
from activities.streams import stream_decode
from reconcile.detach import record_detach
from reconcile.fields import EDITABLE_FIELDS
from reconcile.models import Conflict, ManualOverride
from reconcile.services import ReconcileError, activity_edit, activity_merge, activity_reconcile


def _table(headers: list[str], rows: list[list]) -> str:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html(
        '<table class="runbase-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body
    )


def _lap_row(lap: Lap) -> list:
    pace = 1000 / lap.avg_speed_mps if lap.avg_speed_mps else None
    return [
        lap.index + 1,
        format_distance(lap.distance_m),
        format_duration(lap.duration_s),
        format_pace(pace),
        format_value(lap.avg_hr),
        format_value(lap.avg_cadence_spm),
        lap.trigger or "—",
    ]


def laps_table(laps) -> str:
    headers = ["#", "Distance", "Time", "Pace", "HR", "Cadence", "Trigger"]
    return _table(headers, [_lap_row(lap) for lap in laps])


class ReadOnlyInline:
    """Inline rows that are shown, never edited here (they come from sources or reconcile)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ActivitySourceInline(ReadOnlyInline, admin.TabularInline):
    model = ActivitySource
    fields = readonly_fields = (
        "source",
        "source_id",
        "route",
        "start_time",
        "distance_m",
        "duration_s",
        "avg_hr",
        "workout_name",
        "file",
    )
    show_change_link = True
    verbose_name_plural = "source records"


class IntervalInline(ReadOnlyInline, admin.TabularInline):
    model = Interval
    fields = readonly_fields = (
        "rep_number",
        "is_recovery",
        "prescribed_distance_m",
        "actual_distance_m",
        "canonical_distance_m",
        "duration_s",
        "pace",
        "avg_hr",
        "detection",
        "confidence",
        "note",
    )

    @admin.display(description="pace")
    def pace(self, obj: Interval) -> str:
        return format_pace(obj.avg_pace_s_per_km)


class ConflictInline(ReadOnlyInline, admin.TabularInline):
    model = Conflict
    fields = readonly_fields = (
        "field_name",
        "source_values",
        "resolved_value",
        "resolved_source",
        "status",
        "has_new_values",
    )
    show_change_link = True


class ManualOverrideInline(ReadOnlyInline, admin.TabularInline):
    model = ManualOverride
    fields = readonly_fields = ("field_name", "value", "reason", "created_by", "updated_at")
    verbose_name_plural = "manual overrides (beat every source; clear them in Reconcile › Manual overrides)"


class SourceFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(ActivitySource.objects.filter(activity=OuterRef("pk"), source=self.value()))
            )
        return queryset


class HasConflictsFilter(admin.SimpleListFilter):
    title = "conflicts"
    parameter_name = "conflicts"

    def lookups(self, request, model_admin):
        return [("pending", "Pending conflict"), ("any", "Any conflict"), ("none", "No conflict")]

    def queryset(self, request, queryset):
        any_conflict = Conflict.objects.filter(activity=OuterRef("pk"))
        if self.value() == "pending":
            return queryset.filter(Exists(any_conflict.filter(status=Conflict.Status.PENDING)))
        if self.value() == "any":
            return queryset.filter(Exists(any_conflict))
        if self.value() == "none":
            return queryset.exclude(Exists(any_conflict))
        return queryset


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "local_start",
        "sport",
        "distance",
        "duration",
        "pace",
        "avg_hr",
        "workout_type",
        "workout_name",
        "shoe",
        "source_count",
        "needs_review",
    )
    list_filter = (SourceFilter, "sport", "workout_type", "needs_review", HasConflictsFilter, "shoe")
    date_hierarchy = "date"
    search_fields = (
        "workout_name",
        "notes",
        "review_reason",
        "sources__source_id",
        "sources__workout_name",
        "sources__file__name",
    )
    list_select_related = ("shoe",)
    autocomplete_fields = ("shoe",)
    readonly_fields = (
        "avg_pace_s_per_km",
        "trimp",
        "vo2max",
        "provenance_table",
        "source_laps",
        "approved_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("date", "start_time", "utc_offset_s", "sport", "sub_sport")}),
        (
            "Figures",
            {
                "fields": (
                    ("distance_m", "duration_s", "elapsed_s", "avg_pace_s_per_km"),
                    ("avg_hr", "max_hr", "avg_cadence_spm", "max_cadence_spm"),
                    ("total_ascent_m", "total_descent_m", "calories"),
                    ("trimp", "vo2max"),
                )
            },
        ),
        ("Workout", {"fields": ("workout_type", "workout_name", "intensity_score", "rpe", "shoe", "notes")}),
        ("Review", {"fields": ("needs_review", "review_reason", "approved_at")}),
        ("Provenance: which source supplied each field", {"fields": ("provenance_table",)}),
        ("Laps per source record", {"fields": ("source_laps",)}),
        ("Bookkeeping", {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )
    inlines = (ActivitySourceInline, IntervalInline, ConflictInline, ManualOverrideInline)
    actions = ("mark_reviewed", "re_resolve", "merge_activities")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_sources=Coalesce(source_count_subquery(), 0))

    @admin.display(description="start (local)", ordering="start_time")
    def local_start(self, obj: Activity) -> str:
        """The start as the runner lived it, with its UTC offset: the stored UTC moment put a 19:40
        evening run in California at "Oct. 10, 2:40 a.m."."""
        return format_local_time(obj.start_time, obj.utc_offset_s)

    @admin.display(description="distance", ordering="distance_m")
    def distance(self, obj: Activity) -> str:
        return format_distance(obj.distance_m)

    @admin.display(description="time", ordering="duration_s")
    def duration(self, obj: Activity) -> str:
        return format_duration(obj.duration_s)

    @admin.display(description="pace", ordering="avg_pace_s_per_km")
    def pace(self, obj: Activity) -> str:
        return format_pace(obj.avg_pace_s_per_km)

    @admin.display(description="sources", ordering="n_sources")
    def source_count(self, obj: Activity) -> int:
        return obj.n_sources

    @admin.display(description="provenance")
    def provenance_table(self, obj: Activity) -> str:
        if obj.pk is None:
            return "—"
        rows = [
            [row.label, row.value, row.source or "—", "manual override" if row.overridden else ""]
            for row in activity_field_rows(activity=obj)
        ]
        return _table(["Field", "Value", "Source", ""], rows)

    @admin.display(description="laps")
    def source_laps(self, obj: Activity) -> str:
        if obj.pk is None:
            return "—"
        parts = [
            format_html(
                "<h4>{} {}</h4>{}", record.source, record.source_id[:16], laps_table(record.laps.all())
            )
            for record in activity_records(activity=obj)
            if record.laps.all()
        ]
        return format_html_join("", "{}", ((part,) for part in parts)) if parts else "No laps."

    @admin.action(description="Mark selected activities as reviewed")
    def mark_reviewed(self, request, queryset) -> None:
        done = 0
        for activity in queryset.filter(needs_review=True):
            activity_review_done(activity=activity)
            done += 1
        self.message_user(request, f"Marked {done} activit{'y' if done == 1 else 'ies'} as reviewed.")

    @admin.action(description="Re-resolve selected activities from their sources (overrides kept)")
    def re_resolve(self, request, queryset) -> None:
        done = 0
        for activity in queryset:
            try:
                activity_reconcile(activity=activity)
            except ReconcileError as error:
                self.message_user(request, f"{activity}: {error}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"Re-resolved {done} activit{'y' if done == 1 else 'ies'}.")

    @admin.action(description="Merge selected activities into one run (the oldest keeps its id)")
    def merge_activities(self, request, queryset) -> None:
        activities = sorted(queryset, key=lambda activity: activity.pk)
        if len(activities) < 2:
            self.message_user(request, "Select at least two activities to merge.", messages.WARNING)
            return
        into, merged = activities[0], 0
        for activity in activities[1:]:
            try:
                into = activity_merge(activity=activity, into=into, merged_by=request.user)
            except ReconcileError as error:
                self.message_user(request, f"{activity}: {error}", messages.ERROR)
                continue
            merged += 1
        self.message_user(request, f"Merged {merged} activit{'y' if merged == 1 else 'ies'} into #{into.pk}.")

    def save_model(self, request, obj, form, change) -> None:
        """New activities save plainly; edits of canonical fields become manual overrides."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = [name for name in form.changed_data if name in EDITABLE_FIELDS]
        bookkeeping = [name for name in form.changed_data if name not in EDITABLE_FIELDS]
        if bookkeeping:
            obj.save(update_fields=bookkeeping)
        if changed:
            try:
                activity_edit(
                    activity=Activity.objects.get(pk=obj.pk),  # obj already holds the form's values
                    changes={name: form.cleaned_data[name] for name in changed},
                    edited_by=request.user,
                )
            except ReconcileError as error:
                self.message_user(request, f"Not saved: {error}", messages.ERROR)
                return
            self.message_user(request, f"Manual override set for: {', '.join(changed)}.", messages.INFO)


class LapInline(ReadOnlyInline, admin.TabularInline):
    model = Lap
    fields = readonly_fields = (
        "index",
        "start_time",
        "distance_m",
        "duration_s",
        "elapsed_s",
        "avg_hr",
        "max_hr",
        "avg_cadence_spm",
        "avg_speed_mps",
        "total_ascent_m",
        "trigger",
        "intensity",
    )


@admin.register(ActivitySource)
class ActivitySourceAdmin(admin.ModelAdmin):
    list_display = (
        "source",
        "short_id",
        "route",
        "start_time",
        "local_date",
        "sport",
        "distance",
        "duration",
        "workout_name",
        "activity_link",
        "needs_review",
        "deleted_at",
    )
    list_filter = ("source", "route", "sport", "needs_review", ("deleted_at", admin.EmptyFieldListFilter))
    date_hierarchy = "local_date"
    search_fields = ("source_id", "workout_name", "notes", "gear", "file__name", "device_serial")
    list_select_related = ("activity", "file")
    readonly_fields = (
        *(f.name for f in ActivitySource._meta.get_fields() if f.concrete and f.name not in ("id", "raw")),
        "raw_pretty",
        "stream_info",
    )
    fields = readonly_fields
    inlines = (LapInline,)
    actions = ("detach_records",)

    @admin.action(description="Detach selected records into runs of their own (pinned)")
    def detach_records(self, request, queryset) -> None:
        done = 0
        for record in queryset.filter(activity__isnull=False):
            try:
                record_detach(record=record, detached_by=request.user)
            except ReconcileError as error:
                self.message_user(request, f"{record}: {error}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"Detached {done} record(s) into runs of their own.")

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.readonly_fields if name not in ("needs_review", "review_reason")]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="source id", ordering="source_id")
    def short_id(self, obj: ActivitySource) -> str:
        return obj.source_id if len(obj.source_id) <= 20 else f"{obj.source_id[:12]}…{obj.source_id[-6:]}"

    @admin.display(description="distance", ordering="distance_m")
    def distance(self, obj: ActivitySource) -> str:
        return format_distance(obj.distance_m)

    @admin.display(description="time", ordering="duration_s")
    def duration(self, obj: ActivitySource) -> str:
        return format_duration(obj.duration_s)

    @admin.display(description="activity", ordering="activity")
    def activity_link(self, obj: ActivitySource) -> str:
        if obj.activity_id is None:
            return "—"
        url = reverse("admin:activities_activity_change", args=[obj.activity_id])
        return format_html('<a href="{}">{}</a>', url, obj.activity)

    @admin.display(description="raw values")
    def raw_pretty(self, obj: ActivitySource) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.raw))

    @admin.display(description="stream")
    def stream_info(self, obj: ActivitySource) -> str:
        stream = Stream.objects.filter(record=obj).defer("data").annotate(size=Length("data")).first()
        if stream is None:
            return "No stream."
        return f"{stream.sample_count} samples, {stream.size} bytes"


@admin.register(Lap)
class LapAdmin(admin.ModelAdmin):
    list_display = ("record", "index", "start_time", "distance", "duration", "avg_hr", "trigger", "intensity")
    list_filter = ("record__source", "trigger", "intensity")
    search_fields = ("record__source_id", "record__workout_name")
    list_select_related = ("record",)
    raw_id_fields = ("record",)

    @admin.display(description="distance", ordering="distance_m")
    def distance(self, obj: Lap) -> str:
        return format_distance(obj.distance_m)

    @admin.display(description="time", ordering="duration_s")
    def duration(self, obj: Lap) -> str:
        return format_duration(obj.duration_s)


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    """Sample counts and sizes; the blob itself is never dumped into a page."""

    list_display = ("record", "start_time", "sample_count", "size_bytes", "encoding")
    list_filter = ("record__source", "encoding")
    search_fields = ("record__source_id", "record__workout_name")
    list_select_related = ("record",)
    fields = readonly_fields = ("record", "start_time", "sample_count", "encoding", "size_bytes", "columns")
    exclude = ("data",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data").annotate(size=Length("data"))

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="bytes", ordering="size")
    def size_bytes(self, obj: Stream) -> int:
        return obj.size

    @admin.display(description="columns (first … last)")
    def columns(self, obj: Stream) -> str:
        data = Stream.objects.values_list("data", flat=True).get(pk=obj.pk)
        rows = []
        for name, values in stream_decode(data).items():
            present = [v for v in values if v is not None]
            if present:
                rows.append([name, len(present), format_value(present[0]), format_value(present[-1])])
        return _table(["Column", "Samples", "First", "Last"], rows)


@admin.register(Interval)
class IntervalAdmin(admin.ModelAdmin):
    list_display = (
        "activity",
        "rep_number",
        "is_recovery",
        "prescribed_distance_m",
        "actual_distance_m",
        "canonical_distance_m",
        "duration",
        "pace",
        "avg_hr",
        "detection",
    )
    list_filter = ("detection", "is_recovery", "activity__sport")
    search_fields = ("activity__workout_name", "note")
    list_select_related = ("activity",)
    raw_id_fields = ("activity", "lap")

    @admin.display(description="time", ordering="duration_s")
    def duration(self, obj: Interval) -> str:
        return format_duration(obj.duration_s)

    @admin.display(description="pace", ordering="avg_pace_s_per_km")
    def pace(self, obj: Interval) -> str:
        return format_pace(obj.avg_pace_s_per_km)


class ShoeAliasInline(admin.TabularInline):
    model = ShoeAlias
    extra = 1


@admin.register(Shoe)
class ShoeAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "model", "strava_gear_id", "retired", "needs_review", "runs", "total")
    list_filter = ("retired", "needs_review", "brand")
    search_fields = ("name", "brand", "model", "strava_gear_id", "garmin_gear_uuid", "aliases__alias")
    inlines = (ShoeAliasInline,)
    actions = ("merge_shoes",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_runs=Count("activities", distinct=True))

    @admin.display(description="runs", ordering="n_runs")
    def runs(self, obj: Shoe) -> int:
        return obj.n_runs

    @admin.display(description="Strava distance", ordering="distance_m")
    def total(self, obj: Shoe) -> str:
        return format_distance(obj.distance_m)

    @admin.action(description="Merge selected shoes into one (the oldest confirmed one)")
    def merge_shoes(self, request, queryset) -> None:
        shoes = list(queryset)
        if len(shoes) < 2:
            self.message_user(request, "Select at least two shoes to merge.", messages.WARNING)
            return
        result = shoe_merge(shoes=shoes, into=shoe_merge_target(shoes=shoes))
        self.message_user(request, f"Shoes merged: {result.summary()}", messages.SUCCESS)


@admin.register(ShoeAlias)
class ShoeAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "shoe")
    search_fields = ("alias", "shoe__name")
    list_select_related = ("shoe",)
    autocomplete_fields = ("shoe",)


@admin.register(RunalyzeMetrics)
class RunalyzeMetricsAdmin(admin.ModelAdmin):
    list_display = ("record", "trimp", "vo2max", "vo2max_by_time", "training_effect", "hr_max_pct")
    search_fields = ("record__source_id", "record__workout_name")
    list_select_related = ("record",)
    readonly_fields = ("record", "raw_pretty")
    exclude = ("raw",)

    @admin.display(description="raw values")
    def raw_pretty(self, obj: RunalyzeMetrics) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.raw))


@admin.register(AthleteDay)
class AthleteDayAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "trimp",
        "ctl",
        "atl",
        "tsb",
        "runalyze_fitness",
        "runalyze_fatigue",
        "runalyze_vo2max",
    )
    date_hierarchy = "date"
    search_fields = ("date",)
    readonly_fields = ("raw_pretty", "updated_at")
    exclude = ("raw",)

    @admin.display(description="raw values")
    def raw_pretty(self, obj: AthleteDay) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.raw))


@admin.register(BestEffort)
class BestEffortAdmin(admin.ModelAdmin):
    """Read-only: reconcile (or `refresh_analysis`) computes them from the activity's stream."""

    list_display = ("activity", "effort", "time", "start_offset_s")
    list_filter = ("effort_m",)
    search_fields = ("activity__workout_name",)
    list_select_related = ("activity",)
    readonly_fields = ("activity", "stream", "effort_m", "time_s", "start_offset_s")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="effort", ordering="effort_m")
    def effort(self, obj: BestEffort) -> str:
        return format_km(obj.effort_m)

    @admin.display(description="time", ordering="time_s")
    def time(self, obj: BestEffort) -> str:
        return format_duration(obj.time_s)


@admin.register(ActivityLoad)
class ActivityLoadAdmin(admin.ModelAdmin):
    """Read-only: the load figure of each activity with the method and inputs it came from."""

    list_display = ("activity", "load", "method", "hr_max", "hr_max_estimated")
    list_filter = ("method", "hr_max_estimated")
    search_fields = ("activity__workout_name",)
    list_select_related = ("activity",)
    readonly_fields = ("activity", "load", "method", "hr_rest", "hr_max", "hr_max_estimated", "inputs")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(HeartRateProfile)
class HeartRateProfileAdmin(admin.ModelAdmin):
    """Read-only: time in heart-rate zones and aerobic decoupling, computed from the activity's stream."""

    list_display = ("activity", "decoupling_pct", "zone_s")
    search_fields = ("activity__workout_name",)
    list_select_related = ("activity",)
    readonly_fields = ("activity", "zone_s", "decoupling_pct", "inputs")

    def has_add_permission(self, request) -> bool:
        return False
