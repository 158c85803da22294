"""Webhook signatures: HMAC-SHA256 over ``"{timestamp}.{body}"``. Pure Python, no Django: partners may copy
``verify`` as it is (see docs/notifications.md).

Headers of every webhook POST:
    X-JJJ-Timestamp: 1767225600          (Unix seconds when the attempt was signed)
    X-JJJ-Signature: sha256=<64 hex>     (HMAC-SHA256(secret, timestamp + "." + raw body))
    X-JJJ-Delivery:  <delivery id>       (stable across retries and replays: dedupe on it)
    X-JJJ-Event:     <event kind>
A receiver accepts a request only if the signature matches and the timestamp is within the replay window
(``DEFAULT_TOLERANCE`` seconds either side of its own clock), and ignores a delivery id it has already processed.
"""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE = 300  # seconds: the replay window
PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-JJJ-Signature for this body at this timestamp."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, timestamp_header: str, signature_header: str, *, now: float | None = None,
           tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """True if the request is authentic and fresh. ``body`` is the raw request body (bytes, as received)."""
    try:
        timestamp = int(timestamp_header)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, (signature_header or "").strip())
