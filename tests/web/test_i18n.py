"""Every portal page renders in English too (the translations' placeholders match the Chinese msgids)."""

from __future__ import annotations

import pytest
from django.conf import settings

from registry import services
from registry.choices import ConsentScope, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _ok(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    html = r.content.decode()
    assert '<html lang="en">' in html, url
    return html


def test_public_and_account_pages_in_english(client, factory, staff_he):
    demand = factory.demand(status=Status.SUBMITTED)
    services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    expert = factory.expert()
    services.consent_grant(person=expert.person, scope=ConsentScope.PUBLIC_DIRECTORY)
    for url in ("/", "/demands/", f"/demands/{demand.pk}/", "/experts/", f"/experts/{expert.pk}/", "/accounts/login/",
                "/accounts/register/", "/accounts/password_reset/", "/portal/services/"):
        html = _ok(client, url)
        assert "Log in" in html and "Expert directory" in html, url
    assert "Published demand" in _ok(client, "/")
    assert "Why" not in _ok(client, "/demands/")  # no stray matching strings on public pages


def test_member_and_staff_pages_in_english(client, factory, make_user, staff_he):
    user = make_user()
    org = factory.organisation(actor=user, verified=False)
    demand = factory.demand(organisation=org, status=Status.SUBMITTED)
    client.force_login(user)
    for url in ("/portal/", "/portal/org/", "/portal/demands/new/", f"/portal/demands/{demand.pk}/", f"/portal/demands/{demand.pk}/edit/",
                f"/portal/demands/{demand.pk}/experts/", "/portal/engagements/", "/portal/expert/register/", "/portal/graduate/register/",
                "/portal/org/register/", "/portal/applications/", "/portal/card/"):
        _ok(client, url)
    assert "Step 1: Overview" in _ok(client, "/portal/demands/new/")
    client.force_login(staff_he)
    html = _ok(client, "/staff/")
    assert "Review queue" in html and "Approve" in html
    _ok(client, "/staff/applications/")
