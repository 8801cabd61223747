"""Strava: the API (stravalib, OAuth tokens, incremental sync) and the bulk-export zip; source `strava`."""
