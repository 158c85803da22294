"""Signed 京津冀人才卡 tokens, no Django: a partner (hospital, school) verifies a card offline with the
service's Ed25519 public key and sees no personal data.

Token text (what the QR code holds)::

    JJJC1.<base64url(payload JSON)>.<base64url(Ed25519 signature of the payload bytes)>

Payload (compact JSON, keys sorted): ``v`` format version (1), ``kid`` key id (first 16 hex digits of
SHA-256 of the raw public key, so keys can rotate), ``n`` card number, ``t`` tier (A–D), ``f`` valid from
and ``u`` valid until (ISO dates, inclusive), ``s`` entitled service item codes, ``iat`` issue time of the
token (Unix seconds). No name, ID number or phone.

Offline verification proves the token was issued by the service and is within its validity; only the
online check (``services.selectors.talent_card_check``) knows about suspension and revocation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from . import cardnumber

PREFIX = "JJJC1"


class CardTokenError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CardClaims:
    number: str
    tier: str
    valid_from: dt.date
    valid_until: dt.date
    services: tuple[str, ...]
    key_id: str
    issued_at: int


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    if len(seed) != 32:
        raise ValueError("an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) private key, or the 32-byte raw seed in base64 / hex."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("TALENT_CARD_SIGNING_KEY is not an Ed25519 key")
        return key
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = _b64d(text.replace("+", "-").replace("/", "_").rstrip("="))
    return private_key_from_seed(raw)


def derive_private_key(secret: str) -> Ed25519PrivateKey:
    """The development key: derived from a secret (SECRET_KEY), stable across restarts."""
    return private_key_from_seed(hashlib.sha256(b"jjjtalent talent-card ed25519 v1|" + secret.encode()).digest())


def public_key_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_raw(key)).hexdigest()[:16]


def sign(*, private_key: Ed25519PrivateKey, number: str, tier: str, valid_from: dt.date, valid_until: dt.date,
         services: tuple[str, ...] | list[str] = (), issued_at: int = 0) -> str:
    payload = {
        "v": 1,
        "kid": key_id(private_key.public_key()),
        "n": number,
        "t": tier,
        "f": valid_from.isoformat(),
        "u": valid_until.isoformat(),
        "s": sorted(services),
        "iat": int(issued_at),
    }
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return f"{PREFIX}.{_b64e(body)}.{_b64e(private_key.sign(body))}"


def verify(token: str, public_keys: Ed25519PublicKey | list[Ed25519PublicKey], *, today: dt.date) -> CardClaims:
    """Offline verification: the signature under one of the published keys, a well-formed card number,
    and ``valid_from <= today <= valid_until``. Raises :class:`CardTokenError` with a Chinese message."""
    keys = public_keys if isinstance(public_keys, list) else [public_keys]
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CardTokenError("token_format", "不是有效的京津冀人才卡凭证")
    try:
        body = _b64d(parts[1])
        signature = _b64d(parts[2])
        payload = json.loads(body.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        raise CardTokenError("token_format", "人才卡凭证已损坏，无法解析") from None
    if not isinstance(payload, dict) or payload.get("v") != 1:
        raise CardTokenError("token_version", "不支持的人才卡凭证版本")
    by_id = {key_id(k): k for k in keys}
    key = by_id.get(payload.get("kid"))
    if key is None:
        raise CardTokenError("token_key", "人才卡凭证的签名密钥未知（可能已轮换，请更新公钥）")
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise CardTokenError("token_signature", "人才卡凭证签名无效：内容被篡改或并非本平台签发") from None
    try:
        number = cardnumber.validate(payload["n"])
        valid_from = dt.date.fromisoformat(payload["f"])
        valid_until = dt.date.fromisoformat(payload["u"])
        claims = CardClaims(number, str(payload["t"]), valid_from, valid_until, tuple(payload.get("s", ())), payload["kid"], int(payload.get("iat", 0)))
    except (KeyError, TypeError, ValueError):
        raise CardTokenError("token_format", "人才卡凭证内容不完整") from None
    if today < claims.valid_from:
        raise CardTokenError("card_not_yet_valid", f"人才卡自{claims.valid_from}起生效")
    if today > claims.valid_until:
        raise CardTokenError("card_expired", f"人才卡已于{claims.valid_until}到期")
    return claims
