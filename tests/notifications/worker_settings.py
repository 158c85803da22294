"""Settings of the real `celery worker` started by the integration tests (tests/notifications/test_worker.py):
the test settings, the test database (DATABASE_URL names it), an e-mail backend that appends to a file the test
reads, and fast redelivery of unacknowledged messages."""

import os

from jjjtalent.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.notifications.sink.SinkEmailBackend"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "60")),
    # scan for abandoned (unacked) messages on every poll, so a restarted worker picks them up at once
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "WARNING"}}
