"""Backups of the one database that holds every manual decision, with a manifest of the raw store.

`create` writes a consistent copy while RunBase runs (SQLite's online backup API; pg_dump's custom
format on PostgreSQL) and keeps the last few; `restore` brings one back. The raw store is not copied:
its files are named by their content and never change, so any file copy (rsync, Time Machine) keeps
it; the manifest says which files the database expects, and `restore` reports any that are missing.
"""
