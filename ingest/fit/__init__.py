"""FIT activity files (Garmin, HealthFit, Stryd, …) read with python-fitparse."""
