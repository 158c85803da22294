"""Schemathesis against the live schema, in-process (WSGI): generated requests to every operation, as a
partner with every scope, must never meet a server error and every response must conform to the schema
(status code, content type, headers, body)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


@pytest.fixture
def _keep_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections would close the
    test's transaction-bound connection on PostgreSQL; Django's own test client disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner_key(_keep_test_connection, make_key, factory, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": "100000/min", "user": "100000/min", "anon": "100000/min"}}
    factory.expert()
    factory.demand()
    factory.graduate()
    return make_key(region="13").clear


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=int(os.environ.get("JJJ_SCHEMATHESIS_EXAMPLES", "6")), deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, partner_key):
    case.call_and_validate(headers={"X-Api-Key": partner_key}, checks=CHECKS)
