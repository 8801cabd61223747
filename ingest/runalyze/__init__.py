"""Runalyze: the Personal API (token) and the website's CSV export (login), as source `runalyze`."""
