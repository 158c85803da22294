"""The matching admin pages render and stay read-only."""
import pytest
from django.urls import reverse

from matching import services

PAGES = ["recommendation", "assignmentrun", "invitation", "application", "engagement", "rating", "lifecycleevent",
         "reviewpanel"]


@pytest.fixture
def admin_client_with_data(client, world, make_user):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    services.invitation_answer(actor=expert.user, invitation=inv, accept=True, coi_declaration="无",
                               confidentiality_undertaking=True)
    services.recommend_experts_for_demand(demand=world.demand, k=3)
    root = make_user(superuser=True)
    client.force_login(root)
    return client, inv


@pytest.mark.parametrize("model", PAGES)
def test_changelist_renders(admin_client_with_data, model):
    client, _ = admin_client_with_data
    assert client.get(reverse(f"admin:matching_{model}_changelist")).status_code == 200


def test_invitation_page_read_only_with_history(admin_client_with_data):
    client, inv = admin_client_with_data
    page = client.get(reverse("admin:matching_invitation_change", args=[inv.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert "accept".encode() in page.content
    assert client.get(reverse("admin:matching_invitation_add")).status_code == 403
