"""The default mode: a developer's machine. SQLite and eager Celery unless DATABASE_URL / REDIS_URL are set."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
