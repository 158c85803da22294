"""The experts' list documents (registry.documents): kept by PostgreSQL triggers in step with every way an expert,
its person or its code lists change, and equal to the JSON the list would build."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from registry import documents, selectors
from registry.models import Division, Expert, ExpertListDocument, Industry, Person
from tests.support.servers import postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    postgres()


def built(expert_id: int) -> dict:
    """The JSON the list builds for the expert now (what the document must hold)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selectors.expert_json_sql()}::text FROM registry_expert e JOIN registry_person p ON p.id = e.person_id WHERE e.id = %s", [expert_id])
        return json.loads(cursor.fetchone()[0])


def stored(expert_id: int) -> dict | None:
    body = ExpertListDocument.objects.filter(expert_id=expert_id).values_list("body", flat=True).first()
    return json.loads(body) if body is not None else None


def test_registration_writes_the_document(factory):
    expert = factory.expert(industries=["3912", "6511"], disciplines=["F02"], sharing_modes=["remote", "consulting"])
    doc = stored(expert.pk)
    assert doc == built(expert.pk)
    assert doc["industries"] == ["3912", "6511"] and doc["sharing_modes"] == ["consulting", "remote"] and doc["name"] == expert.person.name


def test_every_kind_of_change_refreshes_it(factory):
    expert = factory.expert()
    expert.title_level = "associate_senior"
    expert.save()  # a model save
    assert stored(expert.pk)["title_level"] == "associate_senior"

    Expert.objects.filter(pk=expert.pk).update(rating_avg=4.5, rating_count=2)  # a queryset update (no signals)
    assert stored(expert.pk)["rating_avg"] == 4.5

    expert.industries.add(Industry.objects.get(code="6511"))  # the code lists: add, remove, clear
    assert "6511" in stored(expert.pk)["industries"]
    expert.industries.remove(Industry.objects.get(code="3912"))
    assert stored(expert.pk)["industries"] == ["6511"]
    expert.served_cities.set([Division.objects.get(code="130600")])
    assert stored(expert.pk)["served_cities"] == ["130600"]
    expert.disciplines.clear()
    assert stored(expert.pk)["disciplines"] == []

    Person.objects.filter(pk=expert.person_id).update(name="改名专家")  # the person
    assert stored(expert.pk)["name"] == "改名专家"
    assert stored(expert.pk) == built(expert.pk)


def test_bulk_create_and_delete(factory):
    first = factory.expert()
    clone = Expert.objects.get(pk=first.pk)
    person = Person.objects.create(name="批量专家", gender="F")
    clone.pk = clone.id = None
    clone.person, clone.external_id, clone.source_partner = person, "BULK-1", "bulk-test"
    (made,) = Expert.objects.bulk_create([clone])
    assert stored(made.pk) == built(made.pk) and stored(made.pk)["name"] == "批量专家"

    Expert.objects.filter(pk=made.pk).delete()
    assert stored(made.pk) is None
    assert stored(first.pk) is not None


def test_install_rebuilds_only_when_the_expression_changes(factory):
    expert = factory.expert()
    assert documents.install() is False  # installed by migrate, unchanged
    ExpertListDocument.objects.filter(expert_id=expert.pk).update(body='{"stale": true}')
    assert documents.install(force=True) is True  # replaced and rebuilt
    assert stored(expert.pk) == built(expert.pk)
