"""Login throttling: a cache counter of failed logins per (username, client address).

After ``MAX_FAILURES`` failures within ``WINDOW_SECONDS`` the pair is locked until the window ends.
Keyed by a hash, so neither the username nor the address is stored in clear in the cache.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{(username or '').strip().lower()}|{ip or ''}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def failures(username: str, ip: str) -> int:
    return int(cache.get(_key(username, ip)) or 0)


def is_locked(username: str, ip: str) -> bool:
    return failures(username, ip) >= MAX_FAILURES


def register_failure(username: str, ip: str) -> int:
    key = _key(username, ip)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
