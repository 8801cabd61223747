from django.apps import AppConfig
from django.conf import settings


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"

    def ready(self) -> None:
        """The data folders exist before anything archives a file, writes a log line or opens SQLite."""
        for directory in (settings.DATA_DIR, settings.RAW_STORE_DIR, settings.LOG_DIR):
            directory.mkdir(parents=True, exist_ok=True)
