"""Throttling per API key (its own rate, else ``DEFAULT_THROTTLE_RATES['partner']``), per web user and per
anonymous IP, counted in the cache (Redis in production, so all workers share the counts)."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from registry.api_models import PartnerApiKey

DEFAULT_RATES = {"partner": "1200/min", "user": "600/min", "anon": "60/min"}


def _rate(scope: str) -> str:
    from rest_framework.settings import api_settings

    return (api_settings.DEFAULT_THROTTLE_RATES or {}).get(scope) or DEFAULT_RATES[scope]


class PartnerKeyThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_rate(self):
        return _rate(self.scope)

    def allow_request(self, request, view):
        key = request.auth if isinstance(request.auth, PartnerApiKey) else None
        if key is None:
            return True
        if key.throttle_rate:
            self.rate = key.throttle_rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


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
