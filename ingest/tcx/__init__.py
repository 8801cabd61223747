"""Garmin Training Center (TCX) files read with lxml."""
