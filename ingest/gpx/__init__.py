"""GPX tracks read with gpxpy, including Garmin TrackPointExtension heart rate and cadence."""
