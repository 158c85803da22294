"""Field-level encryption and keyed hashes for personal data (PIPL).

- Encryption: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation (MultiFernet, newest key first).
- Identity: an HMAC-SHA256 of the normalised value under PII_HMAC_KEY, so one natural person is found
  across the databases without storing or comparing the number in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derived_key(label: str) -> bytes:
    return hashlib.sha256(f"jjjtalent:{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        keys = (base64.urlsafe_b64encode(_derived_key("field-encryption")).decode(),)
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must not pass silently as data
        raise ValueError("personal data could not be decrypted with the configured keys") from exc


def keyed_hash(value: str) -> str:
    key = (settings.PII_HMAC_KEY or "").encode() or _derived_key("pii-hmac")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
