import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.choices import Source, Status
from registry.models import Consent, Expert, ObjectChange, Person, PersonalDataAccess
from tests.support.factory import credit_code, id_number, mobile


def codes_of(exc: ValidationError) -> dict[str, set[str]]:
    return {field: {e.code for e in errs} for field, errs in exc.error_dict.items()}


def test_expert_registration_encrypts_and_hashes(factory):
    expert = factory.expert()
    person = expert.person
    assert person.id_hash and len(person.id_hash) == 64
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number, mobile FROM registry_person WHERE id = %s", [person.pk])
        raw_id, raw_mobile = cur.fetchone()
    assert raw_id != person.id_number and person.id_number not in raw_id
    assert person.mobile not in raw_mobile
    assert person.masked_id_number.startswith("110") and "*" in person.masked_id_number
    assert expert.region == "11" and not expert.outside_region and expert.title_rank == 4


def test_second_registration_of_the_same_person_is_refused(factory):
    expert = factory.expert()
    with pytest.raises(ValidationError) as exc:
        factory.expert(name=expert.person.name, id_number=expert.person.id_number, mobile=expert.person.mobile)
    assert "duplicate_person" in codes_of(exc.value)["id_number"]
    assert Expert.objects.count() == 1


def test_same_number_other_name_is_an_identity_conflict(factory):
    expert = factory.expert()
    with pytest.raises(ValidationError) as exc:
        factory.expert(name="另一个人", id_number=expert.person.id_number)
    assert "identity_conflict" in codes_of(exc.value)["id_number"]


def test_bad_input_is_reported_per_field_and_nothing_saved(factory):
    before = (Person.objects.count(), Expert.objects.count())
    with pytest.raises(ValidationError) as exc:
        factory.expert(
            id_number="110105194912310021",  # wrong check digit
            served_cities=["110108"],  # not in Hebei
            serves_all_hebei=False,
            available_from=dt.date(2027, 1, 1),
            available_until=dt.date(2026, 1, 1),
            max_engagements=1_000_000,
            industries=["9999"],
            sharing_modes=[],
        )
    errors = codes_of(exc.value)
    assert errors["id_number"] == {"id_check"}
    assert "not_hebei_city" in errors["served_cities"]
    assert "window_order" in errors["available_until"]
    assert "out_of_range" in errors["max_engagements"]
    assert "unknown_code" in errors["industries"]
    assert "required" in errors["sharing_modes"]
    assert (Person.objects.count(), Expert.objects.count()) == before


def test_capacity_zero_refused(factory):
    with pytest.raises(ValidationError) as exc:
        factory.expert(max_engagements=0)
    assert "max_engagements" in exc.value.error_dict


def test_self_registration_needs_separate_consent(factory, make_user):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        factory.expert(actor=user, source=Source.SELF, consent_share=False)
    assert "consent_required" in codes_of(exc.value)["consent_share"]
    expert = factory.expert(actor=user, source=Source.SELF, consent_share=True)
    assert expert.person.user == user
    assert set(Consent.objects.filter(person=expert.person, revoked_at=None).values_list("scope", flat=True)) == {"share_with_organisations", "matching"}
    services.consent_revoke(person=expert.person, scope="share_with_organisations")
    assert not Consent.objects.filter(person=expert.person, scope="share_with_organisations", revoked_at=None).exists()


def test_outside_region_expert_is_flagged(factory):
    expert = factory.expert(home_division="130102")
    assert expert.outside_region and expert.region == "13"


def test_organisation_credit_code_checked_and_unique(factory):
    with pytest.raises(ValidationError) as exc:
        factory.organisation(credit_code="91350100M000100Y44")
    assert "credit_check" in codes_of(exc.value)["credit_code"]
    code = credit_code()
    factory.organisation(credit_code=code)
    with pytest.raises(ValidationError) as exc:
        factory.organisation(credit_code=code)
    assert "duplicate" in codes_of(exc.value)["credit_code"]


def test_demand_lifecycle_and_region_scoping(factory, staff_bj, staff_he):
    demand = factory.demand()
    assert demand.region == "13" and demand.status == Status.DRAFT
    with pytest.raises(ValidationError) as exc:  # draft cannot be published directly
        services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    assert "illegal_transition" in codes_of(exc.value)["status"]
    services.record_transition(actor=staff_he, record=demand, to=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):  # Beijing staff cannot publish Hebei demand
        services.record_transition(actor=staff_bj, record=demand, to=Status.PUBLISHED)
    services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED and demand.published_at and demand.verified_by == staff_he
    services.record_transition(actor=staff_he, record=demand, to=Status.CLOSED)
    with pytest.raises(ValidationError):
        services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)


