"""Notifications: tell the runner when RunBase stops working by itself, through apprise (one URL per
channel: ntfy, email, Pushover, Telegram, Slack, Matrix, macOS Notification Center …).

`events` names the events and their switches, `send` records a notification once per occurrence and
sends it, `syncs` raises the failure and recovery of a sync (from the sync skeleton), `selectors`
reads the last few for the dashboard. The periodic checks (quiet sources, conflicts, shoes, the weekly
summary) read reconcile's data, so they live in `reconcile.notices`.
"""
