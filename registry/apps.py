from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("人才资源库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import audit, documents, models

        post_migrate.connect(documents.install_on_migrate, sender=self, dispatch_uid="registry.documents.install")

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
