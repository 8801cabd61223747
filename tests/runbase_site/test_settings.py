"""A server refuses to run unsafely: the settings as a fresh process reads them from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k7Vq2-8sXn4Lr0Zp9Hw3Tb6Yc1Me5Ud7Gi2Fo4Aj8Ks0Pl3Qx6Rv9Nt1Wy5Hz7Bm2Ec4"
# The README's VPS variables (the database is not reached by these checks).
VPS = {
    "DATABASE_URL": "postgres://runbase:secret@localhost:5432/runbase",
    "SECRET_KEY": REAL_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "runbase.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://runbase.example.org",
}
SECURITY = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    names = {*VPS, *SECURITY, "RUNBASE_PROXY_SSL_HEADER"}
    base = {k: v for k, v in os.environ.items() if k not in names}
    return {**base, "RUNBASE_DATA_DIR": str(tmp_path / "data"), **values}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _security_settings(env: dict[str, str]) -> dict:
    read = f"{{n: getattr(s, n) for n in {SECURITY!r}}}"
    code = f"import json, runbase_site.settings as s; print(json.dumps({read}))"
    done = _run(env, "-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("key", ["", "runbase-local-only-insecure-key-change-me-on-a-server"])
def test_it_refuses_to_start_without_a_secret_key_of_its_own_when_debug_is_off(tmp_path, key):
    done = _run(_env(tmp_path, **{**VPS, "SECRET_KEY": key}), "manage.py", "check")

    assert done.returncode != 0
    refusal = "ImproperlyConfigured: SECRET_KEY is missing or is RunBase's built-in development key"
    assert refusal in done.stderr


def test_check_deploy_finds_no_issue_with_the_readme_vps_variables(tmp_path):
    done = _run(_env(tmp_path, **VPS), "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_debug_off_is_secure_by_default_and_each_setting_can_be_switched_off(tmp_path):
    assert _security_settings(_env(tmp_path, **VPS)) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    plain_http = {name: "false" for name in SECURITY[:-1]} | {"SECURE_HSTS_SECONDS": "0"}
    assert _security_settings(_env(tmp_path, **VPS, **plain_http, RUNBASE_PROXY_SSL_HEADER="")) == {
        **{name: False for name in SECURITY},
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_debug_on_keeps_the_local_key_and_plain_http(tmp_path):
    env = _env(tmp_path, DEBUG="true", SECRET_KEY="")

    assert _security_settings(env) == {
        **{name: False for name in SECURITY},
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }
