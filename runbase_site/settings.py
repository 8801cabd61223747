"""RunBase settings, read from the environment and an optional `.env` (see `.env.example`).

Embedded default: SQLite and django-q2's ORM broker under RUNBASE_DATA_DIR, nothing to install but
Python packages. On a VPS set DATABASE_URL (PostgreSQL), SECRET_KEY, DEBUG=false and ALLOWED_HOSTS.
"""

from importlib.util import find_spec
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from runbase_site.timezones import machine_time_zone

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env.str("RUNBASE_DATA_DIR", default=str(BASE_DIR / "data"))).expanduser()
RAW_STORE_DIR = Path(env.str("RUNBASE_RAW_STORE_DIR", default=str(DATA_DIR / "raw"))).expanduser()
LOG_DIR = Path(env.str("RUNBASE_LOG_DIR", default=str(DATA_DIR / "logs"))).expanduser()
# Settings only name these folders; `ingest`'s AppConfig.ready() creates them (see ingest/apps.py).

DEBUG = env.bool("DEBUG", default=True)
# The built-in key is good enough on one's own Mac (DEBUG on) and refused anywhere else: a server that
# forgot SECRET_KEY stops at start-up instead of signing sessions with a key published in this file.
LOCAL_SECRET_KEY = "runbase-local-only-insecure-key-change-me-on-a-server"
SECRET_KEY = env.str("SECRET_KEY", default="") or (LOCAL_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", LOCAL_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is RunBase's built-in development key, and DEBUG is false: set "
        "SECRET_KEY to a long random value in the environment or .env (for example the output of "
        'python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS behind a reverse proxy (Caddy, nginx): secure by default whenever DEBUG is off ----------
# Each can be switched from the environment, e.g. SECURE_SSL_REDIRECT=false for a plain-HTTP run on
# 127.0.0.1. The proxy header is trusted only because gunicorn listens on 127.0.0.1 behind the proxy,
# which sets it (Caddy does by default; nginx needs `proxy_set_header X-Forwarded-Proto $scheme`).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # an uptime monitor on the machine itself may ask over HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
_PROXY_SSL_HEADER = env.str("RUNBASE_PROXY_SSL_HEADER", default="" if DEBUG else "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "activities",
    "ingest",
    "reconcile",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "runbase_site.middleware.DisplayUnitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # On a server, gunicorn serves the static files collected into STATIC_ROOT itself (WhiteNoise): no
    # proxy rule needed for them. With DEBUG on, runserver serves them from the apps (the demo).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "runbase_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "review.context_processors.display",
            ],
        },
    },
]

WSGI_APPLICATION = "runbase_site.wsgi.application"
ASGI_APPLICATION = "runbase_site.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'runbase.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the review pages read while a sync writes; the timeout lets a writer wait its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"
# The runner's home time zone: the last resort for a record's local date (ARCHITECTURE, invariant 6).
# By default the machine's own zone (runbase_site/timezones.py): a Mac is set to where its runner lives.
RUNBASE_HOME_TZ = env.str("RUNBASE_HOME_TZ", default="") or machine_time_zone()

# Units every page, chart, form and admin column shows (a runner may choose otherwise on the pages).
RUNBASE_UNITS = env.str("RUNBASE_UNITS", default="metric")
if RUNBASE_UNITS not in ("metric", "imperial"):
    raise ImproperlyConfigured(f"RUNBASE_UNITS must be metric or imperial, not {RUNBASE_UNITS!r}.")

