"""Admin for the file manifest, the per-sync state and the notifications (read-only: ingest writes them)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from activities.formatting import pretty_json
from activities.models import ActivitySource
from ingest.models import Notification, ProcessedFile, SyncState


class RecordInline(admin.TabularInline):
    model = ActivitySource
    fk_name = "file"
    fields = readonly_fields = ("source", "source_id", "start_time", "sport", "distance_m", "activity")
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "source records from this file"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProcessedFile)
class ProcessedFileAdmin(admin.ModelAdmin):
    list_display = ("name", "route", "status", "size", "attempts", "short_error", "updated_at")
    list_filter = ("status", "route", ("error", admin.EmptyFieldListFilter))
    search_fields = ("name", "path", "sha256", "error")
    date_hierarchy = "updated_at"
    fields = readonly_fields = (
        "name",
        "path",
        "sha256",
        "route",
        "size",
        "mtime",
        "raw_path",
        "status",
        "error",
        "attempts",
        "copies_pretty",
        "created_at",
        "updated_at",
    )
    inlines = (RecordInline,)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="error", ordering="error")
    def short_error(self, obj: ProcessedFile) -> str:
        return obj.error if len(obj.error) <= 90 else obj.error[:88] + "…"

    @admin.display(description="copies merged into it")
    def copies_pretty(self, obj: ProcessedFile) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.copies)) if obj.copies else "—"


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ("name", "last_sync_at", "last_success_at", "last_summary", "has_error", "locked_by")
    search_fields = ("name", "last_summary", "last_error")
    fields = readonly_fields = (
        "name",
        "last_sync_at",
        "last_success_at",
        "last_activity_at",
        "last_summary",
        "last_error",
        "cursor_pretty",
        "locked_by",
        "locked_until",
    )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="error", boolean=True)
    def has_error(self, obj: SyncState) -> bool:
        return bool(obj.last_error)

    @admin.display(description="cursor")
    def cursor_pretty(self, obj: SyncState) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.cursor))


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What RunBase told the runner and whether it arrived. Deleting a row lets its occurrence be raised
    again."""

    list_display = ("created_at", "event", "subject", "title", "status")
    list_filter = ("event", "status")
    search_fields = ("title", "body", "subject", "key")
    fields = readonly_fields = ("created_at", "event", "subject", "key", "title", "body", "status", "error")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
