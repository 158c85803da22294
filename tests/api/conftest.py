from __future__ import annotations

import pytest
from rest_framework.test import APIClient

@pytest.fixture(autouse=True)
def _reference_loaded(reference):
    """Reference codes present even after a live-server (transactional) test flushed the database."""


@pytest.fixture(autouse=True)
def _no_throttle_leak(settings):
    """Each test starts with empty throttle counters."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_key(db):
    from registry import services
    from registry.api_models import SCOPES

    counter = {"n": 0}

    def make(*, scopes=None, region: str = "13", partner: str | None = None, **kw):
        counter["n"] += 1
        key, clear = services.api_key_create(partner=partner or f"partner-{region}-{counter['n']}", name="测试密钥", scopes=list(SCOPES) if scopes is None else scopes, region=region, **kw)
        key.clear = clear
        return key

    return make


@pytest.fixture
def partner_client():
    def make(key, *, lang: str | None = None, header: str = "x-api-key"):
        client = APIClient()
        if header == "authorization":
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.clear}")
        else:
            client.credentials(HTTP_X_API_KEY=key.clear)
        if lang:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
        return client

    return make


@pytest.fixture
def he_client(make_key, partner_client):
    """A Hebei partner with every scope."""
    return partner_client(make_key(region="13", partner="hebei-rsj"))


@pytest.fixture
def bj_client(make_key, partner_client):
    """A Beijing partner with every scope."""
    return partner_client(make_key(region="11", partner="bj-talent"))
