import pytest

pytestmark = pytest.mark.django_db


def test_expert_list_and_detail(factory, bj_client):
    e = factory.expert()
    r = bj_client.get("/api/v1/experts/")
    assert r.status_code == 200, r.content
    assert r.json()["results"][0]["id"] == e.pk
    r = bj_client.get(f"/api/v1/experts/{e.pk}/")
    assert r.status_code == 200, r.content
    print(r.json())
