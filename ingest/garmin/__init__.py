"""Garmin Connect "Export My Data" zip: activity summaries (source `garmin`) and the uploaded files."""
