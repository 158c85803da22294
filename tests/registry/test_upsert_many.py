"""registry.services.experts_upsert_many / graduates_upsert_many against the one-by-one services they batch:
the same outcome per row and the same rows written (persons, records, consents, audit, matching index), for the
cases the partner API does not send (consent, self-registration, mobile-only persons, no change context)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from matching.models import IndexChange
from registry import services
from registry.context import acting_as
from registry.models import Consent, Expert, ObjectChange, Person
from tests.support import factory as f


class _Undo(Exception):
    pass


def _expert(n: int, **kw) -> dict:
    data = {"name": f"批量专家{n}", "id_number": f.id_number(n, prefix="110108"), "employer_name": "清华大学", "home_division": "110108",
            "sharing_modes": ["consulting"], "serves_all_hebei": True, "disciplines": ["F02"], "external_id": f"B-{n}"}
    data.update(kw)
    return data


def _outcome(x) -> tuple:
    if isinstance(x, Exception):
        errors = getattr(x, "error_dict", None)
        return ("error", type(x).__name__, sorted((k, e.code) for k, errs in (errors or {}).items() for e in errs))
    return ("ok", x.external_id, x.person.name)


def _written(mark_change: int, mark_index: int) -> dict:
    def person(pk):
        p = Person.objects.get(pk=pk)
        return p.name

    changes = Counter()
    for c in ObjectChange.objects.filter(id__gt=mark_change).select_related("content_type"):
        data = dict(c.postchange_data or {})
        for k in ("id", "person", "granted_at"):
            data.pop(k, None)
        changes[(c.action, c.content_type.model, c.prechange_data is None, str(sorted(data.items())), c.user_name)] += 1
    return {
        "persons": sorted((p.name, p.id_hash or "", p.mobile_hash, p.user_id) for p in Person.objects.all()),
        "experts": sorted((e.external_id, e.person.name, e.status, e.region, sorted(e.disciplines.values_list("pk", flat=True))) for e in Expert.objects.all()),
        "consents": sorted((person(c.person_id), c.scope, c.channel, c.revoked_at is None) for c in Consent.objects.all()),
        "changes": changes,
        "index": {(i.kind, Expert.objects.filter(pk=i.object_id).values_list("external_id", flat=True).first()) for i in IndexChange.objects.filter(seq__gt=mark_index)},
    }


def _both(run_batched, run_one_by_one):
    results = []
    for run in (run_one_by_one, run_batched):
        try:
            with transaction.atomic():
                mark_change = ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
                mark_index = IndexChange.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
                outcomes = [_outcome(x) for x in run()]
                results.append((outcomes, _written(mark_change, mark_index)))
                raise _Undo
        except _Undo:
            pass
    return results


@pytest.fixture
def people(db, reference):
    services.person_resolve(name="仅手机号", mobile=f.mobile(801))
    services.person_resolve(name="有同意", id_number=f.id_number(802, prefix="110108"))
    services.consent_grant(person=Person.objects.get(name="有同意"), scope="matching")


@pytest.mark.parametrize("context", [True, False])
def test_consents_and_mobile_only_persons_as_one_by_one(people, context, staff_bj):
    rows = [
        services.UpsertRow(None, _expert(810, consent_share=True)),
        services.UpsertRow(None, _expert(811, id_number="", mobile=f.mobile(801), name="仅手机号", consent_share=True)),
        services.UpsertRow(None, _expert(802, name="有同意", consent_share=True)),  # holds one consent already
        services.UpsertRow(None, _expert(812, id_number="", mobile=f.mobile(812), external_id="B-812")),
        services.UpsertRow(None, _expert(813, id_number="", mobile=f.mobile(812), name="另一人", external_id="B-813")),  # a mobile of row 3
        services.UpsertRow(None, _expert(814, disciplines=["ZZ9"])),
    ]
    kwargs = {"actor": staff_bj, "source": "staff", "source_partner": "", "rows": rows}

    def batched():
        if not context:
            return services.experts_upsert_many(**kwargs)
        with acting_as(staff_bj):
            return services.experts_upsert_many(**kwargs)

    def one_by_one():
        with acting_as(staff_bj):
            return services._one_by_one(Expert, rows, update=None,
                                        register=lambda **data: services.expert_register(actor=staff_bj, source="staff", source_partner="", **data))

    (old, old_written), (new, new_written) = _both(batched, one_by_one)
    assert new == old
    assert [o[0] for o in new] == ["ok", "ok", "ok", "ok", "error", "error"], new
    assert new_written["persons"] == old_written["persons"]
    assert new_written["experts"] == old_written["experts"]
    assert new_written["consents"] == old_written["consents"]
    assert new_written["index"] == old_written["index"]
    if context:  # without a change context the one-by-one path writes each relation as a separate audit row
        assert new_written["changes"] == old_written["changes"]
    else:
        assert {k[:2] for k in new_written["changes"]} == {("create", "person"), ("create", "expert"), ("create", "consent")}


def test_self_registration_needs_consent_and_links_the_account(db, reference, make_user):
    member = make_user(username="self_expert")
    rows = [services.UpsertRow(None, _expert(820)), services.UpsertRow(None, _expert(821, consent_share=True))]
    out = services.experts_upsert_many(actor=member, source="self", rows=rows)
    assert isinstance(out[0], services.ValidationError) and out[0].error_dict["consent_share"][0].code == "consent_required"
    assert out[1].person.user_id == member.pk
    assert set(Consent.objects.filter(person=out[1].person).values_list("scope", flat=True)) == {"share_with_organisations", "matching"}


def test_update_needs_permission_per_row(db, reference, staff_bj, staff_tj):
    mine = services.expert_register(actor=staff_bj, source="staff", **_expert(830))
    rows = [services.UpsertRow(mine, {"days_per_month": 6})]
    [denied] = services.experts_upsert_many(actor=staff_tj, source="staff", rows=rows)
    assert isinstance(denied, services.permissions.PermissionDenied)
    [done] = services.experts_upsert_many(actor=staff_bj, source="staff", rows=[services.UpsertRow(Expert.objects.get(pk=mine.pk), {"days_per_month": 6})])
    assert Expert.objects.get(pk=done.pk).days_per_month == 6


def test_validate_only_and_all_or_nothing_write_nothing(db, reference, staff_bj):
    before = (Person.objects.count(), Expert.objects.count(), ObjectChange.objects.count())
    out = services.experts_upsert_many(actor=staff_bj, source="staff", rows=[services.UpsertRow(None, _expert(840))], validate_only=True)
    assert out[0].pk is None
    out = services.experts_upsert_many(actor=staff_bj, source="staff", all_or_nothing=True,
                                       rows=[services.UpsertRow(None, _expert(841)), services.UpsertRow(None, _expert(842, home_division="999999"))])
    assert out[0].pk is None and isinstance(out[1], services.ValidationError)
    assert (Person.objects.count(), Expert.objects.count(), ObjectChange.objects.count()) == before
