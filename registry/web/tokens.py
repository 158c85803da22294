"""One-time form tokens: a double click (or a resent POST) never creates two records.

Each create form carries a random token. The first POST claims it in the cache; when the write succeeds the
token remembers where its result lives, and any later POST with the same token is sent there instead of
writing again. A POST that fails validation releases its token so the corrected form can be sent.
"""

from __future__ import annotations

import re
import time
import uuid

from django.core.cache import cache

FIELD = "form_token"
TTL = 6 * 3600
_VALID = re.compile(r"^[0-9a-f]{32}$")
PENDING = "__pending__"


def issue() -> str:
    return uuid.uuid4().hex


def valid(token: str | None) -> bool:
    return bool(token and _VALID.match(token))


def _key(token: str) -> str:
    return f"formtok:{token}"


def claim(token: str, *, wait: float = 5.0) -> str | None:
    """None when this request owns the token (go ahead and write); else the URL of the earlier result,
    or ``PENDING`` if the first request is still running after ``wait`` seconds."""
    if cache.add(_key(token), PENDING, timeout=TTL):
        return None
    deadline = time.monotonic() + wait
    while True:
        value = cache.get(_key(token))
        if value is None:  # released by a failed attempt: take it over
            if cache.add(_key(token), PENDING, timeout=TTL):
                return None
            continue
        if value != PENDING or time.monotonic() >= deadline:
            return value
        time.sleep(0.1)


def complete(token: str, url: str) -> None:
    cache.set(_key(token), url, timeout=TTL)


def release(token: str) -> None:
    cache.delete(_key(token))


def result_of(token: str | None) -> str | None:
    """The URL an already completed form token led to (for a page whose form disappears once used)."""
    if not valid(token):
        return None
    value = cache.get(_key(token))
    return value if value and value != PENDING else None
