from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("供需匹配")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registry import audit

        from . import models, signals

        signals.connect()
        audit.register(models.Invitation, models.Application, models.Engagement, models.Rating, models.ReviewPanel)
