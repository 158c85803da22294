"""The services admin renders for a superuser and stays region-scoped for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from services import services
from services.models import HolidayOverride

MODELS = ["serviceitem", "servicestandardversion", "regionalcontact", "holidayoverride", "application", "servicerating", "talentcard", "recognition"]


@pytest.fixture
def app_with_card(submit, staff_bj, staff_he, talent, seeded, applicant):
    app = submit()
    services.application_accept(actor=staff_he, application=app)
    card = services.talent_card_issue(actor=staff_bj, talent=talent)
    services.recognition_apply(actor=applicant, kind="title_certificate", origin_region="11", target_region="13", qualification_name="高级工程师",
                               certificate_number="A1", issuing_authority="北京市人社局", obtained_on=__import__("datetime").date(2020, 1, 1),
                               title_series="engineering", title_level="senior")
    return app, card


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_change_pages_render(model, client, make_user, app_with_card):
    client.force_login(make_user(superuser=True))
    assert client.get(reverse(f"admin:services_{model}_changelist")).status_code == 200
    from django.apps import apps

    obj = apps.get_model("services", model).objects.first()
    if obj is not None:
        assert client.get(reverse(f"admin:services_{model}_change", args=[obj.pk])).status_code == 200


def test_staff_of_another_region_cannot_change_a_card(client, make_user, app_with_card):
    _, card = app_with_card
    from django.contrib.auth.models import Permission

    staff = make_user(region="13", staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="services"))
    client.force_login(staff)
    response = client.post(reverse("admin:services_talentcard_change", args=[card.pk]), {"entitled_services": []})
    assert response.status_code == 403


def test_admin_action_goes_through_the_service_and_reports_refusals(client, make_user, app_with_card):
    app, _ = app_with_card
    from django.contrib.auth.models import Permission

    hebei = make_user(region="13", staff=True)
    hebei.user_permissions.add(*Permission.objects.filter(content_type__app_label="services"))
    client.force_login(hebei)
    response = client.post(reverse("admin:services_application_changelist"), {"action": "start_processing", "_selected_action": [app.pk]}, follow=True)
    assert "办理地（北京）" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "accepted"


def test_holiday_override_entered_in_the_admin(client, make_user):
    from django.contrib.auth.models import Permission

    staff = make_user(region="12", staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="services", codename__endswith="holidayoverride"))
    client.force_login(staff)
    response = client.post(reverse("admin:services_holidayoverride_add"), {"date": "2031-01-01", "is_workday": "", "name": "元旦"})
    assert response.status_code == 302
    override = HolidayOverride.objects.get()
    assert (override.is_workday, override.name, override.created_by) == (False, "元旦", staff)
    page = client.get(reverse("admin:services_holidayoverride_changelist")).content.decode()
    from django.utils import timezone

    assert f"{timezone.localdate().year + 2}年节假日安排尚未公布或录入" in page


def test_draft_version_edited_in_the_admin_is_validated(client, make_user, item):
    import json

    from django.contrib.auth.models import Permission

    from services.models import ServiceStandardVersion

    editor = make_user(region="11", staff=True)
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="services"))
    client.force_login(editor)
    client.post(reverse("admin:services_serviceitem_changelist"), {"action": "new_version", "_selected_action": [item.pk]})
    draft = ServiceStandardVersion.objects.get(item=item, status="draft")
    url = reverse("admin:services_servicestandardversion_change", args=[draft.pk])
    form = {
        "item": item.pk, "name": draft.name, "conditions": json.dumps(draft.conditions), "materials": json.dumps(draft.materials),
        "steps": json.dumps(draft.steps), "acceptance_criteria": draft.acceptance_criteria, "time_limit_days": "0",
        "legal_basis": draft.legal_basis, "fee": draft.fee, "channels": json.dumps(draft.channels), "change_note": "压缩时限",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "办理时限" in response.content.decode()
    form["time_limit_days"] = "5"
    assert client.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.time_limit_days == 5 and draft.change_note == "压缩时限"
    # once published the page is read-only and a POST changes nothing
    client.post(reverse("admin:services_servicestandardversion_changelist"), {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    form["time_limit_days"] = "3"
    assert client.post(url, form).status_code == 403
    assert client.get(url).status_code == 200  # still viewable
    draft.refresh_from_db()
    assert draft.time_limit_days == 5


def test_mailing_information_masked_and_revealed_only_to_the_handling_region_with_a_logged_purpose(client, make_user, submit):
    from django.contrib.auth.models import Permission

    from registry.models import PersonalDataAccess

    app = submit(delivery="mail", mail_recipient="王芳", mail_phone="13912345678", mail_address="北京市海淀区中关村大街1号")
    page = reverse("admin:services_application_change", args=[app.pk])
    reveal = reverse("admin:services_application_mailing", args=[app.pk])
    perms = Permission.objects.filter(content_type__app_label="services", codename__startswith="view_")

    handler = make_user(region="11", staff=True)  # 办理地 Beijing
    handler.user_permissions.add(*perms)
    client.force_login(handler)
    text = client.get(page).content.decode()
    assert "139****5678" in text and "13912345678" not in text and "中关村" not in text and reveal in text

    missing = client.post(reveal, {"purpose": "  "})
    assert "13912345678" not in missing.content.decode() and not PersonalDataAccess.objects.exists()
    shown = client.post(reveal, {"purpose": "邮寄办理结果"}).content.decode()
    assert "13912345678" in shown and "中关村大街1号" in shown
    (log,) = PersonalDataAccess.objects.all()
    assert log.user == handler and log.fields == "mail_phone,mail_address" and log.purpose == f"{app.number}：邮寄办理结果"

    receiver = make_user(region="13", staff=True)  # 受理地 Hebei: sees the application, not the address
    receiver.user_permissions.add(*perms)
    client.force_login(receiver)
    refused = client.post(reveal, {"purpose": "邮寄办理结果"})
    assert "中关村" not in refused.content.decode() and "仅办理地工作人员可查看邮寄信息" in refused.content.decode()
    assert PersonalDataAccess.objects.count() == 1
