"""Reconcile's own records: conflicts between sources and the runner's manual overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from activities.models import Activity


class Conflict(models.Model):
    """Sources disagree on one field of one activity.

    `source_values` maps source → value. Within tolerance the conflict is auto-resolved by priority;
    beyond it stays pending until the runner picks a value, which becomes a `ManualOverride`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        AUTO_RESOLVED = "auto_resolved", "Auto-resolved"
        MANUAL_RESOLVED = "manual_resolved", "Resolved by hand"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="conflicts")
    field_name = models.CharField(max_length=60)
    source_values = models.JSONField(default=dict)
    resolved_value = models.JSONField(null=True, blank=True)
    resolved_source = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    has_new_values = models.BooleanField(
        default=False, help_text="A source value changed after the manual resolution."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "field_name"], name="unique_conflict_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}.{self.field_name} ({self.status})"


class ManualOverride(models.Model):
    """A value the runner chose for a field: beats every source, survives every re-run."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="overrides")
    field_name = models.CharField(max_length=60)
    value = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "field_name"], name="unique_override_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}.{self.field_name} = {self.value!r}"
