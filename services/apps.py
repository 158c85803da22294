from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("同事同标服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registry import audit

        from . import models

        audit.register(models.ServiceItem, models.ServiceStandardVersion, models.RegionalContact, models.HolidayOverride,
                       models.TalentCard, models.Recognition)
