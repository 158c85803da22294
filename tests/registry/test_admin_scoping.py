"""Staff read everything and change only their own region's records — enforced by the server."""

import pytest
from django.urls import reverse

from registry.choices import Status


@pytest.fixture
def staff_client(client, django_user_model):
    def login(user):
        from django.contrib.auth.models import Permission

        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="registry"))
        client.force_login(user)
        return client

    return login


def test_staff_reads_other_regions_but_cannot_change(factory, staff_bj, staff_client):
    demand = factory.demand(status=Status.SUBMITTED)  # a Hebei demand
    client = staff_client(staff_bj)
    url = reverse("admin:registry_demand_change", args=[demand.pk])
    assert client.get(reverse("admin:registry_demand_changelist")).status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content  # read-only view
    response = client.post(url, {"title": "篡改"})
    assert response.status_code == 403
    demand.refresh_from_db()
    assert demand.title != "篡改"


def test_bulk_publish_only_touches_own_region(factory, staff_he, staff_client):
    hebei = factory.demand(status=Status.SUBMITTED)
    client = staff_client(staff_he)
    response = client.post(
        reverse("admin:registry_demand_changelist"), {"action": "publish", "_selected_action": [hebei.pk]}, follow=True
    )
    assert response.status_code == 200
    hebei.refresh_from_db()
    assert hebei.status == Status.PUBLISHED


def test_bulk_verify_refuses_other_regions(factory, staff_he, staff_client):
    expert = factory.expert(status=Status.SUBMITTED)  # Beijing expert
    client = staff_client(staff_he)
    response = client.post(
        reverse("admin:registry_expert_changelist"), {"action": "verify", "_selected_action": [expert.pk]}, follow=True
    )
    assert "无权" in response.content.decode()
    expert.refresh_from_db()
    assert expert.status == Status.SUBMITTED


def test_person_admin_shows_masked_values_only(factory, admin_client):
    expert = factory.expert()
    page = admin_client.get(reverse("admin:registry_person_change", args=[expert.person.pk])).content.decode()
    assert expert.person.id_number not in page and expert.person.masked_id_number in page
    assert expert.person.mobile not in page
