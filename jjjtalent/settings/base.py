"""Settings shared by every mode. Everything secret or host-specific comes from the environment.

Modes (cookiecutter-django style): ``local`` (the default: SQLite, eager Celery, DEBUG on),
``test`` (pytest) and ``production`` (passes ``manage.py check --deploy``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-insecure-jjjtalent-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "corsheaders",
    "registry",
    "matching",
    "services",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "jjjtalent.urls"
WSGI_APPLICATION = "jjjtalent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database: SQLite by default, PostgreSQL (or anything) from DATABASE_URL ---
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server, an eager task and a shell share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env("DB_PREPARED_STATEMENTS", "1") == "1":
    # Django turns psycopg's prepared statements off (prepare_threshold None). The ORM's cursors never prepare
    # anyway (client-side binding); this lets the few statements that ask for it (prepare=True: the expert
    # list's page, registry.selectors.experts_page) be parsed and planned once per connection. Set
    # DB_PREPARED_STATEMENTS=0 behind a pooler that cannot carry prepared statements (PgBouncer < 1.21 in
    # transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2**31 - 1)
# Each request is one transaction: a failed request leaves nothing half-written (and a database error in one
# request never poisons the next in a test transaction on PostgreSQL). The API's reads are the exception: they
# run without one (no BEGIN/COMMIT round trips; registry.apikit.views.ApiView.dispatch), its writes keep one.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- language and time: Simplified Chinese first, English second ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: imports and application materials are bounded; larger bodies are refused, not buffered.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = int(env("IMPORT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
IMPORT_CHUNK_ROWS = int(env("IMPORT_CHUNK_ROWS", "500"))  # experts and graduates: rows per batched write (and per heartbeat)
# a running import job without a heartbeat (one per chunk) for this long is requeued, at most IMPORT_JOB_MAX_REQUEUES
# times, then failed (registry.import_jobs_requeue_stalled, every minute; docs/registry.md)
IMPORT_JOB_STALL_SECONDS = int(env("IMPORT_JOB_STALL_SECONDS", "600"))
IMPORT_JOB_MAX_REQUEUES = int(env("IMPORT_JOB_MAX_REQUEUES", "2"))
# a job still pending this long after it was queued (its message was lost) is queued again by the same task, at most
# IMPORT_JOB_MAX_RESENDS times, then failed; a duplicate message is harmless (the worker takes pending jobs only)
IMPORT_JOB_PENDING_RESEND_SECONDS = int(env("IMPORT_JOB_PENDING_RESEND_SECONDS", "300"))
IMPORT_JOB_MAX_RESENDS = int(env("IMPORT_JOB_MAX_RESENDS", "3"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- personal data (PIPL): field encryption and keyed hashes ---
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (rotation). Derived from SECRET_KEY if unset.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
# PII_HMAC_KEY: key of the HMAC that identifies one natural person across the databases.
PII_HMAC_KEY = env("PII_HMAC_KEY", "")

# --- 京津冀人才卡: Ed25519 signing key (PEM or base64/hex seed); a key derived from SECRET_KEY when unset ---
TALENT_CARD_SIGNING_KEY = env("TALENT_CARD_SIGNING_KEY", "")

# --- cache: Redis when REDIS_URL is set, local memory otherwise ---
REDIS_URL = env("REDIS_URL")
# CACHE_URL: another Redis database for the cache (recommended in production, so that clearing the cache can
# never flush the Celery queue); the same as REDIS_URL by default.
CACHE_URL = env("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jjjtalent"}}

# --- Celery: a real worker over Redis when REDIS_URL is set, eager otherwise ---
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# The visibility timeout must exceed the longest task (time limit) so that an unacked task
# is redelivered only when its worker really died.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "600"))}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULE: dict = {
    "services-talent-cards-daily": {"task": "services.talent_cards_daily", "schedule": 24 * 3600},
    # notifications (docs/notifications.md): the outbox sweeper re-enqueues due rows whose message was lost
    "notifications-sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    "notifications-application-deadlines": {"task": "notifications.tasks.application_deadlines", "schedule": crontab(minute=0, hour=8, day_of_week="1-5")},
    "notifications-expiries": {"task": "notifications.tasks.expiries", "schedule": crontab(minute=30, hour=7)},
    "notifications-weekly-digest": {"task": "notifications.tasks.weekly_digest", "schedule": crontab(minute=0, hour=9, day_of_week="mon")},
    "notifications-nightly-rematch": {"task": "notifications.tasks.nightly_rematch", "schedule": crontab(minute=0, hour=2)},
    # matching (docs/matching.md): invitations past their answer date expire; the index change log is pruned
    "matching-expire-invitations": {"task": "matching.tasks.expire_invitations", "schedule": crontab(minute=5)},
    "matching-prune-index-changes": {"task": "matching.tasks.prune_index_changes", "schedule": crontab(minute=30, hour=3)},
    # registry (docs/registry.md): import jobs whose worker died are requeued, then failed
    "registry-requeue-stalled-imports": {"task": "registry.import_jobs_requeue_stalled", "schedule": 60.0},
}

# --- notifications: retries, webhooks (docs/notifications.md) ---
NOTIFICATIONS_MAX_ATTEMPTS = int(env("NOTIFICATIONS_MAX_ATTEMPTS", "8"))  # after this many failures a row is dead
NOTIFICATIONS_BACKOFF_BASE = float(env("NOTIFICATIONS_BACKOFF_BASE", "30"))  # seconds; doubles per attempt
NOTIFICATIONS_BACKOFF_MAX = float(env("NOTIFICATIONS_BACKOFF_MAX", "3600"))
NOTIFICATIONS_SEND_TIMEOUT = float(env("NOTIFICATIONS_SEND_TIMEOUT", "10"))  # seconds, per e-mail or webhook attempt
NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL = env_bool("NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL", False)  # http://127.0.0.1 in dev/tests only
NOTIFICATIONS_SIGNATURE_TOLERANCE = 300  # seconds: the replay window partners are told to enforce
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# --- email: console by default, SMTP from the environment ---
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "jjjtalent <noreply@jjjtalent.local>")

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # per API key / web user / anonymous IP (registry.apikit.throttles); a key may carry its own rate
    "DEFAULT_THROTTLE_RATES": {
        "partner": env("API_THROTTLE_PARTNER", "1200/min"),
        "user": env("API_THROTTLE_USER", "600/min"),
        "anon": env("API_THROTTLE_ANON", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jjjtalent API",
    "DESCRIPTION": "京津冀人才共享平台 partner API / 合作系统接口",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {  # choice sets shared by several components (registry.apikit.schema)
        "RecordStatusEnum": "registry.apikit.schema.STATUS_CODES",
        "BulkRowStatusEnum": "registry.apikit.schema.BULK_ROW_STATUSES",
        "NotificationKindEnum": "notifications.serializers.NOTIFICATION_KINDS",
        "DemandKindEnum": "registry.apikit.schema.DEMAND_KINDS",
        "SharingModesEnum": "registry.apikit.schema.SHARING_MODE_CODES",
        "TitleLevelEnum": "registry.apikit.schema.TITLE_LEVEL_CODES",
        "OrganisationStatusTargetEnum": "registry.apikit.schema.ORGANISATION_TARGETS",
        "TalentCardStatusEnum": "services.serializers.CARD_STATUSES",
        "ServiceApplicationStatusEnum": "services.serializers.APPLICATION_STATUSES",
    },
}
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = ("accept", "accept-language", "authorization", "content-type", "x-api-key", "idempotency-key", "if-match", "if-none-match", "x-request-id")
CORS_EXPOSE_HEADERS = ("etag", "location", "retry-after", "x-request-id", "idempotent-replayed")

# --- matching weights (documented in docs/matching.md) ---
# Build the matching indexes when a gunicorn worker or Celery pool process starts (jjjtalent/gunicorn.conf.py,
# jjjtalent/celery.py), not at its first recommendation. On in production.
MATCHING_WARM_ON_START = env("MATCHING_WARM_ON_START", "0") == "1"
MATCHING_WEIGHTS = {
    "text": 0.35,
    "industry": 0.15,
    "discipline": 0.15,
    "title": 0.10,
    "distance": 0.10,
    "rating": 0.05,
    "capacity": 0.05,
    "acceptance": 0.05,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pii": {"()": "registry.logging.RedactPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
