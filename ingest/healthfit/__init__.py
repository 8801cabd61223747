"""HealthFit (iOS) iCloud Drive folder: file-name parsing and the folder sync."""
