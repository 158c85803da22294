"""pytest's mode: fast hashing, in-memory mail, the same DATABASE_URL / REDIS_URL switches as local."""

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
FIELD_ENCRYPTION_KEYS = ["m0q5Yc7S2bJ0oQx9G0y4o1cZQm9XkqG2p5t9Y7hC3uE="]
PII_HMAC_KEY = "test-hmac-key"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL = True  # webhooks to http://127.0.0.1 / localhost (never in production)
