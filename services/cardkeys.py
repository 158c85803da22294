"""The talent-card signing key: ``settings.TALENT_CARD_SIGNING_KEY`` (env ``TALENT_CARD_SIGNING_KEY``: a PEM
PKCS#8 Ed25519 private key, or its 32-byte seed in base64/hex); without it a development key derived from
``SECRET_KEY``. ``TALENT_CARD_PREVIOUS_PUBLIC_KEYS`` (optional list of PEM strings) keeps tokens signed by a
rotated-out key verifiable."""

from __future__ import annotations

import os
from functools import lru_cache

from django.conf import settings

from . import cardtoken


def _configured() -> str:
    return getattr(settings, "TALENT_CARD_SIGNING_KEY", "") or os.environ.get("TALENT_CARD_SIGNING_KEY", "")


@lru_cache(maxsize=4)
def _key(configured: str, secret: str):
    if configured:
        return cardtoken.load_private_key(configured)
    return cardtoken.derive_private_key(secret)


def private_key():
    return _key(_configured(), settings.SECRET_KEY)


def public_key():
    return private_key().public_key()


def public_keys() -> list:
    keys = [public_key()]
    for pem in getattr(settings, "TALENT_CARD_PREVIOUS_PUBLIC_KEYS", []) or []:
        keys.append(cardtoken.load_public_key(pem))
    return keys


def public_key_pem() -> str:
    return cardtoken.public_key_pem(public_key())


def is_development_key() -> bool:
    return not _configured()
