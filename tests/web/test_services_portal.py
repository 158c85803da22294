"""The talent-and-services pages over the services app: catalogue with the single standard, application with
uploads, status and due date, 补正 answered, completion and rating; the talent card with its QR; staff sides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.web import tokens

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _setup(db, settings, tmp_path):
    from django.core.cache import cache
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    call_command("seed_services", verbosity=0)


ITEM = "JJJ-ZC-001"  # 职称资格互认: id_card, form, title_certificate mandatory; employment_proof optional


def _apply(client, **over):
    data = {"form_token": tokens.issue(), "accept_region": "12", "handle_region": "11", "delivery": "download",
            "m_id_card": pdf("身份证.pdf"), "m_form": pdf("申请表.pdf"), "m_title_certificate": pdf("职称证书.pdf")}
    data.update(over)
    return client.post(reverse("portal:service_apply", args=[ITEM]), data)


def test_catalogue_shows_one_standard_with_materials_steps_and_time_limit(client):
    page = client.get(reverse("portal:services_catalogue")).content.decode()
    assert "职称资格互认" in page and "京津冀人才卡申领" in page
    detail = client.get(reverse("portal:service_item", args=[ITEM])).content.decode()
    for text in ("职称证书或职称评审结果文件", "15 个工作日", "受理标准", "办事流程", "北京市人力资源和社会保障局", "河北省人力资源和社会保障厅"):
        assert text in detail, text
    assert client.get(reverse("portal:service_item", args=["NOPE"])).status_code == 404


def test_apply_with_missing_and_wrong_files_says_which_and_keeps_the_rest(client, make_user):
    from services.models import Application

    client.force_login(make_user())
    renamed_exe = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    r = _apply(client, m_form="", m_title_certificate=renamed_exe, mail_recipient="张三", note="用于天津聘任")
    html = r.content.decode()
    assert r.status_code == 200 and Application.objects.count() == 0
    assert "请上传“职称资格互认申请表”" in html
    assert "内容与扩展名不符" in html
    assert "用于天津聘任" in html and 'value="张三"' in html
    # mail delivery needs the address and a valid phone
    r = _apply(client, delivery="mail", mail_recipient="张三", mail_phone="123", mail_address="")
    html = r.content.decode()
    assert "邮寄送达须填写邮寄地址" in html and "手机号应为以1开头的11位数字" in html


def test_full_cross_region_flow_with_correction_completion_and_rating(client, make_user, staff_bj, staff_tj):
    from services.models import Application

    applicant = make_user(username="talent1")
    client.force_login(applicant)
    r = _apply(client)
    assert r.status_code == 302
    app = Application.objects.get()
    assert (app.accept_region, app.handle_region, app.status) == ("12", "11", "submitted")
    page = client.get(r.url).content.decode()
    assert "未受理，尚未计时" in page and app.number in page

    # Beijing (办理地) cannot accept: that is Tianjin's (受理地) step
    client.force_login(staff_bj)
    page = client.get(reverse("portal:staff_application", args=[app.pk])).content.decode()
    assert 'value="accept"' not in page
    r = client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "accept"})
    app.refresh_from_db()
    assert app.status == "submitted"

    client.force_login(staff_tj)
    assert app.number in client.get(reverse("portal:staff_applications")).content.decode()
    client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "accept"})
    app.refresh_from_db()
    assert app.status == "accepted" and app.due_on is not None

    client.force_login(staff_bj)
    # a 补正 notice must list something
    r = client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "request_correction"})
    assert "请列出需要补正的全部材料" in r.content.decode()
    client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "request_correction", "items": ["title_certificate"],
                                                                     "reason_title_certificate": "扫描件不清晰"})
    app.refresh_from_db()
    assert app.status == "correction"

    client.force_login(applicant)
    page = client.get(reverse("portal:application_detail", args=[app.pk])).content.decode()
    assert "扫描件不清晰" in page and "补正中，计时暂停" in page
    r = client.post(reverse("portal:application_detail", args=[app.pk]), {"action": "supplement", "form_token": tokens.issue()})
    assert "请上传“职称证书或职称评审结果文件”" in r.content.decode()
    r = client.post(reverse("portal:application_detail", args=[app.pk]), {"action": "supplement", "form_token": tokens.issue(),
                                                                         "m_title_certificate": pdf("清晰证书.pdf")})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "accepted"

    client.force_login(staff_bj)
    client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "start_processing"})
    r = client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "complete"})
    assert "网上下载送达须上传办理结果文件" in r.content.decode()
    client.post(reverse("portal:staff_application", args=[app.pk]), {"action": "complete", "result_file": pdf("结果.pdf")})
    app.refresh_from_db()
    assert app.status == "completed"

    client.force_login(applicant)
    assert client.get(reverse("portal:application_result", args=[app.pk])).status_code == 200
    token = tokens.issue()
    r1 = client.post(reverse("portal:application_detail", args=[app.pk]), {"action": "rate", "form_token": token, "score": "5", "comment": "很快"})
    r2 = client.post(reverse("portal:application_detail", args=[app.pk]), {"action": "rate", "form_token": token, "score": "5", "comment": "很快"})
    assert r1.status_code == r2.status_code == 302
    assert app.rating.score == 5
    assert "您的评价：5 分" in client.get(reverse("portal:application_detail", args=[app.pk])).content.decode()


def test_another_persons_application_and_files_are_not_found(client, make_user):
    owner, other = make_user(), make_user()
    client.force_login(owner)
    _apply(client)
    from services.models import Application

    app = Application.objects.get()
    material = app.materials.first()
    client.force_login(other)
    assert client.get(reverse("portal:application_detail", args=[app.pk])).status_code == 404
    assert client.get(reverse("portal:application_material", args=[app.pk, material.pk])).status_code == 404


def test_talent_card_page_shows_the_qr(client, make_user, staff_bj):
    from registry import services as registry_services
    from services import services as service_services
    from tests.support.factory import id_number, mobile

    user = make_user(username="academician")
    talent = registry_services.talent_register(actor=staff_bj, name="李院士", id_number=id_number(902), mobile=mobile(902), tier="A",
                                               programme="两院院士", recognised_on=dt.date(2020, 5, 1), home_division="110108", status="verified")
    talent.person.user = user
    talent.person.save()
    card = service_services.talent_card_issue(actor=staff_bj, talent=talent)
    client.force_login(user)
    page = client.get(reverse("portal:talent_card")).content.decode()
    assert card.number in page and "<svg" in page and "人才卡" in client.get(reverse("home")).content.decode()
    assert talent.person.id_number not in page


def _pending_files(root):
    folder = root / "pending-uploads"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_files_that_passed_are_kept_after_a_form_error_and_used_on_the_next_submit(client, make_user, settings):
    from services.models import Application

    client.force_login(make_user())
    token = tokens.issue()
    renamed_exe = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    r = _apply(client, form_token=token, m_form="", m_title_certificate=renamed_exe, note="用于天津聘任")
    html = r.content.decode()
    assert r.status_code == 200 and "内容与扩展名不符" in html
    # the good file is kept and shown with a remove option; the refused one is not kept
    assert "已上传：<strong>身份证.pdf</strong>" in html and 'name="drop_upload" value="m_id_card"' in html
    assert "证书.pdf</strong>" not in html and len(_pending_files(settings.MEDIA_ROOT)) == 1
    # the next submit of the same form sends only the files that were missing
    r = client.post(reverse("portal:service_apply", args=[ITEM]), {
        "form_token": token, "accept_region": "12", "handle_region": "11", "delivery": "download",
        "m_form": pdf("申请表.pdf"), "m_title_certificate": pdf("职称证书.pdf")})
    assert r.status_code == 302
    app = Application.objects.get()
    assert sorted(m.original_name for m in app.materials.all()) == ["申请表.pdf", "职称证书.pdf", "身份证.pdf"]
    assert app.materials.get(key="id_card").file.read().startswith(b"%PDF")
    assert _pending_files(settings.MEDIA_ROOT) == []  # the kept copy went with the success
    assert "pending_uploads" not in client.session or token not in client.session["pending_uploads"]


def test_a_kept_file_can_be_removed_or_replaced(client, make_user, settings):
    from services.models import Application

    client.force_login(make_user())
    token = tokens.issue()
    _apply(client, form_token=token, m_form="")
    assert len(_pending_files(settings.MEDIA_ROOT)) == 2  # id card and certificate kept
    # removed: the mandatory material is asked for again, its copy is deleted
    r = _apply(client, form_token=token, m_id_card="", m_title_certificate="", m_form="", drop_upload=["m_id_card"])
    html = r.content.decode()
    assert 'id="id_m_id_card_error"' in html
    assert "已上传：<strong>身份证.pdf</strong>" not in html and "已上传：<strong>职称证书.pdf</strong>" in html
    # replaced: a new file for the input wins over the kept one
    r = _apply(client, form_token=token, m_id_card=pdf("新身份证.pdf"), m_title_certificate="", m_form=pdf("申请表.pdf"))
    assert r.status_code == 302
    names = sorted(m.original_name for m in Application.objects.get().materials.all())
    assert names == ["新身份证.pdf", "申请表.pdf", "职称证书.pdf"] and _pending_files(settings.MEDIA_ROOT) == []


def test_kept_files_belong_to_the_session_that_uploaded_them(client, make_user, settings):
    from django.test import Client

    from services.models import Application

    client.force_login(make_user())
    token = tokens.issue()
    _apply(client, form_token=token, m_form="")
    other = Client()
    other.force_login(make_user())
    r = _apply(other, form_token=token, m_id_card="", m_title_certificate="")
    html = r.content.decode()
    assert r.status_code == 200 and Application.objects.count() == 0
    assert "身份证.pdf" not in html and "职称证书.pdf" not in html and "m_id_card_error" in html


def test_copies_of_abandoned_forms_are_purged(client, make_user, settings):
    import os
    import time

    from registry.web import pending_uploads

    client.force_login(make_user())
    _apply(client, m_form="")
    assert len(_pending_files(settings.MEDIA_ROOT)) == 2
    assert pending_uploads.purge_stale() == 0  # fresh: kept
    old = time.time() - tokens.TTL - 60
    for p in (settings.MEDIA_ROOT / "pending-uploads").rglob("*"):
        if p.is_file():
            os.utime(p, (old, old))
    assert pending_uploads.purge_stale() == 2 and _pending_files(settings.MEDIA_ROOT) == []


def test_supplement_keeps_a_checked_file_across_an_error(client, make_user, staff_bj, staff_tj, settings):
    from services import services as service_services
    from services.models import Application

    applicant = make_user()
    client.force_login(applicant)
    _apply(client)
    app = Application.objects.get()
    service_services.application_accept(actor=staff_tj, application=app)
    service_services.application_request_correction(actor=staff_bj, application=app, items=[
        {"key": "title_certificate", "reason": "扫描件不清晰"}, {"key": "id_card", "reason": "已过期"}])
    url = reverse("portal:application_detail", args=[app.pk])
    token = tokens.issue()
    r = client.post(url, {"action": "supplement", "form_token": token, "m_title_certificate": pdf("清晰证书.pdf")})
    assert r.status_code == 200 and "已上传：<strong>清晰证书.pdf</strong>" in r.content.decode()
    r = client.post(url, {"action": "supplement", "form_token": token, "m_id_card": pdf("新身份证.pdf")})
    assert r.status_code == 302
    assert {m.original_name for m in app.materials.filter(supplement=True)} == {"清晰证书.pdf", "新身份证.pdf"}
    assert _pending_files(settings.MEDIA_ROOT) == []
