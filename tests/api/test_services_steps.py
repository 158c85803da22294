"""区域通办 over the API: filing with uploads (the portal's file checks), every staff step by the right region's
staff or partner, the applicant's supplement and rating — and talent cards issued, suspended, revoked by the
card's region. Each through services.services, with ETags, idempotency and problem details."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.models import Application, ApplicationEvent, ApplicationMaterial, ServiceRating, TalentCard
from tests.services.conftest import PDF, applicant, item, pdf, submit, talent, full_files  # noqa: F401 (fixtures)

from tests.support.api import session

pytestmark = pytest.mark.django_db

BASE = "/api/v1/service-applications/"



def form(**overrides) -> dict:
    data = {"item": "T-ZC-001", "accept_region": "13", "handle_region": "11", "materials.id_card": pdf("身份证.pdf"), "materials.form": pdf("申请表.pdf"),
            "materials.certificate": pdf("证书.pdf")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def he(make_key, partner_client):
    return partner_client(make_key(scopes=["services:read", "services:write"], region="13"))


@pytest.fixture
def bj(make_key, partner_client):
    return partner_client(make_key(scopes=["services:read", "services:write"], region="11"))


@pytest.fixture
def tj(make_key, partner_client):
    return partner_client(make_key(scopes=["services:read", "services:write"], region="12"))


def test_applicant_files_with_uploads_and_an_idempotent_replay(item, applicant):
    me = session(applicant)
    r = me.post(BASE, form(note="异地申请"), format="multipart", HTTP_IDEMPOTENCY_KEY="file-1")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "submitted" and body["accept_region"] == "13" and body["handle_region"] == "11" and body["correction"] is None
    assert r["Location"].endswith(f"/{body['number']}/") and r["ETag"]
    application = Application.objects.get(number=body["number"])
    assert application.applicant == applicant and application.form_data == {"note": "异地申请"}
    assert sorted(ApplicationMaterial.objects.filter(application=application).values_list("key", flat=True)) == ["certificate", "form", "id_card"]
    assert ApplicationEvent.objects.filter(application=application, action="submit").exists()
    replay = me.post(BASE, form(note="异地申请"), format="multipart", HTTP_IDEMPOTENCY_KEY="file-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true" and replay.json()["number"] == body["number"]
    other = me.post(BASE, form(note="异地申请", **{"materials.form": pdf("申请表.pdf", PDF + b"% changed\n")}), format="multipart", HTTP_IDEMPOTENCY_KEY="file-1")
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency_mismatch")
    assert Application.objects.count() == 1
    assert me.get(f"{BASE}{body['number']}/").json()["number"] == body["number"]


@pytest.mark.parametrize(("name", "content", "code"), [
    ("证书.exe", PDF, "file_type"),
    ("证书.pdf", b"MZ\x90\x00 not a pdf at all", "file_content"),
    ("证书.pdf", b"", "empty_file"),
])
def test_bad_files_are_400_naming_the_part(item, applicant, name, content, code):
    r = session(applicant).post(BASE, form(**{"materials.certificate": SimpleUploadedFile(name, content)}), format="multipart")
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("materials.certificate", code)]
    assert "职称证书" in r.json()["errors"][0]["message"]
    assert not Application.objects.exists()


def test_too_large_files_unknown_parts_missing_materials_and_wrong_bodies(item, applicant, settings):
    me = session(applicant, lang="en")
    settings.SERVICES_MATERIAL_MAX_BYTES = 40
    r = me.post(BASE, form(), format="multipart")
    assert r.status_code == 400 and {e["code"] for e in r.json()["errors"]} == {"file_too_large"}
    settings.SERVICES_MATERIAL_MAX_BYTES = 10 * 1024 * 1024
    r = me.post(BASE, form(**{"materials.nope": pdf()}), format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "materials.nope" and r.json()["errors"][0]["code"] == "unknown_material"
    r = me.post(BASE, form(photo=pdf()), format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "photo"
    r = me.post(BASE, form(**{"materials.certificate": None}), format="multipart")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "missing_materials" and r.json()["detail"] == "Mandatory materials are missing"
    r = me.post(BASE, form(item="NOPE"), format="multipart")
    assert r.status_code == 422 and r.json()["errors"][0] == {"field": "item", "code": "unknown_record", "message": "No record with this id"}
    r = me.post(BASE, form(accept_region="99"), format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "accept_region"
    r = me.post(BASE, {"item": "T-ZC-001", "accept_region": "13", "handle_region": "11"}, format="json")
    assert r.status_code == 415
    assert not Application.objects.exists()


def test_partners_file_at_their_own_regions_window(item, he, bj, make_key, partner_client):
    r = bj.post(BASE, form(accept_region="13"), format="multipart")
    assert r.status_code == 403 and r.json()["type"].endswith("wrong_region")
    assert he.post(BASE, form(), format="multipart").status_code == 201
    reader = partner_client(make_key(scopes=["services:read"], region="13"))
    assert reader.post(BASE, form(), format="multipart").status_code == 403


def test_the_whole_workflow_by_the_right_regions(submit, applicant, he, bj, tj):
    number = submit(accept_region="13", handle_region="11").number
    url = f"{BASE}{number}/"
    me = session(applicant)
    # a third region neither sees nor acts on it
    assert tj.get(url).status_code == 404 and tj.post(f"{url}accept/", {}, format="json").status_code == 404
    # the handling region cannot accept (the accepting region's step)
    r = bj.post(f"{url}accept/", {}, format="json")
    assert r.status_code == 403 and "受理地" in r.json()["detail"]
    # 补正 before acceptance by the accepting region, one-time
    tag = he.get(url)["ETag"]
    r = he.post(f"{url}correction/", {"items": [{"key": "id_card", "reason": "照片不清晰"}]}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200 and r.json()["status"] == "correction"
    assert r.json()["correction"]["items"] == [{"key": "id_card", "name": "居民身份证", "reason": "照片不清晰"}]
    assert he.post(f"{url}accept/", {}, format="json", HTTP_IF_MATCH=tag).status_code == 412
    r = me.post(f"{url}supplement/", {"materials.form": pdf()}, format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not_requested"
    assert he.post(f"{url}supplement/", {"materials.id_card": pdf()}, format="multipart").status_code == 403
    r = me.post(f"{url}supplement/", {"materials.id_card": pdf("身份证新.pdf")}, format="multipart")
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["correction"]["supplemented_at"]
    r = he.post(f"{url}correction/", {"items": [{"key": "form"}]}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "correction_once"
    r = he.post(f"{url}accept/", {"note": "材料齐全"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["due_on"]
    assert he.post(f"{url}start-processing/", {}, format="json").status_code == 403
    assert bj.post(f"{url}start-processing/", {}, format="json").json()["status"] == "processing"
    assert bj.post(f"{url}refuse/", {"reason": ""}, format="json").json()["errors"][0]["code"] == "required"
    r = bj.post(f"{url}complete/", {"note": "准予"}, format="multipart")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "result_file"
    r = bj.post(f"{url}complete/", {"result_file": SimpleUploadedFile("结果.docx", b"PK\x03\x04xx")}, format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "result_file"
    r = bj.post(f"{url}complete/", {"note": "准予互认", "result_file": pdf("结果.pdf")}, format="multipart", HTTP_IDEMPOTENCY_KEY="done-1")
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["completed_on"]
    # a step the final state does not allow: 409 in Chinese naming the state
    r = he.post(f"{url}not-accept/", {"reason": "晚了"}, format="json")
    assert r.status_code == 409 and "已办结" in r.json()["detail"]
    # rating: the applicant only, once
    assert he.post(f"{url}rating/", {"score": 5}, format="json").status_code == 403
    assert me.post(f"{url}rating/", {"score": 6}, format="json").status_code == 400
    r = me.post(f"{url}rating/", {"score": 5, "comment": "方便"}, format="json")
    assert r.status_code == 201 and r.json()["score"] == 5
    assert me.post(f"{url}rating/", {"score": 4}, format="json").status_code == 409
    assert ServiceRating.objects.get().score == 5
    assert me.get(url).json()["rating"]["score"] == 5
    assert [e.action for e in ApplicationEvent.objects.filter(application__number=number).order_by("at", "id")] == [
        "submit", "request_correction", "supplement", "accept", "start_processing", "complete"]


def test_not_accept_refuse_and_withdraw(submit, applicant, he, bj):
    first, second = submit(), submit()
    r = he.post(f"{BASE}{first.number}/not-accept/", {}, format="json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert he.post(f"{BASE}{first.number}/not-accept/", {"reason": "不属于受理范围"}, format="json").json()["status"] == "not_accepted"
    assert he.post(f"{BASE}{first.number}/withdraw/", {}, format="json").status_code == 409  # the state first: it is final
    for lang, message in (("zh-hans", "只有申请人本人可以执行此操作"), ("en", "Only the applicant may do this")):  # the applicant's step
        r = he.post(f"{BASE}{second.number}/withdraw/", {}, format="json", HTTP_ACCEPT_LANGUAGE=lang)
        assert r.status_code == 403 and r.json()["detail"] == message
    r = session(applicant).post(f"{BASE}{second.number}/withdraw/", {"note": "重新申请"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert session(applicant).post(f"{BASE}{first.number}/rating/", {"score": 3}, format="json").json()["errors"][0]["code"] == "not_completed"
    assert session(applicant).post(f"{BASE}NOPE/accept/", {}, format="json").status_code == 404


# --- talent cards ------------------------------------------------------------------------------------------


def test_cards_are_issued_and_changed_by_the_cards_region(talent, bj, he, make_key, partner_client, make_user):
    r = he.post("/api/v1/talent-cards/", {"talent": talent.pk}, format="json")
    assert r.status_code == 403 and "北京" in r.json()["detail"]
    assert bj.post("/api/v1/talent-cards/", {"talent": 99999999}, format="json").json()["errors"][0]["code"] == "unknown_record"
    assert bj.post("/api/v1/talent-cards/", {"talent": talent.pk, "years": 9}, format="json").status_code == 400
    r = bj.post("/api/v1/talent-cards/", {"talent": talent.pk, "years": 2}, format="json", HTTP_IDEMPOTENCY_KEY="card-1")
    assert r.status_code == 201, r.content
    card = r.json()
    assert card["status"] == "active" and card["region"] == "11" and card["talent"] == talent.pk and "李院士" not in r.content.decode()
    assert bj.post("/api/v1/talent-cards/", {"talent": talent.pk, "years": 2}, format="json", HTTP_IDEMPOTENCY_KEY="card-1").json() == card
    r = bj.post("/api/v1/talent-cards/", {"talent": talent.pk}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "card_exists"
    url = f"/api/v1/talent-cards/{card['number']}/"
    tag = he.get(url)["ETag"]  # any region reads it (no personal data)
    assert he.post(f"{url}suspend/", {"reason": "核查"}, format="json").status_code == 403
    assert bj.post(f"{url}suspend/", {}, format="json").status_code == 422
    r = bj.post(f"{url}suspend/", {"reason": "核查中"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200 and r.json()["status"] == "suspended" and r.json()["status_reason"] == "核查中"
    assert bj.post(f"{url}revoke/", {"reason": "撤销"}, format="json", HTTP_IF_MATCH=tag).status_code == 412
    assert bj.post(f"{url}revoke/", {"reason": "认定已撤销"}, format="json").json()["status"] == "revoked"
    r = bj.post(f"{url}reinstate/", {}, format="json")
    assert r.status_code == 409 and "已注销" in r.json()["detail"]
    assert bj.post(f"{url}renew/", {"years": 1}, format="json").status_code == 409
    assert TalentCard.objects.get().status == "revoked"
    assert bj.get("/api/v1/talent-cards/JJJ0000000000/").status_code == 404
    stranger = session(make_user())
    assert stranger.get(url).status_code == 404 and stranger.post(f"{url}renew/", {}, format="json").status_code == 404
    reader = partner_client(make_key(scopes=["services:read"], region="11"))
    assert reader.post(f"{url}renew/", {}, format="json").status_code == 403