# The activity page draws the route on a plain background, offline. A tile URL puts it on a map, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png with the attribution the tile provider asks for.
RUNBASE_MAP_TILES = env.str("RUNBASE_MAP_TILES", default="")
RUNBASE_MAP_ATTRIBUTION = env.str("RUNBASE_MAP_ATTRIBUTION", default="")
# Leaflet's JS and CSS come from the django-leaflet package's static folder (leaflet/leaflet.js); the
# package is not an installed app, because its admin module needs GDAL, which RunBase does not use.
STATICFILES_DIRS = [Path(find_spec("leaflet").origin).parent / "static"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
# Compressed copies made by collectstatic, no manifest: pages render before any collectstatic (tests).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# RunBase's own sign-in page for the review pages (the admin keeps its own at /admin/login/).
LOGIN_URL = "review:login"
LOGIN_REDIRECT_URL = "review:dashboard"

# --- Sources ----------------------------------------------------------------------------------
HEALTHFIT_DIR = Path(
    env.str(
        "HEALTHFIT_DIR",
        default="~/Library/Mobile Documents/iCloud~com~altifondo~HealthFit/Documents/",
    )
).expanduser()
# Parse worker processes for bulk imports; 0 means one per core.
INGEST_WORKERS = env.int("RUNBASE_INGEST_WORKERS", default=0)
# A file modified this recently may still be being written by iCloud: leave it for the next sync.
INGEST_SETTLE_SECONDS = env.int("RUNBASE_INGEST_SETTLE_SECONDS", default=10)
# One budget for untrusted archives: Garmin and Strava export zips (nested part zips included), .xlsx
# workbooks (a workbook is a zip) and gzipped recording files. Checked before anything is imported;
# every refusal names the limit and the setting below. The defaults fit a real 10-year Garmin export.
# One member or recording file, inflated. A 100 MB TCX already takes about 1 GB to parse; the largest
# real recordings (a 24-hour race at 1 Hz) are 20-30 MB.
RUNBASE_ARCHIVE_MAX_FILE_MB = env.float("RUNBASE_ARCHIVE_MAX_FILE_MB", default=100)
RUNBASE_ARCHIVE_MAX_TOTAL_MB = env.float("RUNBASE_ARCHIVE_MAX_TOTAL_MB", default=4096)  # all members
RUNBASE_ARCHIVE_MAX_MEMBERS = env.int("RUNBASE_ARCHIVE_MAX_MEMBERS", default=50_000)  # nested ones too
RUNBASE_ARCHIVE_MAX_DEPTH = env.int("RUNBASE_ARCHIVE_MAX_DEPTH", default=2)  # zips inside zips
# Uncompressed / compressed, for each member above RUNBASE_ARCHIVE_RATIO_MIN_KB and the whole archive.
RUNBASE_ARCHIVE_MAX_RATIO = env.float("RUNBASE_ARCHIVE_MAX_RATIO", default=100)
RUNBASE_ARCHIVE_RATIO_MIN_KB = env.float("RUNBASE_ARCHIVE_RATIO_MIN_KB", default=64)

STRAVA_CLIENT_ID = env.str("STRAVA_CLIENT_ID", default="")
STRAVA_CLIENT_SECRET = env.str("STRAVA_CLIENT_SECRET", default="")
STRAVA_BASE_URL = env.str("STRAVA_BASE_URL", default="https://www.strava.com")
STRAVA_TOKEN_FILE = Path(
    env.str("STRAVA_TOKEN_FILE", default=str(DATA_DIR / "strava_tokens.json"))
).expanduser()
STRAVA_REREAD_DAYS = env.int("STRAVA_REREAD_DAYS", default=7)
STRAVA_TIMEOUT_S = env.float("STRAVA_TIMEOUT_S", default=30.0)  # per HTTP request to Strava
STRAVA_AUTH_PORT = env.int("STRAVA_AUTH_PORT", default=0)  # strava_auth callback port; 0 = any free port

# Garmin Connect pull (sync_garmin_connect; unofficial API through garminconnect). The base URLs are
# Garmin's own; tests point them at a fake server on 127.0.0.1 (the SSO one also stands for Garmin's
# token service, diauth.garmin.com). Tokens from `garmin_login` live owner-only in GARMIN_TOKEN_DIR.
GARMIN_CONNECT_BASE_URL = env.str("GARMIN_CONNECT_BASE_URL", default="https://connectapi.garmin.com")
GARMIN_SSO_BASE_URL = env.str("GARMIN_SSO_BASE_URL", default="https://sso.garmin.com")
GARMIN_TOKEN_DIR = Path(env.str("GARMIN_TOKEN_DIR", default=str(DATA_DIR / "garmin"))).expanduser()
GARMIN_REREAD_DAYS = env.int("GARMIN_REREAD_DAYS", default=7)
GARMIN_TIMEOUT_S = env.float("GARMIN_TIMEOUT_S", default=30.0)  # per HTTP request to Garmin
GARMIN_RATE_LIMIT_PAUSE_S = env.int("GARMIN_RATE_LIMIT_PAUSE_S", default=3600)  # a 429 without Retry-After

RUNALYZE_BASE_URL = env.str("RUNALYZE_BASE_URL", default="https://runalyze.com")
RUNALYZE_TOKEN = env.str("RUNALYZE_TOKEN", default="")
RUNALYZE_USERNAME = env.str("RUNALYZE_USERNAME", default="")
RUNALYZE_PASSWORD = env.str("RUNALYZE_PASSWORD", default="")

# LLM fallback for notes and workout names the regex is not sure of: "ollama", "anthropic" or "none".
LLM_PROVIDER = env.str("LLM_PROVIDER", default="ollama")
LLM_MODEL = env.str("LLM_MODEL", default="phi3:mini")
OLLAMA_BASE_URL = env.str("OLLAMA_BASE_URL", default="http://localhost:11434")
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="https://api.anthropic.com")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=60.0)
# Training-log import: extra header names per field (date, distance, intensity, shoe, notes, workout)
# on top of the defaults in ingest/xlsx/columns.py; rows below the threshold go to the LLM and review.
XLSX_COLUMN_ALIASES: dict[str, list[str]] = env.json("XLSX_COLUMN_ALIASES", default={})
XLSX_LLM_THRESHOLD = env.float("XLSX_LLM_THRESHOLD", default=0.7)
XLSX_LLM_BATCH_SIZE = env.int("XLSX_LLM_BATCH_SIZE", default=25)

