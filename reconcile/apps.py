from django.apps import AppConfig


class ReconcileConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reconcile"
