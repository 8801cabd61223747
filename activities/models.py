"""The canonical data and what hangs off it.

`ActivitySource` is one source's record of a run, kept as that source said it. `Activity` is the one
canonical run that reconcile builds from its sources; `provenance` names the source of every field.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ingest.records import Route, Source


class Shoe(models.Model):
    name = models.CharField(max_length=200, unique=True)
    brand = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    strava_gear_id = models.CharField(max_length=50, unique=True, null=True, blank=True)
    garmin_gear_uuid = models.CharField(max_length=64, unique=True, null=True, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    retired = models.BooleanField(default=False)
    distance_m = models.FloatField(null=True, blank=True, help_text="As reported by Strava.")
    retire_at_m = models.FloatField(
        null=True,
        blank=True,
        help_text="Retirement distance in metres; empty: the analysis default (800 km).",
    )
    needs_review = models.BooleanField(
        default=False, help_text="Created from an unknown name: merge or confirm it."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["retired", "name"]

    def __str__(self) -> str:
        return self.name


class ShoeAlias(models.Model):
    """A written variant of a shoe's name (`peg 38`, `Peg38`), stored normalised."""

    alias = models.CharField(max_length=200, unique=True)
    shoe = models.ForeignKey(Shoe, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "shoe aliases"
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.shoe}"


class Activity(models.Model):
    """One real-world run (or ride, swim …), resolved field by field from its source records."""

    class ReviewCode(models.TextChoices):
        """Why reconcile flagged an activity: the state code acts on; `review_reason` is the message."""

        NONE = "", "Not flagged by reconcile"
        ORPHAN = "orphan", "No live source records"
        AMBIGUOUS = "ambiguous", "Fits several activities equally"
        UNMATCHED = "unmatched", "Far from every run of its day"

    date = models.DateField(db_index=True, help_text="Local date of the start.")
    start_time = models.DateTimeField(null=True, blank=True, db_index=True)
    utc_offset_s = models.IntegerField(null=True, blank=True)
    sport = models.CharField(max_length=40, blank=True, db_index=True)
    sub_sport = models.CharField(max_length=40, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True, help_text="Timer (moving) time.")
    elapsed_s = models.FloatField(null=True, blank=True)
    avg_pace_s_per_km = models.FloatField(null=True, blank=True)
    avg_hr = models.FloatField(null=True, blank=True)
    max_hr = models.FloatField(null=True, blank=True)
    avg_cadence_spm = models.FloatField(null=True, blank=True, help_text="Steps per minute.")
    max_cadence_spm = models.FloatField(null=True, blank=True, help_text="Steps per minute.")
    total_ascent_m = models.FloatField(null=True, blank=True)
    total_descent_m = models.FloatField(null=True, blank=True)
    calories = models.FloatField(null=True, blank=True, help_text="kcal")
    workout_type = models.CharField(max_length=40, blank=True)
    workout_name = models.CharField(max_length=300, blank=True)
    intensity_score = models.FloatField(null=True, blank=True)
    rpe = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    shoe = models.ForeignKey(
        Shoe, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    trimp = models.FloatField(null=True, blank=True)
    vo2max = models.FloatField(null=True, blank=True, help_text="Runalyze effective VO2max.")
    provenance = models.JSONField(default=dict, blank=True, help_text="field → source")
    needs_review = models.BooleanField(default=False, db_index=True)
    review_reason = models.CharField(max_length=300, blank=True)
    review_code = models.CharField(max_length=20, choices=ReviewCode.choices, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["sport", "date"])]

    def __str__(self) -> str:
        km = f"{self.distance_m / 1000:.2f} km" if self.distance_m else "no distance"
        return f"{self.date} {self.sport or 'activity'} {km}"


