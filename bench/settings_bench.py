"""The benchmark's server settings: the local mode (DATABASE_URL / REDIS_URL from the environment), DEBUG off,
the benchmark's URLs; no request logging to the console."""

from jjjtalent.settings.local import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "bench.urls_bench"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
