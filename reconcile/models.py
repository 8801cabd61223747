"""Reconcile's own records: conflicts between sources and the runner's manual overrides."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.db import models

from activities.models import Activity
from reconcile.workout_names import Rep, WorkoutPlan


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
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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


class Decision(models.Model):
    """One decision of the runner (resolve, approve, detach, attach, edit) or the undoing of one.

    `before` holds what the decision replaced, exactly enough to put it back: the overrides and conflict
    rows of the fields it touched, the record's activity link and pin. `keys` name what it touched
    (`field:distance_m`, `record:12`), so a decision is undone only when no later one touched the same.
    """

    class Kind(models.TextChoices):
        RESOLVE = "resolve", "Resolved a conflict"
        APPROVE = "approve", "Approved an auto-resolved value"
        EDIT = "edit", "Edited"
        DETACH = "detach", "Detached a record"
        UNDO = "undo", "Undid a decision"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="decisions")
    other_activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The activity a detached record went to.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    keys = models.JSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"


class RecordPin(models.Model):
    """The runner placed this source record on this activity (detached it, or attached it by hand).

    The matcher never moves a pinned record: a detached record never rejoins the activity it left.
    """

    record = models.OneToOneField("activities.ActivitySource", on_delete=models.CASCADE, related_name="pin")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="pinned_records")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.record_id} pinned to {self.activity_id}"


class WorkoutNameReading(models.Model):
    """The language model's reading of an unusual workout name, checked and kept: asked once per name.

    A name the model gave no answer for (unreachable, malformed JSON, the item left out) is kept as
    `failed` with a `retry_after` time: it is not asked again before then, so a model that is down is
    not waited for on every run.
    """

    class Status(models.TextChoices):
        ANSWERED = "answered", "Answered"
        FAILED = "failed", "No answer"

    name = models.CharField(max_length=300, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANSWERED)
    plan = models.JSONField(null=True, blank=True, help_text="The accepted plan; null when rejected.")
    answer = models.JSONField(default=dict, blank=True, help_text="The model's answer as given.")
    retry_after = models.DateTimeField(
        null=True, blank=True, help_text="When a failed name may be asked again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def plan_to_json(plan: WorkoutPlan | None) -> dict | None:
        return None if plan is None else dataclasses.asdict(plan)

    def workout_plan(self) -> WorkoutPlan | None:
        """The stored plan as a `WorkoutPlan`, or None."""
        if not self.plan:
            return None
        values = dict(self.plan)
        values["reps"] = tuple(Rep(**rep) for rep in values.get("reps") or ())
        return WorkoutPlan(**values)
