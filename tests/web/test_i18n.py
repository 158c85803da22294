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


def test_team_and_recognition_pages_in_english(client, factory, make_user, staff_he):
    import datetime as dt

    from matching import services as matching_services
    from services import services as service_services

    boss = make_user()
    org = factory.organisation(actor=boss, division="131000")
    demand = factory.demand(organisation=org, status=Status.PUBLISHED, city="131003", sharing_modes=["consulting", "remote"])
    lead, member = factory.expert(), factory.expert()
    for e in (lead, member):
        e.person.user = make_user()
        e.person.save()
    app = matching_services.application_submit(actor=lead.person.user, demand=demand, team=[member], coi_declaration="无",
                                               confidentiality_undertaking=True)
    client.force_login(member.person.user)
    assert "Awaiting my confirmation" in _ok(client, "/portal/expert/teams/")
    html = _ok(client, f"/portal/expert/teams/{app.pk}/")
    assert "Confirm joining the team" in html and "Conflict-of-interest" in html
    assert "Title recognition" in _ok(client, "/portal/recognitions/")
    service_services.recognition_apply(actor=member.person.user, kind="title_certificate", origin_region="11", target_region="13",
                                       qualification_name="高级工程师", certificate_number="C-1", issuing_authority="北京市人社局",
                                       obtained_on=dt.date(2019, 12, 1), title_series="engineering", title_level="senior")
    client.force_login(staff_he)
    html = _ok(client, "/staff/recognitions/")
    assert "Recognition decisions" in html and "A refusal needs a reason" in html


def test_admin_strings_in_english(client, make_user):
    """The admin's own strings (models, fields, actions) are translated too."""
    client.force_login(make_user(superuser=True))
    for url, text in (("/admin/services/recognition/", "Recognition of titles and qualifications"),
                      ("/admin/notifications/delivery/", "Notification deliveries (outbox)"),
                      ("/admin/matching/application/", "Application / challenge entry")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert text in r.content.decode(), url
