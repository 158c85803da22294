"""The per-worker copy of API key rows (``registry.apikit.auth.cached_key``): no Redis round trip per request,
changes made in this worker effective at once, changes made elsewhere within ``API_KEY_LOCAL_SECONDS``."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from registry.apikit import auth


def test_a_used_key_is_served_from_the_worker_copy_without_the_shared_cache(make_key, partner_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = make_key(region="11")
    client = partner_client(key)
    assert client.get("/api/v1/divisions/110000/").status_code == 200
    cache.delete(auth.key_cache_name(key.prefix))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/divisions/110000/").status_code == 200
    assert queries.captured_queries and not [q for q in queries.captured_queries if "apikey" in q["sql"].lower()]
    assert cache.get(auth.key_cache_name(key.prefix)) is None


def test_revocation_in_this_worker_is_effective_at_once(make_key, partner_client):
    from registry import services

    key = make_key(region="11")
    client = partner_client(key)
    assert client.get("/api/v1/divisions/").status_code == 200
    services.api_key_revoke(key=key)
    assert client.get("/api/v1/divisions/").status_code == 401


def test_a_change_made_elsewhere_is_seen_after_the_local_ttl(make_key, partner_client, settings):
    key = make_key(region="11")
    client = partner_client(key)
    assert client.get("/api/v1/divisions/").status_code == 200
    # as another worker would: the row and the shared cache change, this worker's signal does not fire
    type(key).objects.filter(pk=key.pk).update(revoked_at=timezone.now() - dt.timedelta(seconds=1))
    cache.delete(auth.key_cache_name(key.prefix))
    assert client.get("/api/v1/divisions/").status_code == 200  # still within the local TTL (the documented trade-off)
    auth._local_keys[key.prefix] = (0.0, auth._local_keys[key.prefix][1])  # the TTL has run out
    assert client.get("/api/v1/divisions/").status_code == 401
    settings.API_KEY_LOCAL_SECONDS = 0
    assert client.get("/api/v1/divisions/").status_code == 401
