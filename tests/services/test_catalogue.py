"""The catalogue: one standard for three regions, immutable published versions, history, the seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from services import catalogue_data, selectors, services, standard
from services.models import (
    PublishedStandardImmutable,
    RegionalContact,
    ServiceItem,
    ServiceStandardVersion,
)

from .conftest import STANDARD


def test_regional_contact_has_no_standard_element():
    fields = {f.name for f in RegionalContact._meta.get_fields()}
    assert fields == {"id", "item", "region", "department", "address", "phone", "hours"}
    assert not fields & set(standard.STANDARD_FIELDS)


def test_regional_contact_by_staff_of_that_region_only(item, staff_bj, staff_he):
    contact = services.regional_contact_set(actor=staff_bj, item=item, region="11", department="北京市人社局", address="通州区", phone="12333", hours="工作日")
    assert contact.region == "11"
    with pytest.raises(PermissionDenied):
        services.regional_contact_set(actor=staff_he, item=item, region="11", department="x", address="x", phone="x", hours="x")
    with pytest.raises(ValidationError) as exc:
        services.regional_contact_set(actor=staff_he, item=item, region="13", department="", address="", phone="", hours="")
    assert set(exc.value.error_dict) == {"department", "address", "phone", "hours"}


def test_item_create_refuses_a_regional_variant_field(db):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=None, code="X-1", category="title", batch=1, **STANDARD, time_limit_days_hebei=5)
    assert "unknown_field" in [e.code for e in exc.value.error_dict["__all__"]]


def test_published_version_is_immutable(item):
    version = item.current_version
    version.time_limit_days = 5
    with pytest.raises(PublishedStandardImmutable):
        version.save()
    with pytest.raises(PublishedStandardImmutable):
        version.delete()
    version.refresh_from_db()
    assert version.time_limit_days == 10
    with pytest.raises(ValidationError) as exc:
        services.standard_update_draft(actor=None, version=version, time_limit_days=5)
    assert exc.value.error_dict["status"][0].code == "published_immutable"


def test_changing_the_standard_creates_a_version_and_applications_keep_theirs(item, submit, staff_he):
    old_app = submit()
    draft = services.standard_new_version(actor=None, item=item, change_note="办理时限压缩为5个工作日", time_limit_days=5)
    assert draft.number == 2 and draft.status == "draft" and draft.name == "职称资格互认"
    with pytest.raises(ValidationError) as exc:  # one draft at a time
        services.standard_new_version(actor=None, item=item, change_note="x", fee="10元")
    assert exc.value.error_dict["item"][0].code == "draft_exists"
    # a draft is not yet in force
    assert submit().version.number == 1
    services.standard_publish(actor=None, version=draft, published_on=dt.date(2026, 6, 1))
    item = ServiceItem.objects.get(pk=item.pk)
    assert item.current_version.number == 2
    new_app = submit()
    assert new_app.version.number == 2
    old_app.refresh_from_db()
    assert old_app.version.number == 1
    # the old application's clock runs on its own version's limit
    assert services.application_accept(actor=staff_he, application=old_app, today=dt.date(2026, 6, 1)).due_on == dt.date(2026, 6, 15)
    history = list(selectors.item_history(item))
    assert [v.number for v in history] == [2, 1]
    assert selectors.version_diff(history[1], history[0]) == {"time_limit_days": (10, 5)}


def test_new_version_is_validated(item):
    with pytest.raises(ValidationError) as exc:
        services.standard_new_version(actor=None, item=item, change_note="", time_limit_days=0, materials=[])
    assert {"change_note", "time_limit_days", "materials"} <= set(exc.value.error_dict)
    assert item.versions.count() == 1


def test_catalogue_editing_needs_the_joint_permission(item, staff_bj, make_user):
    with pytest.raises(PermissionDenied):
        services.standard_new_version(actor=staff_bj, item=item, change_note="x", fee="10元")
    editor = make_user(staff=True, region="11", perms=("services.publish_standard",))
    draft = services.standard_new_version(actor=editor, item=item, change_note="收费调整", fee="不收费（邮寄费由申请人承担）")
    published = services.standard_publish(actor=editor, version=draft)
    assert published.published_by == editor
    with pytest.raises(ValidationError):
        services.standard_publish(actor=editor, version=published)


def test_unpublished_or_inactive_item_cannot_be_applied_for(item, submit, db):
    draft_only = services.item_create(actor=None, code="X-2", category="title", batch=1, **STANDARD).item
    from services.models import Application

    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=Application._meta.get_field("applicant").related_model.objects.create(username="u9"),
                                    item=draft_only, accept_region="11", handle_region="12", files={})
    assert exc.value.error_dict["item"][0].code == "item_unavailable"


def test_seed_is_idempotent_and_realistic(db):
    call_command("seed_services", verbosity=0)
    call_command("seed_services", verbosity=0)
    assert ServiceItem.objects.count() == len(catalogue_data.ITEMS) >= 20
    assert ServiceStandardVersion.objects.count() == len(catalogue_data.ITEMS)
    assert RegionalContact.objects.count() == 3 * len(catalogue_data.ITEMS)
    names = set(ServiceStandardVersion.objects.values_list("name", flat=True))
    for expected in ("京津冀人才卡申领", "职称资格互认", "社保关系转移", "异地就医备案", "子女入学服务", "人才住房保障", "落户居留便利", "外籍人才工作许可"):
        assert expected in names
    assert len(selectors.catalogue()) == len(catalogue_data.ITEMS)
    assert [i.code for i in selectors.catalogue(category="medical")] == ["JJJ-YL-001", "JJJ-YL-002", "JJJ-YL-003"]


def test_seed_publishes_a_new_version_when_the_data_changes(db, monkeypatch):
    call_command("seed_services", verbosity=0)
    changed = [dict(e, standard=dict(e["standard"], time_limit_days=e["standard"]["time_limit_days"] + 1)) if e["code"] == "JJJ-SB-001" else e
               for e in catalogue_data.ITEMS]
    monkeypatch.setattr(catalogue_data, "ITEMS", changed)
    call_command("seed_services", verbosity=0)
    item = ServiceItem.objects.get(code="JJJ-SB-001")
    assert [v.number for v in selectors.item_history(item)] == [2, 1]
    assert item.current_version.time_limit_days == 16


def test_seed_demo_on_top_of_the_registry_demo(db, reference):
    """seed_services --demo: applications of the demo expert user in several states, cards, staff permissions; idempotent."""
    import io

    from registry.management.commands import seed_demo  # noqa: F401 — the registry's demo command must exist
    from services.models import Application, TalentCard

    call_command("seed_demo", experts=30, stdout=io.StringIO())
    call_command("seed_services", demo=True, stdout=io.StringIO())
    counts = (Application.objects.count(), TalentCard.objects.count())
    assert counts[0] == 6 and counts[1] >= 1
    assert set(Application.objects.values_list("status", flat=True)) == {"completed", "correction", "processing", "submitted", "not_accepted"}
    call_command("seed_services", demo=True, stdout=io.StringIO())
    assert (Application.objects.count(), TalentCard.objects.count()) == counts
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="区域工作人员").permissions.filter(content_type__app_label="services").values_list("codename", flat=True))
    assert {"change_application", "view_servicestandardversion", "change_talentcard"} <= perms and "publish_standard" not in perms
