"""The Celery app. Tasks run eagerly when REDIS_URL is unset (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jjjtalent.settings.local")

app = Celery("jjjtalent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
