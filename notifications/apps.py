from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import task_failure

        from . import receivers  # noqa: F401 — connects the signal receivers

        task_failure.connect(_record_task_failure, dispatch_uid="notifications.task_failure", weak=False)


def _record_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_):
    """A task that failed for good (no retry left) becomes a FailedTask row staff see in the admin."""
    import logging

    from .services import failed_task_record

    try:
        failed_task_record(task_name=getattr(sender, "name", str(sender)), task_id=task_id or "", args=args, kwargs=kwargs,
                           exception=f"{type(exception).__name__}: {exception}", traceback=str(einfo or ""))
    except Exception:  # the database may be what failed; the worker log still has it
        logging.getLogger(__name__).exception("could not record failed task %s", task_id)
