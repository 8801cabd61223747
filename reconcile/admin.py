"""Admin for conflicts and manual overrides; every write goes through a reconcile service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from activities.formatting import field_label, pretty_json
from ingest.records import Source
from reconcile.models import Conflict, ManualOverride
from reconcile.selectors import (
    approval_preview,
    conflict_preferred_value,
    conflict_source_values,
    conflict_value_labels,
    source_label,
)
from reconcile.services import ReconcileError, conflict_resolve, conflicts_approve, override_clear


class NewValuesFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Pending or with new source values")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Conflict.Status.PENDING) | queryset.filter(has_new_values=True)
        return queryset


class FieldFilter(admin.SimpleListFilter):
    """The conflicts of one field, listed by the field's label (Distance, not distance_m)."""

    title = "field"
    parameter_name = "field_name"

    def lookups(self, request, model_admin):
        names = Conflict.objects.order_by().values_list("field_name", flat=True).distinct()
        return sorted(((name, field_label(name)) for name in names), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(field_name=self.value()) if self.value() else queryset


def _resolve_with_source(source: str):
    """An action resolving each selected conflict with `source`'s value, where it has one."""

    def action(modeladmin, request, queryset) -> None:
        done = skipped = 0
        for conflict in queryset.select_related("activity"):
            if conflict.source_values.get(source) is None:
                skipped += 1
                continue
            try:
                conflict_resolve(
                    conflict=conflict,
                    value=conflict.source_values[source],
                    source=source,
                    resolved_by=request.user,
                )
            except ReconcileError as error:
                modeladmin.message_user(request, f"{conflict}: {error}", messages.ERROR)
                continue
            done += 1
        modeladmin.message_user(
            request, f"Resolved {done} conflict(s) with the {source} value; skipped {skipped}."
        )

    action.__name__ = f"resolve_with_{source}"
    return action


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = (
        "activity",
        "field",
        "values",
        "resolved",
        "resolved_from",
        "status",
        "has_new_values",
        "approved_at",
        "created_at",
    )
    list_filter = (NewValuesFilter, "status", FieldFilter, "has_new_values", "activity__sport")
    search_fields = (
        "field_name",
        "activity__workout_name",
        "activity__notes",
        "activity__sources__source_id",
    )
    list_select_related = ("activity",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "activity",
        "field_name",
        "source_values_pretty",
        "resolved_value",
        "resolved_source",
        "status",
        "has_new_values",
        "approved_at",
        "approved_by",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    fields = readonly_fields
    actions = ("approve_auto_resolved", "resolve_with_preferred")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reconcile owns conflicts: resolve them, or clear the override they made

    def get_actions(self, request):
        actions = super().get_actions(request)
        for source, label in Source.choices:
            func = _resolve_with_source(source)
            actions[func.__name__] = (func, func.__name__, f"Resolve with the {label} value")
        return actions

    @admin.display(description="field", ordering="field_name")
    def field(self, obj: Conflict) -> str:
        return field_label(obj.field_name)

    @admin.display(description="source values")
    def values(self, obj: Conflict) -> str:
        ordered = conflict_source_values(conflict=obj)
        labels = conflict_value_labels(field_name=obj.field_name, values=[value for _, value in ordered])
        sources = [source_label(source) for source, _ in ordered]
        return format_html_join(", ", "{}: {}", zip(sources, labels, strict=True))

    @admin.display(description="resolved from", ordering="resolved_source")
    def resolved_from(self, obj: Conflict) -> str:
        return source_label(obj.resolved_source) if obj.resolved_source else "—"

    @admin.display(description="resolved value")
    def resolved(self, obj: Conflict) -> str:
        return conflict_value_labels(field_name=obj.field_name, values=[obj.resolved_value])[0]

    @admin.display(description="source values")
    def source_values_pretty(self, obj: Conflict) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.source_values))

    @admin.action(description="Approve selected auto-resolved conflicts…")
    def approve_auto_resolved(self, request, queryset):
        """First a page listing what would be approved, with its values; approved only once confirmed."""
        ids = list(queryset.values_list("pk", flat=True))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Approve automatic choices",
                "opts": self.model._meta,
                "rows": approval_preview(conflict_ids=ids),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/reconcile/conflict/approve_confirmation.html", context)
        result = conflicts_approve(
            conflict_ids=[int(pk) for pk in request.POST.getlist("confirmed") if pk.isdigit()],
            approved_by=request.user,
        )
        left = f"; {result.skipped} changed since and left as they are" if result.skipped else ""
        self.message_user(request, f"Approved {result.approved} auto-resolved conflict(s){left}.")
        return None

    @admin.action(description="Resolve with the highest-priority source value")
    def resolve_with_preferred(self, request, queryset) -> None:
        resolved = 0
        for conflict in queryset.select_related("activity"):
            choice = conflict_preferred_value(conflict=conflict)
            if choice is None:
                continue
            try:
                conflict_resolve(
                    conflict=conflict, value=choice.value, source=choice.source, resolved_by=request.user
                )
            except ReconcileError as error:
                self.message_user(request, f"{conflict}: {error}", messages.ERROR)
                continue
            resolved += 1
        self.message_user(request, f"Resolved {resolved} conflict(s) with the highest-priority source value.")


@admin.register(ManualOverride)
class ManualOverrideAdmin(admin.ModelAdmin):
    """Overrides are made by editing an activity or resolving a conflict; here they are listed and cleared."""

    list_display = ("activity", "field_name", "value", "reason", "created_by", "updated_at")
    list_filter = ("field_name",)
    search_fields = ("field_name", "reason", "activity__workout_name")
    list_select_related = ("activity", "created_by")
    fields = readonly_fields = (
        "activity",
        "field_name",
        "value",
        "reason",
        "created_by",
        "created_at",
        "updated_at",
    )
    actions = ("clear_overrides",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj: ManualOverride) -> None:
        override_clear(activity=obj.activity, field_name=obj.field_name, cleared_by=request.user)

    @admin.action(description="Clear selected overrides (the sources take over again)")
    def clear_overrides(self, request, queryset) -> None:
        cleared = 0
        for override in queryset.select_related("activity"):
            try:
                override_clear(
                    activity=override.activity, field_name=override.field_name, cleared_by=request.user
                )
            except ReconcileError as error:
                self.message_user(request, f"{override}: {error}", messages.ERROR)
                continue
            cleared += 1
        self.message_user(request, f"Cleared {cleared} override(s).")
