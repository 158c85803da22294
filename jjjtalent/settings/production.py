"""Production: every secret from the environment, HTTPS everywhere. Passes ``manage.py check --deploy``."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env, env_bool, env_list

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ random characters) in production")
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
PII_HMAC_KEY = env("PII_HMAC_KEY", "")
if not FIELD_ENCRYPTION_KEYS or not PII_HMAC_KEY:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and PII_HMAC_KEY must be set in production")
# Talent cards are signed with their own Ed25519 key so that rotating SECRET_KEY never invalidates printed cards.
TALENT_CARD_SIGNING_KEY = env("TALENT_CARD_SIGNING_KEY", "")
if not TALENT_CARD_SIGNING_KEY:
    raise ImproperlyConfigured("TALENT_CARD_SIGNING_KEY (an Ed25519 private key, PEM or base64 seed) must be set in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Each gunicorn worker and Celery pool process builds its matching indexes when it starts.
MATCHING_WARM_ON_START = env("MATCHING_WARM_ON_START", "1") == "1"
