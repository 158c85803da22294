"""The default mode: a developer's machine. SQLite and eager Celery unless DATABASE_URL / REDIS_URL are set."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL = True  # webhooks to http://127.0.0.1 / localhost (never in production)
