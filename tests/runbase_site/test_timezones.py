"""The machine's zone by name, RUNBASE_HOME_TZ's default."""

from __future__ import annotations

import os

from runbase_site.timezones import machine_time_zone


def test_tz_in_the_environment_wins(tmp_path):
    assert machine_time_zone(environ={"TZ": "America/Los_Angeles"}, localtime=tmp_path / "none") == (
        "America/Los_Angeles"
    )
    assert machine_time_zone(environ={"TZ": ":Europe/Berlin"}, localtime=tmp_path / "none") == "Europe/Berlin"


def test_the_localtime_link_names_the_zone_as_on_a_mac(tmp_path):
    link = tmp_path / "localtime"
    os.symlink("/var/db/timezone/zoneinfo/America/Los_Angeles", link)
    assert (
        machine_time_zone(environ={}, localtime=link, timezone_file=tmp_path / "none")
        == "America/Los_Angeles"
    )


def test_debian_timezone_file_when_localtime_is_a_copy(tmp_path):
    copy = tmp_path / "localtime"
    copy.write_bytes(b"TZif")
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert (
        machine_time_zone(environ={}, localtime=copy, timezone_file=tmp_path / "timezone") == "Europe/Berlin"
    )


def test_an_unknown_or_missing_zone_falls_back_to_utc(tmp_path):
    (tmp_path / "timezone").write_text("Mars/Olympus_Mons\n")
    zone = machine_time_zone(
        environ={"TZ": "Not/AZone"}, localtime=tmp_path / "x", timezone_file=tmp_path / "timezone"
    )
    assert zone == "UTC"