class ActivitySource(models.Model):
    """One source's record of one activity, untouched: the audit trail and reconcile's input."""

    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    source = models.CharField(max_length=20, choices=Source.choices, db_index=True)
    source_id = models.CharField(max_length=200)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    file = models.ForeignKey(
        "ingest.ProcessedFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    start_time = models.DateTimeField(null=True, blank=True, db_index=True)
    local_date = models.DateField(null=True, blank=True, db_index=True)
    utc_offset_s = models.IntegerField(null=True, blank=True)
    sport = models.CharField(max_length=40, blank=True)
    sub_sport = models.CharField(max_length=40, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField(null=True, blank=True)
    avg_pace_s_per_km = models.FloatField(null=True, blank=True)
    avg_hr = models.FloatField(null=True, blank=True)
    max_hr = models.FloatField(null=True, blank=True)
    avg_cadence_spm = models.FloatField(null=True, blank=True)
    max_cadence_spm = models.FloatField(null=True, blank=True)
    avg_speed_mps = models.FloatField(null=True, blank=True)
    total_ascent_m = models.FloatField(null=True, blank=True)
    total_descent_m = models.FloatField(null=True, blank=True)
    calories = models.FloatField(null=True, blank=True)
    avg_power_w = models.FloatField(null=True, blank=True)
    workout_name = models.CharField(max_length=300, blank=True)
    workout_type = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    gear = models.CharField(max_length=200, blank=True, help_text="Shoe as the source wrote it.")
    shoe = models.ForeignKey(
        Shoe, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    intensity_score = models.FloatField(null=True, blank=True)
    parse_confidence = models.FloatField(null=True, blank=True)
    device_manufacturer = models.CharField(max_length=100, blank=True)
    device_product = models.CharField(max_length=100, blank=True)
    device_serial = models.CharField(max_length=50, blank=True, db_index=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The source's own values.")
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of the normalised values: unchanged re-imports."
    )
    needs_review = models.BooleanField(default=False, db_index=True)
    review_reason = models.CharField(max_length=300, blank=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Gone at the source (row deleted, activity deleted)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Last time the source's values changed."
    )
    reconciled_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-start_time", "-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="unique_source_record"),
        ]
        indexes = [models.Index(fields=["source", "local_date"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class Lap(models.Model):
    """A lap as one source recorded it (FIT lap, Strava lap, TCX lap)."""

    record = models.ForeignKey(ActivitySource, on_delete=models.CASCADE, related_name="laps")
    index = models.PositiveIntegerField()
    start_time = models.DateTimeField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    avg_hr = models.FloatField(null=True, blank=True)
    max_hr = models.FloatField(null=True, blank=True)
    avg_cadence_spm = models.FloatField(null=True, blank=True)
    avg_speed_mps = models.FloatField(null=True, blank=True)
    max_speed_mps = models.FloatField(null=True, blank=True)
    total_ascent_m = models.FloatField(null=True, blank=True)
    trigger = models.CharField(max_length=30, blank=True)
    intensity = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["record", "index"]
        constraints = [
            models.UniqueConstraint(fields=["record", "index"], name="unique_lap_index"),
        ]

    def __str__(self) -> str:
        return f"{self.record} lap {self.index + 1}"


class Stream(models.Model):
    """Per-sample data of one source record as compact delta-encoded, compressed columns.

    See `activities.streams` for the encoding; `columns` maps a column name to its encoded bytes.
    """

    record = models.OneToOneField(ActivitySource, on_delete=models.CASCADE, related_name="stream")
    sample_count = models.PositiveIntegerField()
    start_time = models.DateTimeField()
    encoding = models.PositiveSmallIntegerField(default=1)
    data = models.BinaryField(help_text="All columns, encoded together (activities.streams).")

    def __str__(self) -> str:
        return f"{self.record} stream ({self.sample_count} samples)"


class Interval(models.Model):
    """One rep (or recovery) of an interval session, matched to laps or found in the stream."""

    class Detection(models.TextChoices):
        LAPS = "laps", "Matched to laps"
        STREAM = "stream", "Found in the stream"
        PRESCRIBED = "prescribed", "Prescribed only (no laps or stream)"
        DETECTED = "detected", "Detected from the pace (no workout name)"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="intervals")
    rep_number = models.PositiveIntegerField()
    is_recovery = models.BooleanField(default=False)
    prescribed_distance_m = models.FloatField(null=True, blank=True)
    actual_distance_m = models.FloatField(null=True, blank=True)
    canonical_distance_m = models.FloatField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    avg_pace_s_per_km = models.FloatField(null=True, blank=True)
    avg_hr = models.FloatField(null=True, blank=True)
    avg_cadence_spm = models.FloatField(null=True, blank=True)
    start_offset_s = models.FloatField(null=True, blank=True)
    lap = models.ForeignKey(Lap, null=True, blank=True, on_delete=models.SET_NULL)
    detection = models.CharField(max_length=20, choices=Detection.choices, default=Detection.LAPS)
    confidence = models.FloatField(
        null=True, blank=True, help_text="How sure a detected session is (0–1); empty for named ones."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["activity", "start_offset_s", "rep_number", "is_recovery"]

    def __str__(self) -> str:
        kind = "recovery" if self.is_recovery else "rep"
        return f"{self.activity_id} {kind} {self.rep_number}"


class RunalyzeMetrics(models.Model):
    """Runalyze's computed metrics for one of its activities."""

    record = models.OneToOneField(ActivitySource, on_delete=models.CASCADE, related_name="runalyze_metrics")
    trimp = models.FloatField(null=True, blank=True)
    vo2max = models.FloatField(
        null=True, blank=True, help_text="Runalyze's effective VO2max (formerly VDOT)."
    )
    vo2max_by_time = models.FloatField(null=True, blank=True)
    vo2max_with_elevation = models.FloatField(null=True, blank=True)
    training_effect = models.FloatField(null=True, blank=True)
    anaerobic_training_effect = models.FloatField(null=True, blank=True)
    hr_reserve_pct = models.FloatField(null=True, blank=True)
    hr_max_pct = models.FloatField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "Runalyze metrics"

    def __str__(self) -> str:
        return f"Runalyze metrics for {self.record}"


class AthleteDay(models.Model):
    """Athlete values per day: Runalyze's snapshot beside RunBase's own CTL/ATL/TSB from TRIMP."""

    date = models.DateField(unique=True)
    trimp = models.FloatField(default=0.0)
    ctl = models.FloatField(null=True, blank=True, help_text="Fitness: 42-day EWMA of TRIMP.")
    atl = models.FloatField(null=True, blank=True, help_text="Fatigue: 7-day EWMA of TRIMP.")
    tsb = models.FloatField(null=True, blank=True, help_text="Form: CTL − ATL.")
    runalyze_fitness = models.FloatField(null=True, blank=True)
    runalyze_fatigue = models.FloatField(null=True, blank=True)
    runalyze_form = models.FloatField(null=True, blank=True)
    runalyze_vo2max = models.FloatField(null=True, blank=True)
    runalyze_marathon_shape = models.FloatField(null=True, blank=True)
    hr_max = models.FloatField(null=True, blank=True)
    hr_rest = models.FloatField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return str(self.date)


class BestEffort(models.Model):
    """The fastest continuous stretch of one standard distance within one activity's stream.

    Computed by `activities.analysis.best_efforts` from the activity's most trusted stream; it goes when
    that stream is replaced (`stream` cascades) and is rebuilt on the next refresh.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="best_efforts")
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="best_efforts")
    effort_m = models.FloatField(help_text="The effort's distance, metres.")
    time_s = models.FloatField()
    start_offset_s = models.FloatField(help_text="Seconds from the stream's start.")

    class Meta:
        ordering = ["activity", "effort_m"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "effort_m"], name="unique_best_effort"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.effort_m:g} m in {self.time_s:.1f} s"


class ActivityLoad(models.Model):
    """RunBase's own training load of one activity, with the method and inputs it was computed from."""

    class Method(models.TextChoices):
        TRIMP_STREAM = "trimp_stream", "Banister TRIMP from the heart-rate stream"
        TRIMP_AVG = "trimp_avg", "Banister TRIMP from average heart rate and duration"
        SRPE = "srpe", "Session RPE (Foster): RPE or log intensity × minutes"

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="load")
    load = models.FloatField()
    method = models.CharField(max_length=20, choices=Method.choices)
    hr_rest = models.FloatField(null=True, blank=True)
    hr_max = models.FloatField(null=True, blank=True)
    hr_max_estimated = models.BooleanField(default=False, help_text="HRmax estimated from the data.")
    inputs = models.CharField(
        max_length=200, blank=True, help_text="What it was computed from: stale if changed."
    )

    def __str__(self) -> str:
        return f"{self.activity_id} load {self.load:.1f} ({self.method})"


class HeartRateProfile(models.Model):
    """What the trends read from one activity's heart-rate stream: seconds per heart-rate zone and the
    aerobic decoupling, computed by `activities.analysis.heart_rate` and stale when `inputs` changes."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="heart_rate_profile")
    zone_s = models.JSONField(default=list, blank=True, help_text="Seconds in each zone, zone 1 first.")
    decoupling_pct = models.FloatField(
        null=True, blank=True, help_text="Pa:HR: % of speed per beat lost from the first half to the second."
    )
    inputs = models.CharField(max_length=200, blank=True, help_text="What it was computed from.")

    def __str__(self) -> str:
        return f"{self.activity_id} heart-rate profile"


class RunnerProfile(models.Model):
    """A signed-in runner's display choices; values are stored in SI whatever is chosen here."""

    class Units(models.TextChoices):
        SITE = "", "As the site is set (RUNBASE_UNITS)"
        METRIC = "metric", "Metric (km, min/km, m)"
        IMPERIAL = "imperial", "Imperial (mi, min/mi, ft)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runbase_profile"
    )
    units = models.CharField(max_length=10, choices=Units.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_units_display()})"
