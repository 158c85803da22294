from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("人才资源库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit, models

        audit.register(
            models.Organisation,
            models.Person,
            models.Expert,
            models.HighLevelTalent,
            models.Graduate,
            models.Demand,
            models.Consent,
            models.DuplicateCandidate,
            models.DataRequest,
        )
