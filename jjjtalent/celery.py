"""The Celery app. Tasks run eagerly when REDIS_URL is unset (see settings)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jjjtalent.settings.local")

app = Celery("jjjtalent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_matching(**kwargs):
    """Each pool process builds its matching indexes at start (MATCHING_WARM_ON_START), not at its first task."""
    from django.conf import settings

    if getattr(settings, "MATCHING_WARM_ON_START", False):
        from matching.holder import warm_in_background

        warm_in_background()
