from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


STANDARD = dict(
    name="职称资格互认",
    conditions=["在京津冀任一地取得的职称资格"],
    materials=[
        {"key": "id_card", "name": "居民身份证", "mandatory": True, "formats": ["pdf", "jpg", "png"], "example": "正反面", "notes": ""},
        {"key": "form", "name": "申请表", "mandatory": True, "formats": ["pdf"], "example": "", "notes": "签字"},
        {"key": "certificate", "name": "职称证书", "mandatory": True, "formats": ["pdf", "jpg"], "example": "", "notes": ""},
        {"key": "employment", "name": "在职证明", "mandatory": False, "formats": ["pdf"], "example": "", "notes": ""},
    ],
    steps=[{"name": "受理", "description": ""}, {"name": "审查", "description": ""}, {"name": "决定", "description": ""}],
    acceptance_criteria="材料齐全、符合法定形式的予以受理",
    time_limit_days=10,
    legal_basis="《京津冀专业技术人员职称资格互认协议》",
    fee="不收费",
    channels=["online", "window", "mail"],
)


@pytest.fixture
def item(db):
    from services import services

    version = services.item_create(actor=None, code="T-ZC-001", category="title", batch=1, **STANDARD)
    services.standard_publish(actor=None, version=version, published_on=dt.date(2026, 1, 5))
    return version.item


@pytest.fixture
def applicant(make_user):
    return make_user(username="applicant")


@pytest.fixture
def full_files():
    def make():
        return {"id_card": pdf("身份证.pdf"), "form": pdf("申请表.pdf"), "certificate": pdf("证书.pdf")}

    return make


@pytest.fixture
def submit(item, applicant, full_files):
    """An application filed in Hebei (受理地 13) for an item decided in Beijing (办理地 11)."""
    from services import services

    def make(*, accept_region="13", handle_region="11", actor=None, **kw):
        return services.application_submit(actor=actor or applicant, item=item, accept_region=accept_region, handle_region=handle_region,
                                           files=kw.pop("files", None) or full_files(), **kw)

    return make


@pytest.fixture
def talent(factory, staff_bj):
    """A verified high-level talent of Beijing."""
    from registry import services as registry_services
    from tests.support.factory import id_number, mobile

    t = registry_services.talent_register(actor=staff_bj, name="李院士", id_number=id_number(901), mobile=mobile(901), tier="A",
                                          programme="两院院士", recognised_on=dt.date(2020, 5, 1), home_division="110108", status="verified")
    return t


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed_services", verbosity=0)
