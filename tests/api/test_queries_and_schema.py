"""No N+1 on list endpoints; the OpenAPI schema validates with no warnings."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "build", "limit"),
    [
        ("/api/v1/experts/?division=110000&industry=39&min_title_level=associate_senior", "expert", 9),
        ("/api/v1/experts/?q=芯片&sharing_modes=remote", "expert", 9),
        ("/api/v1/demands/?division=xiongan", "demand_xiongan", 9),
        ("/api/v1/demands/", "demand", 8),
        ("/api/v1/graduates/", "graduate", 9),
        ("/api/v1/talents/", "talent", 6),
        ("/api/v1/organisations/", "organisation", 6),
        ("/api/v1/divisions/?within=130600", None, 6),
        ("/api/v1/division-groups/", None, 6),
    ],
)
def test_list_query_count_does_not_grow_with_rows(url, build, limit, factory, bj_client, django_assert_max_num_queries):
    import datetime as dt

    from registry import services

    def make(i):
        if build == "expert":
            factory.expert()
        elif build == "demand":
            factory.demand()
        elif build == "demand_xiongan":
            factory.demand(organisation=factory.organisation(division="130638"), city="130638")
        elif build == "graduate":
            factory.graduate()
        elif build == "talent":
            from tests.support import factory as f

            services.talent_register(name=f"人才{i}", id_number=f.id_number(700 + i, prefix="120101"), tier="A", programme="认定", recognised_on=dt.date(2024, 1, 1), home_division="120101")
        elif build == "organisation":
            factory.organisation()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if build:
        for i in range(3):
            make(i)
    bj_client.get(url)  # warm the key's last-used stamp and the code caches
    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as few:
        first = bj_client.get(url)
    if build:
        for i in range(3, 15):
            make(i)
        with CaptureQueriesContext(connection) as many:
            second = bj_client.get(url)
        assert len(second.json()["results"]) > len(first.json()["results"]) >= 3
        assert len(many) == len(few), "the number of queries grows with the number of rows (N+1)"


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/experts/bulk/" in text and "partnerApiKey" in text and "application/problem+json" in text


def test_every_operation_documented_with_description_and_example(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if not op.get("description") or not op.get("summary"):
                missing.append(f"{method} {path}: description")
            has_example = any("examples" in c for r in op["responses"].values() for c in r.get("content", {}).values())
            has_example |= any("examples" in c for c in op.get("requestBody", {}).get("content", {}).values())
            if not has_example:
                missing.append(f"{method} {path}: example")
    assert not missing, missing


@pytest.mark.django_db
def test_options_on_every_path_is_never_a_server_error(he_client):
    """DRF's OPTIONS introspects a view's serializer (and get_object for PUT): every path answers it cleanly."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    failed = []
    for path in schema["paths"]:
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = he_client.options(url)
        if r.status_code >= 500:
            failed.append((url, r.status_code))
    assert not failed, failed