# --- Reconciliation (ARCHITECTURE "Matching and resolution") --------------------------------------
# Only overrides: every default lives once, in reconcile/config.py. The environment can set the
# scalar knobs below; `field_priority` and `tolerances` (per-field dicts merged over the defaults)
# and any other key of ReconcileConfig can be added to this dict in a settings file of your own.
_RECONCILE_FROM_ENV = {
    "time_window_s": ("RECONCILE_TIME_WINDOW_S", env.int),
    "distance_tolerance_pct": ("RECONCILE_DISTANCE_TOLERANCE_PCT", env.float),
    "date_match_max_distance_pct": ("RECONCILE_DATE_MATCH_MAX_DISTANCE_PCT", env.float),
    "ambiguity_margin_pct": ("RECONCILE_AMBIGUITY_MARGIN_PCT", env.float),
    "name_distance_unit": ("RECONCILE_NAME_DISTANCE_UNIT", env.str),
}
RUNBASE_RECONCILE = {
    key: read(variable) for key, (variable, read) in _RECONCILE_FROM_ENV.items() if variable in env
}

# --- Training analysis --------------------------------------------------------------------------
# Only overrides: the defaults live in activities/analysis/config.py; any other key of AnalysisConfig
# (race_snap_pct, vdot_from_best_efforts, shoe_near_end_pct …) can be added in a settings file.
_ANALYSIS_FROM_ENV = {
    "sport": ("RUNBASE_ANALYSIS_SPORT", env.str),
    "hr_rest": ("RUNBASE_HR_REST", env.float),
    "hr_max": ("RUNBASE_HR_MAX", env.float),
    "sex": ("RUNBASE_TRIMP_SEX", env.str),
    "week_start": ("RUNBASE_WEEK_START", env.int),
    "vdot_window_days": ("RUNBASE_VDOT_WINDOW_DAYS", env.int),
    "shoe_threshold_m": ("RUNBASE_SHOE_THRESHOLD_M", env.float),
}
RUNBASE_ANALYSIS = {
    key: read(variable) for key, (variable, read) in _ANALYSIS_FROM_ENV.items() if variable in env
}

