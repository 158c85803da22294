"""Clients for API tests."""

from __future__ import annotations

from rest_framework.test import APIClient


def session(user, lang: str | None = None) -> APIClient:
    """An API client signed in as ``user`` (a web session), optionally asking for another language."""
    client = APIClient()
    client.force_authenticate(user)
    if lang:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client
