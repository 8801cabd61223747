"""Ingest state: the processed-file manifest and each source's sync state (cursor, lock, counts)."""

from __future__ import annotations

from django.db import models

from ingest.records import Route


def clip_to_field(model: type[models.Model], name: str, text: str) -> str:
    """`text` cut to the `max_length` of `model.name`, so a long file name or message never fails a write."""
    return text[: model._meta.get_field(name).max_length]


class ProcessedFile(models.Model):
    """Every file RunBase has seen, by content hash: archived, then imported, skipped or failed.

    `sha256` is the file's identity, the SHA-256 of its content, inflated when gzipped
    (`ingest.parsers.file_identity`); `raw_path` is the file archived as it was received.
    """

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        SKIPPED = "skipped", "Skipped: not an activity"
        FAILED = "failed", "Failed"

    sha256 = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=1000, db_index=True, help_text="Where it was last seen.")
    name = models.CharField(max_length=300)
    route = models.CharField(max_length=20, choices=Route.choices)
    size = models.BigIntegerField()
    mtime = models.FloatField(null=True, blank=True)
    raw_path = models.CharField(max_length=500, help_text="Archived copy, relative to the raw store.")
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    copies = models.JSONField(
        default=list,
        blank=True,
        help_text="Manifest rows of the same content merged into this one (their path, archive, status).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "processed file"

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class SyncState(models.Model):
    """One row per sync (icloud, files, strava, runalyze, xlsx …): last run, cursor and the run lock."""

    name = models.CharField(max_length=40, unique=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.CharField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    cursor = models.JSONField(default=dict, blank=True, help_text="Source-specific sync position.")
    locked_by = models.CharField(max_length=200, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Every notification RunBase raised: its event, what it said, and whether it reached the channels.

    `key` names the occurrence (`sync_failed:icloud:<run start>`, `conflicts:2026-11-30` …) and is
    unique, so an occurrence is sent once however often the check that raises it runs. Recorded even
    when no channel is configured: the dashboard shows the last few.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Sending failed"
        OFF = "off", "Not sent: no channel configured"

    event = models.CharField(max_length=30, db_index=True)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=40, blank=True, db_index=True, help_text="Sync or item.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True, help_text="Channels that refused it, and why.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
