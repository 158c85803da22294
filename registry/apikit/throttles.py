"""Throttling per API key (its own rate, else ``DEFAULT_THROTTLE_RATES['partner']``), per web user and per
anonymous IP, counted in the cache (Redis in production, so all workers share the counts)."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from registry.api_models import PartnerApiKey

DEFAULT_RATES = {"partner": "1200/min", "user": "600/min", "anon": "60/min"}


def _rate(scope: str) -> str:
    from rest_framework.settings import api_settings

    return (api_settings.DEFAULT_THROTTLE_RATES or {}).get(scope) or DEFAULT_RATES[scope]


def window_count(name: str, ttl: int, cache=None) -> int:
    """Add one to the counter ``name`` (created with a lifetime of ``ttl`` seconds) in ``cache`` (default: the
    default cache) and return it. On Redis one round trip (``INCR``; ``EXPIRE`` too on the window's first
    request); Django's ``cache.incr`` costs two (``EXISTS``, then ``INCR``). On other caches ``incr``, else ``add``."""
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.redis import RedisCache

    cache = cache if cache is not None else caches[DEFAULT_CACHE_ALIAS]  # the backend itself, not the module-level proxy
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(name)
        client = _write_client(cache)
        count = client.incr(key)
        if count == 1:  # the window's first request sets its end (names carry the window, so a lost EXPIRE only leaves a stale key)
            client.expire(key, ttl)
        return count
    try:
        return cache.incr(name)
    except ValueError:  # first request of the window
        if cache.add(name, 1, ttl):
            return 1
        return cache.incr(name)


def _write_client(cache):
    """The Redis client for writes of a cache backend, made once per backend instance (Django's ``get_client``
    builds a new ``redis.Redis`` on its shared pool at every call, a tenth of an API request's CPU)."""
    client = getattr(cache, "_throttle_client", None)
    if client is None:
        client = cache._throttle_client = cache._cache.get_client(write=True)
    return client


class PartnerKeyThrottle(SimpleRateThrottle):
    """Per API key, a fixed-window counter in the cache: one INCR a request (no growing list of timestamps, so a
    key with a high rate costs what a low one does)."""

    scope = "partner"

    def get_rate(self):
        return _rate(self.scope)

    def allow_request(self, request, view):
        key = request.auth if isinstance(request.auth, PartnerApiKey) else None
        if key is None:
            return True
        limit, duration = self.parse_rate(key.throttle_rate) if key.throttle_rate else (self.num_requests, self.duration)
        now = self.timer()
        window = int(now // duration)
        name = f"throttle_partner_{key.prefix}_{duration}_{window}"
        count = window_count(name, duration + 1)
        self._wait = (window + 1) * duration - now
        return count <= limit

    def wait(self):
        return max(getattr(self, "_wait", 1), 1)


class SessionUserThrottle(SimpleRateThrottle):
    scope = "user"

    def get_rate(self):
        return _rate(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnerApiKey) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return _rate(self.scope)


THROTTLES = [PartnerKeyThrottle, SessionUserThrottle, AnonThrottle]