def test_demand_of_unverified_organisation_cannot_be_published(factory, staff_he):
    demand = factory.demand(organisation=factory.organisation(verified=False), status=Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    assert "organisation_unverified" in codes_of(exc.value)["organisation"]


def test_open_challenge_needs_reward_and_deadline(factory):
    with pytest.raises(ValidationError) as exc:
        factory.demand(kind="open_challenge")
    assert {"challenge_reward", "challenge_deadline"} <= set(exc.value.error_dict)


def test_demand_period_must_not_end_before_it_starts(factory):
    with pytest.raises(ValidationError) as exc:
        factory.demand(period_start=dt.date(2027, 5, 1), period_end=dt.date(2027, 4, 1))
    assert "window_order" in codes_of(exc.value)["period_end"]


def test_expert_owner_edits_but_cannot_verify(factory, make_user):
    user = make_user()
    expert = factory.expert(actor=user, source=Source.SELF, consent_share=True, status=Status.SUBMITTED)
    services.expert_update(actor=user, expert=expert, research_areas="新能源汽车电池管理")
    with pytest.raises(PermissionDenied):
        services.record_transition(actor=user, record=expert, to=Status.VERIFIED)
    other = make_user()
    with pytest.raises(PermissionDenied):
        services.expert_update(actor=other, expert=expert, research_areas="x")


def test_every_change_is_audited_with_masked_personal_fields(factory, staff_bj):
    from registry.context import acting_as

    with acting_as(user=staff_bj, request_id="req-audit-0001"):
        expert = factory.expert(status=Status.SUBMITTED)
        services.record_transition(actor=staff_bj, record=expert, to=Status.VERIFIED, reason="资料齐全")
    person_change = ObjectChange.objects.filter(object_repr=expert.person.name, action="create").first()
    assert person_change is not None
    assert person_change.postchange_data["id_number"] == expert.person.masked_id_number
    assert expert.person.id_number not in str(person_change.postchange_data)
    transition = ObjectChange.objects.filter(action="transition", object_id=str(expert.pk)).first()
    assert transition.user == staff_bj and transition.request_id == "req-audit-0001"
    assert transition.prechange_data["status"] == "submitted" and transition.postchange_data["status"] == "verified"
    assert transition.message == "资料齐全"
    created = ObjectChange.objects.get(action="create", object_id=str(expert.pk), content_type__model="expert")
    assert created.postchange_data["industries"] == ["3912"]  # m2m folded into the same change


def test_reveal_requires_permission_and_is_logged(factory, make_user):
    expert = factory.expert()
    nobody = make_user(staff=True, region="11")
    with pytest.raises(PermissionDenied):
        services.personal_data_reveal(actor=nobody, person=expert.person)
    officer = make_user(staff=True, region="11", perms=("registry.view_personal_data",))
    values = services.personal_data_reveal(actor=officer, person=expert.person, fields=["id_number"], purpose="核验")
    assert values == {"id_number": expert.person.id_number}
    log = PersonalDataAccess.objects.get()
    assert log.user == officer and log.fields == "id_number" and log.purpose == "核验"


def test_export_and_erase(factory, staff_bj):
    expert = factory.expert()
    data = services.person_export(person=expert.person)
    assert data["person"]["id_number"] == expert.person.id_number and data["expert"]["industries"] == ["3912"]
    services.person_erase(actor=staff_bj, person=expert.person)
    expert.refresh_from_db()
    person = expert.person
    assert expert.status == Status.WITHDRAWN and person.id_number == "" and person.id_hash is None and person.erased_at
    # the same person can register again afterwards
    factory.expert(name="新登记", id_number=id_number(990), mobile=mobile(990))


def test_graduate_registration(factory):
    graduate = factory.graduate()
    assert graduate.region == "12"
    assert list(graduate.preferred_cities.values_list("code", flat=True)) == ["130600"]
    with pytest.raises(ValidationError) as exc:
        factory.graduate(preferred_cities=["120102"])
    assert "not_hebei_city" in codes_of(exc.value)["preferred_cities"]


def test_talent_linked_to_the_same_person_as_expert(factory):
    expert = factory.expert()
    talent = services.talent_register(
        name=expert.person.name, id_number=expert.person.id_number, tier="B", programme="国家杰出青年科学基金",
        recognised_on=dt.date(2024, 6, 1), home_division="110108", field="F02",
    )
    assert talent.person_id == expert.person_id
