"""职称互认 pages: the applicant's form and list, the 认可地 staff's queue and decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from registry.web import tokens
from services import services
from services.models import Recognition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(db):
    from django.core.cache import cache

    cache.clear()


def _data(**kw):
    data = {"form_token": tokens.issue(), "kind": "title_certificate", "origin_region": "11", "target_region": "13",
            "title_series": "engineering", "title_level": "associate_senior", "qualification_name": "高级工程师",
            "certificate_number": "京高评2019-0123", "issuing_authority": "北京市人力资源和社会保障局", "obtained_on": "2019-12-01"}
    data.update(kw)
    return data


def _apply(user, **kw):
    d = _data(**kw)
    d.pop("form_token")
    d["obtained_on"] = dt.date.fromisoformat(d["obtained_on"])
    return services.recognition_apply(actor=user, **d)


def test_applicant_applies_and_sees_the_status(client, make_user):
    user = make_user()
    client.force_login(user)
    url = reverse("portal:recognitions")
    assert "暂无互认申请" in client.get(url).content.decode()
    data = _data()
    r = client.post(url, data)
    assert r.status_code == 302 and r.url == url + "#mine"
    assert client.post(url, data).status_code == 302  # the same form again: one application
    rec = Recognition.objects.get()
    assert (rec.applicant, rec.target_region, rec.title_level, rec.status) == (user, "13", "associate_senior", "submitted")
    page = client.get(url).content.decode()
    assert "高级工程师" in page and "待认定" in page and "北京 → 河北" in page


def test_bad_input_is_shown_next_to_the_fields_all_at_once(client, make_user):
    client.force_login(make_user())
    url = reverse("portal:recognitions")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = client.post(url, _data(target_region="11", title_level="", certificate_number="", obtained_on=tomorrow))
    body = r.content.decode()
    assert r.status_code == 200 and not Recognition.objects.exists()
    assert "请填写“证书编号”" in body  # the form's own error ...
    # ... and the service's, on their fields, in Chinese
    assert "认可地应与取得地不同" in body and "请选择职称级别" in body and "取得日期不能晚于今天" in body
    assert 'id="id_target_region_error"' in body and "北京市人力资源和社会保障局" in body  # typed text kept
    r = client.post(url, _data(obtained_on="2019-13-40"))
    assert r.status_code == 200 and "id_obtained_on_error" in r.content.decode()


def test_duplicate_pending_application_is_refused_on_the_field(client, make_user):
    user = make_user()
    _apply(user)
    client.force_login(user)
    r = client.post(reverse("portal:recognitions"), _data())
    assert r.status_code == 200 and "该证书在认可地已有待认定的申请" in r.content.decode()
    assert Recognition.objects.count() == 1


def test_applicants_see_only_their_own(client, make_user):
    _apply(make_user(), qualification_name="正高级工程师")
    client.force_login(make_user())
    assert "正高级工程师" not in client.get(reverse("portal:recognitions")).content.decode()
    client.logout()
    assert client.get(reverse("portal:recognitions")).status_code == 302


def test_staff_of_the_target_region_decide(client, make_user, staff_he):
    rec = _apply(make_user())
    client.force_login(staff_he)
    url = reverse("portal:staff_recognitions")
    page = client.get(url).content.decode()
    assert "高级工程师" in page and "京高评2019-0123" in page and "待认定 <small>(1)" in page
    p = f"r{rec.pk}"
    # bad input: no decision; a refusal without a reason (the service's rule, next to the note)
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue()})
    assert r.status_code == 200 and "请选择“认定结论”" in r.content.decode()
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue(), f"{p}-decision": "no"})
    assert r.status_code == 200 and "不予认可须说明理由" in r.content.decode() and f'id="id_{p}-note_error"' in r.content.decode()
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue(), f"{p}-decision": "yes", f"{p}-decision_number": "冀人社认〔2026〕1号"})
    assert r.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.decided_by, rec.decision_number) == ("recognised", staff_he, "冀人社认〔2026〕1号")
    page = client.get(url).content.decode()
    assert "没有待认定的申请" in page and "予以认可" in page
    # illegal state: deciding again (a stale tab) → the service's message, nothing changes
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue(), f"{p}-decision": "no", f"{p}-note": "材料不全"}, follow=True)
    assert "该申请已作出认定（予以认可），不能重复认定" in r.content.decode()
    rec.refresh_from_db()
    assert rec.status == "recognised"


def test_other_regions_staff_and_non_staff_cannot_decide(client, make_user, staff_bj):
    applicant = make_user()
    rec = _apply(applicant)
    url = reverse("portal:staff_recognitions")
    client.force_login(staff_bj)  # Beijing is the origin, not the 认可地
    assert "高级工程师" not in client.get(url).content.decode()
    p = f"r{rec.pk}"
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue(), f"{p}-decision": "yes"})
    assert r.status_code == 404
    client.force_login(applicant)
    r = client.post(url, {"recognition": rec.pk, f"{p}-form_token": tokens.issue(), f"{p}-decision": "yes"})
    assert r.status_code == 302 and "/accounts/login/" in r.url
    rec.refresh_from_db()
    assert rec.status == "submitted"