# --- Unattended operation: notifications -------------------------------------------------------------
# Apprise URLs, one per channel, separated by spaces (empty: no message is sent; each is still recorded
# for the dashboard), and the events to raise (ingest/notify/events.py; new_activities is off).
RUNBASE_NOTIFY_URLS = env.str("RUNBASE_NOTIFY_URLS", default="")
RUNBASE_NOTIFY_EVENTS = env.list(
    "RUNBASE_NOTIFY_EVENTS",
    default=["sync_failed", "credentials", "source_quiet", "conflicts", "shoe", "weekly"],
)
RUNBASE_NOTIFY_QUIET_DAYS = env.int("RUNBASE_NOTIFY_QUIET_DAYS", default=4)  # no HealthFit file for this long
RUNBASE_NOTIFY_PENDING_HOURS = env.int("RUNBASE_NOTIFY_PENDING_HOURS", default=24)  # iCloud files waiting

# --- Unattended operation: backups (runbase_backup, weekly by install_schedules) -------------------------
RUNBASE_BACKUP_DIR = Path(env.str("RUNBASE_BACKUP_DIR", default=str(DATA_DIR / "backups"))).expanduser()
RUNBASE_BACKUP_KEEP = env.int("RUNBASE_BACKUP_KEEP", default=8)  # the newest backups kept; older removed

# --- Unattended operation: health checks -----------------------------------------------------------
# /healthz and runbase_status: hours a set-up source may go without a successful sync, per source
# (JSON, merged over ingest/watch.py's {"icloud": 48, "strava": 48, "runalyze": 192}); whether the
# django-q2 cluster must be running (false when cron runs the syncs) and how late a schedule may be.
RUNBASE_HEALTH_MAX_AGE_HOURS: dict[str, float] = env.json("RUNBASE_HEALTH_MAX_AGE_HOURS", default={})
RUNBASE_HEALTH_CLUSTER = env.bool("RUNBASE_HEALTH_CLUSTER", default=True)
RUNBASE_HEALTH_CLUSTER_GRACE_MINUTES = env.int("RUNBASE_HEALTH_CLUSTER_GRACE_MINUTES", default=15)

# --- django-q2 -------------------------------------------------------------------------------------
Q_CLUSTER = {
    "name": "runbase",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=1),
    "timeout": env.int("Q_TIMEOUT", default=3000),
    "retry": env.int("Q_RETRY", default=3600),
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 500,
    "sync": env.bool("Q_SYNC", default=False),
}

# --- Logging: console and a rotating file in the data directory ------------------------------------
# RUNBASE_LOG_FORMAT=json: one JSON object per line (timestamp, level, logger, message and the run's
# fields: event, sync, run_id, counts, duration_s, file, error) for a log shipper; plain text otherwise.
RUNBASE_LOG_FORMAT = env.str("RUNBASE_LOG_FORMAT", default="plain")
if RUNBASE_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"RUNBASE_LOG_FORMAT must be plain or json, not {RUNBASE_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
    },
    "handlers": {
        # Commands print their own lines to stdout; the console shows only warnings and errors so
        # nothing is printed twice, while the file keeps everything.
        "console": {"class": "logging.StreamHandler", "formatter": RUNBASE_LOG_FORMAT, "level": "WARNING"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "runbase.log"),
            "maxBytes": 5 * 1024 * 1024,
            "backupCount": 5,
            "formatter": RUNBASE_LOG_FORMAT,
            "encoding": "utf-8",
            "delay": True,  # opened at the first record, once ready() has made LOG_DIR
        },
    },
    "loggers": {
        "runbase": {
            "handlers": ["console", "file"],
            "level": env.str("RUNBASE_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        "django_q": {"handlers": ["console", "file"], "level": "INFO", "propagate": False},
    },
}
