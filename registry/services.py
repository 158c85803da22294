"""Writes to the registry, one function per use case (keyword-only, atomic). Views, the admin, the API,
imports and tasks all call these, so validation, permissions and the audit happen in one place.

Errors: ``ValidationError`` with a dict of field → messages (Chinese), ``PermissionDenied`` for a
forbidden change.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from . import audit, crypto, domain, identifiers, lifecycle, permissions
from .choices import ConsentScope, Source, Status
from .models import (
    Consent,
    DataRequest,
    Demand,
    Discipline,
    Division,
    DuplicateCandidate,
    Expert,
    Graduate,
    HighLevelTalent,
    Industry,
    Occupation,
    Organisation,
    OrganisationMembership,
    Person,
    PersonalDataAccess,
)

STATUS_LABELS = dict(Status.choices)


class Errors:
    """Collects field errors and raises them together, so a form shows every problem at once."""

    def __init__(self):
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str = "invalid"):
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def merge(self, exc: ValidationError):
        for field, errs in exc.error_dict.items() if hasattr(exc, "error_dict") else {"__all__": exc.error_list}.items():
            self.errors.setdefault(field, []).extend(errs)

    def raise_if_any(self):
        if self.errors:
            raise ValidationError(self.errors)


# --- code lookups --------------------------------------------------------------------------------


_CODE_CACHE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("registry_code_cache", default=None)


@contextlib.contextmanager
def code_cache():
    """Cache reference-code lookups (divisions, disciplines, industries, occupations) for a batch of writes — a
    bulk upsert or an import — so each code is read once per batch, not once per row. Validation is unchanged:
    an unknown code is still an error (and stays unknown for the rest of the batch)."""
    if _CODE_CACHE.get() is not None:
        yield
        return
    token = _CODE_CACHE.set({})
    try:
        yield
    finally:
        _CODE_CACHE.reset(token)


def _lookup(model, codes: list[str]) -> dict:
    """code → object (missing codes absent), through the batch cache when one is active."""
    cache = _CODE_CACHE.get()
    if cache is None:
        return {o.code: o for o in model.objects.filter(code__in=codes)}
    table = cache.setdefault(model, {})
    missing = [c for c in dict.fromkeys(codes) if c not in table]
    if missing:
        found = {o.code: o for o in model.objects.filter(code__in=missing)}
        for c in missing:
            table[c] = found.get(c)
    return {c: table[c] for c in codes if table[c] is not None}


def _codes(model, codes: Iterable[str] | None, field: str, errors: Errors, *, label: str) -> list:
    codes = [c.strip() for c in (codes or []) if c and c.strip()]
    if not codes:
        return []
    found = _lookup(model, codes)
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors.add(field, f"未知的{label}代码：{'、'.join(unknown)}", "unknown_code")
    return [found[c] for c in codes if c in found]


def _code(model, code: str | None, field: str, errors: Errors, *, label: str, required: bool = True):
    if code in (None, ""):
        if required:
            errors.add(field, f"请选择{label}", "required")
        return None
    if isinstance(code, model):
        return code
    key = str(code).strip()
    obj = _lookup(model, [key]).get(key)
    if obj is None:
        errors.add(field, f"未知的{label}代码：{code}", "unknown_code")
    return obj


def _hebei_cities(codes, field: str, errors: Errors) -> list[Division]:
    cities = _codes(Division, codes, field, errors, label="行政区划")
    wrong = [c for c in cities if not (c.region == domain.DEMAND_REGION and c.level == Division.Level.PREFECTURE)]
    if wrong:
        errors.add(field, f"{'、'.join(c.name for c in wrong)}不是河北省的地级市", "not_hebei_city")
    return [c for c in cities if c not in wrong]


def _modes(codes, field: str, errors: Errors) -> list[str]:
    codes = [c for c in (codes or []) if c]
    unknown = [c for c in codes if c not in domain.SHARING_MODE_BIT]
    if unknown:
        errors.add(field, f"未知的合作方式：{'、'.join(unknown)}", "unknown_mode")
    if not codes:
        errors.add(field, "请至少选择一种合作方式", "required")
    return [c for c in domain.SHARING_MODE_CODES if c in codes]


def _window(start, end, start_field: str, end_field: str, errors: Errors, *, required: bool = False):
    if required and not start:
        errors.add(start_field, "请填写开始日期", "required")
    if required and not end:
        errors.add(end_field, "请填写结束日期", "required")
    if start and end and end < start:
        errors.add(end_field, f"结束日期（{end}）早于开始日期（{start}）", "window_order")


def _range(value, field: str, errors: Errors, lo: int, hi: int, label: str):
    if value is None:
        return
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, f"{label}应为整数", "invalid")
        return
    if not lo <= number <= hi:
        errors.add(field, f"{label}应在{lo}到{hi}之间，当前为{number}", "out_of_range")


# --- natural persons -------------------------------------------------------------------------------


class DuplicatePerson(ValidationError):
    """The person is already registered in this database."""


@dataclass(frozen=True)
class Identity:
    """A person's identifiers as given on a form or a row, checked and hashed (no database)."""

    name: str
    id_number: str
    id_hash: str | None
    mobile: str
    mobile_hash: str


def person_identity(*, name: str, id_number: str = "", mobile: str = "", errors: Errors) -> Identity | None:
    """Check the name, the ID number and the mobile (at least one of the two); None with ``errors`` when invalid."""
    name = (name or "").strip()
    if not name:
        errors.add("name", "请填写姓名", "required")
    elif len(name) > 50:
        errors.add("name", "姓名不超过50个字符", "max_length")
    id_clean = mobile_clean = ""
    if id_number:
        try:
            id_clean = identifiers.validate_id_number(id_number)
        except identifiers.IdentifierError as exc:
            errors.add("id_number", exc.message, exc.code)
    if mobile:
        try:
            mobile_clean = identifiers.validate_mobile(mobile)
        except identifiers.IdentifierError as exc:
            errors.add("mobile", exc.message, exc.code)
    if not id_clean and not mobile_clean and "id_number" not in errors.errors and "mobile" not in errors.errors:
        errors.add("id_number", "身份证号与手机号至少填写一项，用于识别同一自然人", "required")
    if errors.errors:
        return None
    return Identity(name, id_clean, crypto.keyed_hash(id_clean) if id_clean else None, mobile_clean, crypto.keyed_hash(mobile_clean) if mobile_clean else "")


def person_match(identity: Identity, *, found: Person | None, holder: Person | None, email: str = "", gender: str = "", user=None,
                 errors: Errors) -> tuple[Person | None, str]:
    """The rules of :func:`person_resolve` once the candidates are read (no database): ``found`` is the person of
    the ID number's hash (else, without an ID number, of the mobile's), ``holder`` the first person with an ID
    number holding the mobile. Returns (person, what): ``"existing"``, ``"mobile_changed"`` (the new number is
    set on the person, not saved), ``"new"`` (a validated, unsaved person) — or (None, "") with ``errors``."""
    if found is not None:
        if found.name != identity.name:
            errors.add("id_number", "该身份证号已由另一姓名登记，请核对姓名与证件号", "identity_conflict")
            return None, ""
        if identity.mobile_hash and found.mobile_hash and found.mobile_hash != identity.mobile_hash:
            # the same person may change phone: keep the newer number
            found.mobile, found.mobile_hash = identity.mobile, identity.mobile_hash
            return found, "mobile_changed"
        return found, "existing"
    if holder is not None and identity.id_hash and holder.id_hash != identity.id_hash:
        errors.add("mobile", "该手机号已被其他人登记，请使用本人手机号", "mobile_conflict")
        return None, ""
    id_clean = identity.id_number
    person = Person(
        name=identity.name,
        id_number=id_clean,
        id_hash=identity.id_hash,
        mobile=identity.mobile,
        mobile_hash=identity.mobile_hash,
        email=(email or "").strip(),
        gender=(identifiers.id_number_gender(id_clean) if id_clean else gender) or "",
        birth_year=identifiers.id_number_birth_date(id_clean).year if id_clean else None,
        user=user,
    )
    try:
        # uniqueness of the ID number's hash: found is None, and the insert's constraint catches a race
        person.full_clean(exclude=["id_number", "mobile", "user"], validate_unique=False)
    except ValidationError as exc:
        errors.merge(exc)
        return None, ""
    return person, "new"


def person_resolve(*, name: str, id_number: str = "", mobile: str = "", email: str = "", gender: str = "", user=None, errors: Errors | None = None) -> tuple[Person | None, bool]:
    """Find the natural person by the keyed hash of the ID number (else of the mobile), or create them.

    Refuses a number already held by a person of another name, and a mobile held by another person.
    """
    own = errors is None
    errors = errors or Errors()
    person, what = None, ""
    identity = person_identity(name=name, id_number=id_number, mobile=mobile, errors=errors)
    if identity is not None:
        found = Person.objects.select_for_update().filter(id_hash=identity.id_hash).first() if identity.id_hash else None
        if found is None and identity.mobile_hash and not identity.id_hash:
            found = Person.objects.select_for_update().filter(mobile_hash=identity.mobile_hash).first()
        holder = None
        if found is None and identity.mobile_hash and identity.id_hash:
            holder = Person.objects.filter(mobile_hash=identity.mobile_hash).exclude(id_hash=None).first()
        person, what = person_match(identity, found=found, holder=holder, email=email, gender=gender, user=user, errors=errors)
    if what == "mobile_changed":
        person.save(update_fields=["mobile", "mobile_hash", "updated_at"])
    elif what == "new":
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:  # a concurrent registration of the same number won the race
            errors.add("id_number", "该身份证号正在由另一请求登记，请稍后刷新查看", "identity_conflict")
            person, what = None, ""
    if person is None and own:
        errors.raise_if_any()
    return person, what == "new"


@transaction.atomic
def consent_grant(*, person: Person, scope: str, channel: str = "web", text_version: str = "2026-1") -> Consent:
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": ["未知的同意范围"]})
    existing = person.consents.filter(scope=scope, revoked_at=None).first()
    if existing:
        return existing
    return Consent.objects.create(person=person, scope=scope, channel=channel, text_version=text_version, granted_at=timezone.now())


@transaction.atomic
def consent_revoke(*, person: Person, scope: str) -> int:
    return sum(1 for c in person.consents.filter(scope=scope, revoked_at=None) if _revoke(c))


def _revoke(consent: Consent) -> bool:
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    return True


def personal_data_reveal(*, actor, person: Person, fields: Iterable[str] = ("id_number", "mobile", "email"), purpose: str = "", partner: str = "") -> dict[str, str]:
    """The clear values of a person's personal fields, for a caller allowed to see them; every reveal is logged."""
    fields = [f for f in fields if f in Person.PERSONAL_FIELDS]
    if not partner:
        permissions.require(permissions.can_reveal_personal_data(actor), "您没有查看完整个人信息的权限")
    from .context import current

    ctx = current()
    PersonalDataAccess.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        partner=partner,
        person=person,
        fields=",".join(fields),
        purpose=purpose[:200],
        request_id=ctx.request_id if ctx else "",
    )
    return {f: getattr(person, f) for f in fields}


def person_export(*, person: Person) -> dict:
    """Everything the registry holds about a person, for the person (PIPL art. 45)."""
    data = {
        "person": {"name": person.name, "gender": person.gender, "birth_year": person.birth_year, "id_number": person.id_number, "mobile": person.mobile, "email": person.email},
        "consents": [
            {"scope": c.scope, "granted_at": c.granted_at.isoformat(), "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None}
            for c in person.consents.all()
        ],
    }
    expert = Expert.objects.filter(person=person).first()
    if expert:
        data["expert"] = {
            "employer_name": expert.employer_name, "home_division": expert.home_division_id, "title_level": expert.title_level,
            "title_series": expert.title_series, "skills": expert.skills, "research_areas": expert.research_areas,
            "achievements": expert.achievements, "sharing_modes": expert.sharing_modes, "status": expert.status,
            "disciplines": list(expert.disciplines.values_list("code", flat=True)), "industries": list(expert.industries.values_list("code", flat=True)),
        }
    graduate = Graduate.objects.filter(person=person).first()
    if graduate:
        data["graduate"] = {"school": graduate.school, "degree": graduate.degree, "major": graduate.major, "graduation_year": graduate.graduation_year, "status": graduate.status}
    data["talent"] = [{"tier": t.tier, "programme": t.programme, "recognised_on": t.recognised_on.isoformat()} for t in person.talent_recognitions.all()]
    return data


@transaction.atomic
def person_erase(*, actor, person: Person, request: DataRequest | None = None) -> Person:
    """Delete a person's personal information (PIPL art. 47): identifiers cleared, records withdrawn, the
    audit keeps only masked values."""
    for model in (Expert, Graduate):
        record = model.objects.filter(person=person).first()
        if record and record.status != Status.WITHDRAWN:
            record.status = Status.WITHDRAWN
            record.status_changed_at = timezone.now()
            record._audit_message = "个人信息删除"
            record.save()
    person.talent_recognitions.exclude(status=Status.WITHDRAWN).update(status=Status.WITHDRAWN, status_changed_at=timezone.now())
    person.name = "（已删除）"
    person.id_number = person.mobile = person.email = ""
    person.id_hash = None
    person.mobile_hash = ""
    person.erased_at = timezone.now()
    person._audit_message = "个人信息删除"
    person.save()
    person.consents.filter(revoked_at=None).update(revoked_at=timezone.now())
    if request is not None:
        request.state, request.handled_by, request.handled_at = DataRequest.State.DONE, actor, timezone.now()
        request.save()
    return person


# --- organisations ---------------------------------------------------------------------------------


ORGANISATION_FIELDS = ("name", "org_type", "division", "industry", "address", "contact_name", "contact_phone", "contact_email", "description")
# checked by _apply_organisation (codes, mobile) rather than by the model's full_clean
_ORGANISATION_CHECKED = ["credit_code", "division", "industry", "contact_phone", "region"]


def _apply_organisation(org: Organisation, errors: Errors, data: dict) -> None:
    """Set the given fields of an organisation with the same checks for registering and updating: codes of the
    division and industry, the contact mobile; any other key is an error (the credit code and status are not
    changed here)."""
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        errors.add("__all__", f"未知的字段：{'、'.join(sorted(unknown))}", "unknown_field")
    if "name" in data:
        org.name = (data["name"] or "").strip()
    if "org_type" in data:
        org.org_type = data["org_type"]
    if "division" in data:
        division = _code(Division, data["division"], "division", errors, label="所在地")
        org.division = division
        org.region = division.region if division else ""
    if "industry" in data:
        org.industry = _code(Industry, data["industry"], "industry", errors, label="行业", required=False)
    if "contact_phone" in data:
        phone = ""
        if data["contact_phone"]:
            try:
                phone = identifiers.validate_mobile(data["contact_phone"])
            except identifiers.IdentifierError as exc:
                errors.add("contact_phone", exc.message, exc.code)
        org.contact_phone = phone
    for field in ("address", "contact_name", "contact_email", "description"):
        if field in data:
            setattr(org, field, data[field] or "")


def _clean_organisation(org: Organisation, errors: Errors) -> None:
    try:
        org.full_clean(exclude=_ORGANISATION_CHECKED + list(errors.errors))
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()


@transaction.atomic
def organisation_register(
    *, actor=None, name: str, credit_code: str, org_type: str, division: str, industry: str | None = None,
    address: str = "", contact_name: str = "", contact_phone: str = "", contact_email: str = "", description: str = "",
    source: str = Source.SELF, source_partner: str = "", external_id: str = "",
) -> Organisation:
    errors = Errors()
    code = ""
    try:
        code = identifiers.validate_credit_code(credit_code)
    except identifiers.IdentifierError as exc:
        errors.add("credit_code", exc.message, exc.code)
    if code and Organisation.objects.filter(credit_code=code).exists():
        errors.add("credit_code", "该统一社会信用代码的单位已登记，请联系本单位管理员加入", "duplicate")
    org = Organisation(credit_code=code, status=Status.SUBMITTED, source=source, source_partner=source_partner, external_id=external_id)
    _apply_organisation(org, errors, {"name": name, "org_type": org_type, "division": division, "industry": industry, "address": address,
                                      "contact_name": contact_name, "contact_phone": contact_phone, "contact_email": contact_email, "description": description})
    _clean_organisation(org, errors)
    org.save()
    if actor is not None and getattr(actor, "is_authenticated", False) and not actor.is_staff:
        OrganisationMembership.objects.create(organisation=org, user=actor, role=OrganisationMembership.Role.ADMIN)
    return org


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **changes) -> Organisation:
    """Change an organisation's details (not its credit code or status) with the checks of registering. Its
    members and the staff of its region may; staff (and partners) may not move it out of their region."""
    permissions.require(permissions.can_edit(actor, organisation))
    owner = permissions.is_owner(actor, organisation)
    errors = Errors()
    _apply_organisation(organisation, errors, changes)
    _clean_organisation(organisation, errors)
    permissions.require(owner or permissions.can_staff_change(actor, organisation), "只能将单位所在地修改为本地区内的区划")
    organisation.save()
    return organisation


@transaction.atomic
def organisation_set_status(*, actor, organisation: Organisation, status: str) -> Organisation:
    permissions.require(permissions.can_staff_change(actor, organisation))
    _check(lifecycle.ORGANISATION, organisation.status, status)
    organisation.status = status
    if status == Status.VERIFIED:
        organisation.verified_by, organisation.verified_at = actor, timezone.now()
    organisation.save()
    return organisation


# --- lifecycle -------------------------------------------------------------------------------------


def _check(table, current: str, target: str) -> None:
    try:
        lifecycle.check_transition(table, current, target)
    except lifecycle.TransitionError:
        raise ValidationError(
            {"status": [ValidationError(f"不能从“{STATUS_LABELS.get(current, current)}”变更为“{STATUS_LABELS.get(target, target)}”", code="illegal_transition")]}
        ) from None


# Transitions an owner may make on their own record; every other transition is for staff of the record's region.
OWNER_TRANSITIONS = {("draft", "submitted"), ("submitted", "draft"), ("draft", "withdrawn"), ("submitted", "withdrawn"), ("verified", "withdrawn"), ("published", "closed"), ("published", "withdrawn"), ("suspended", "withdrawn"), ("verified", "submitted")}


@transaction.atomic
def record_transition(*, actor, record, to: str, reason: str = ""):
    """Move an expert, graduate, high-level talent or demand through its lifecycle."""
    table = lifecycle.DEMAND if isinstance(record, Demand) else lifecycle.PERSON_RECORD
    _check(table, record.status, to)
    staff_ok = permissions.can_staff_change(actor, record)
    owner_ok = (record.status, to) in OWNER_TRANSITIONS and permissions.is_owner(actor, record)
    permissions.require(staff_ok or owner_ok)
    if isinstance(record, Demand) and to == Status.PUBLISHED:
        if record.organisation.status != Status.VERIFIED:
            raise ValidationError({"organisation": [ValidationError("需求单位尚未通过审核，不能发布需求", code="organisation_unverified")]})
        if record.period_end < timezone.localdate():
            raise ValidationError({"period_end": [ValidationError("需求期限已过，请先修改结束日期", code="expired")]})
    now = timezone.now()
    record.status = to
    record.status_changed_at = now
    if to in (Status.VERIFIED, Status.PUBLISHED):
        record.verified_by, record.verified_at = actor, now
    if to == Status.PUBLISHED:
        record.published_at = now
    record._audit_message = reason[:300]
    record.save()
    from .signals import record_status_changed

    transaction.on_commit(lambda: record_status_changed.send(sender=type(record), record=record, status=to, actor=actor))
    return record


@transaction.atomic
def records_bulk_transition(*, actor, records, to: str) -> tuple[int, list[str]]:
    """Apply a transition to many records; returns (done, problems). Each record is checked on its own."""
    done, problems = 0, []
    for record in records:
        try:
            with transaction.atomic():
                record_transition(actor=actor, record=record, to=to)
            done += 1
        except (ValidationError,) as exc:
            problems.append(f"{record}: {'; '.join(exc.messages)}")
        except permissions.PermissionDenied as exc:
            problems.append(f"{record}: {exc}")
    return done, problems


# --- experts ---------------------------------------------------------------------------------------

EXPERT_FIELDS = (
    "employer_name", "talent_team", "title_series", "title_level", "position", "skills", "research_areas", "achievements",
    "serves_all_hebei", "max_engagements", "days_per_month", "available_from", "available_until",
)


def _apply_expert(expert: Expert, errors: Errors, data: dict) -> dict:
    m2m = {}
    for field in EXPERT_FIELDS:
        if field in data:
            setattr(expert, field, data[field])
    if "home_division" in data:
        expert.home_division = _code(Division, data["home_division"], "home_division", errors, label="所在地")
    if "employer" in data:
        expert.employer = data["employer"]
        if expert.employer and not expert.employer_name:
            expert.employer_name = expert.employer.name
    if "sharing_modes" in data:
        expert.sharing_modes = _modes(data["sharing_modes"], "sharing_modes", errors)
    if "served_cities" in data:
        m2m["served_cities"] = _hebei_cities(data["served_cities"], "served_cities", errors)
    if "disciplines" in data:
        m2m["disciplines"] = _codes(Discipline, data["disciplines"], "disciplines", errors, label="学科")
    if "industries" in data:
        m2m["industries"] = _codes(Industry, data["industries"], "industries", errors, label="行业")
    if isinstance(expert.skills, str):
        expert.skills = [s.strip() for s in expert.skills.replace("，", ",").replace("、", ",").split(",") if s.strip()]
    _range(data.get("max_engagements"), "max_engagements", errors, 1, 20, "可同时承担的合作数")
    _range(data.get("days_per_month"), "days_per_month", errors, 1, 31, "每月可投入天数")
    _window(expert.available_from, expert.available_until, "available_from", "available_until", errors)
    if expert.home_division_id:
        region = expert.home_division.region
        expert.region = region
        expert.outside_region = region not in domain.SHARING_REGIONS
    expert.title_rank = domain.TITLE_LEVEL_RANK.get(expert.title_level, 0)
    if not expert.serves_all_hebei and "served_cities" in m2m and not m2m["served_cities"] and "served_cities" not in errors.errors:
        errors.add("served_cities", "请选择愿意服务的河北城市，或勾选“服务河北全省”", "required")
    try:
        expert.full_clean(exclude=["person", "home_division", "sharing_modes", "employer", "max_engagements", "days_per_month", *errors.errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    return m2m


def _save_unique(obj, field: str, message: str) -> None:
    """Save a new record; a uniqueness race (same person, same external id) becomes a field error, not a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({field: [ValidationError(message, code="duplicate_person")]}) from None


def _save_m2m(obj, m2m: dict, *, created: bool = False):
    """Write the M2M fields; a just-created record has none yet, so they are added without reading them first."""
    for field, values in m2m.items():
        if created:
            if values:
                getattr(obj, field).add(*values)
        else:
            getattr(obj, field).set(values)


@transaction.atomic
def expert_register(
    *, actor=None, name: str, id_number: str = "", mobile: str = "", email: str = "", consent_share: bool = False,
    source: str = Source.SELF, source_partner: str = "", external_id: str = "", status: str = Status.SUBMITTED, **profile,
) -> Expert:
    """Register an expert (self-registration, staff entry, import or partner). One person, one expert record."""
    return _person_record_register(
        EXPERTS, actor=actor, name=name, id_number=id_number, mobile=mobile, email=email, consent_share=consent_share,
        source=source, source_partner=source_partner, external_id=external_id, status=status, profile=profile,
    )


@transaction.atomic
def expert_update(*, actor, expert: Expert, **changes) -> Expert:
    return _person_record_update(EXPERTS, actor=actor, record=expert, changes=changes)


# --- graduates -------------------------------------------------------------------------------------

GRADUATE_FIELDS = ("school", "degree", "major", "graduation_year", "job_intentions", "seeking_status")


def _apply_graduate(graduate: Graduate, errors: Errors, data: dict) -> dict:
    m2m = {}
    for field in GRADUATE_FIELDS:
        if field in data:
            setattr(graduate, field, data[field])
    if "school_division" in data:
        school_division = _code(Division, data["school_division"], "school_division", errors, label="院校所在地")
        graduate.school_division = school_division
        if school_division:  # (reading graduate.school_division when it is None raises RelatedObjectDoesNotExist)
            graduate.region = school_division.region
    if "major_discipline" in data:
        graduate.major_discipline = _code(Discipline, data["major_discipline"], "major_discipline", errors, label="学科", required=False)
    if "preferred_cities" in data:
        m2m["preferred_cities"] = _hebei_cities(data["preferred_cities"], "preferred_cities", errors)
    if "intended_industries" in data:
        m2m["intended_industries"] = _codes(Industry, data["intended_industries"], "intended_industries", errors, label="行业")
    if "intended_occupations" in data:
        m2m["intended_occupations"] = _codes(Occupation, data["intended_occupations"], "intended_occupations", errors, label="职业")
    try:
        graduate.full_clean(exclude=["person", "school_division", "major_discipline", *errors.errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    return m2m


@transaction.atomic
def graduate_register(*, actor=None, name: str, id_number: str = "", mobile: str = "", email: str = "", consent_share: bool = False,
                      source: str = Source.SELF, source_partner: str = "", external_id: str = "", status: str = Status.SUBMITTED, **profile) -> Graduate:
    return _person_record_register(
        GRADUATES, actor=actor, name=name, id_number=id_number, mobile=mobile, email=email, consent_share=consent_share,
        source=source, source_partner=source_partner, external_id=external_id, status=status, profile=profile,
    )


@transaction.atomic
def graduate_update(*, actor, graduate: Graduate, **changes) -> Graduate:
    return _person_record_update(GRADUATES, actor=actor, record=graduate, changes=changes)


# --- person records (experts, graduates): one flow for a single write and for a batch -----------------


@dataclass(frozen=True)
class PersonRecordKind:
    """What differs between the records of a natural person registered through one flow."""

    model: type
    apply: Callable  # (record, errors, data) -> {M2M field: objects}: validates and sets the profile fields
    required: dict  # profile field -> message when a registration lacks it
    duplicate_message: str
    defaults: dict  # profile defaults of a registration
    codes: dict  # profile field -> code model, read ahead for a batch (registry.services.code_cache)


EXPERTS = PersonRecordKind(
    Expert, _apply_expert,
    required={"home_division": "请选择所在地", "sharing_modes": "请至少选择一种合作方式"},
    duplicate_message="该人员已在专家人才库中登记，请勿重复登记（可登录后修改资料）",
    defaults={"served_cities": ()},
    codes={"home_division": Division, "served_cities": Division, "disciplines": Discipline, "industries": Industry},
)
GRADUATES = PersonRecordKind(
    Graduate, _apply_graduate,
    required={"school_division": "请选择院校所在地"},
    duplicate_message="该人员已在高校毕业生信息库中登记，请勿重复登记",
    defaults={},
    codes={"school_division": Division, "major_discipline": Discipline, "preferred_cities": Division, "intended_industries": Industry,
           "intended_occupations": Occupation},
)
REGISTRATION_CONSENTS = (ConsentScope.SHARE_WITH_ORGANISATIONS, ConsentScope.MATCHING)


def _registrant_user(actor, source: str):
    """The account a self-registration links the new person to."""
    return actor if (source == Source.SELF and getattr(actor, "is_authenticated", False)) else None


def _person_record_build(kind: PersonRecordKind, *, person, has_record: bool, source, source_partner, external_id, status, consent_share,
                         profile: dict, errors: Errors):
    """The record of a registration, validated (no database once codes are cached): refuse a second record of
    the person, apply the profile, required fields, separate consent for self-registration. Returns (record, m2m)."""
    if has_record:
        errors.add("id_number", kind.duplicate_message, "duplicate_person")
    profile = {**kind.defaults, **profile}
    record = kind.model(person=person, source=source, source_partner=source_partner, external_id=external_id, status=status)
    m2m = kind.apply(record, errors, profile)
    for field, message in kind.required.items():
        if field not in profile and field not in errors.errors:
            errors.add(field, message, "required")
    if source == Source.SELF and not consent_share:
        errors.add("consent_share", "向用人单位提供个人信息需要您的单独同意", "consent_required")
    return record, m2m


def _person_record_register(kind: PersonRecordKind, *, actor, name, id_number, mobile, email, consent_share, source,
                            source_partner, external_id, status, profile):
    """The one registration flow of a person's record (expert, graduate): resolve the natural person, refuse a
    second record, validate the profile, require separate consent for self-registration, save, record consent."""
    errors = Errors()
    person, created = person_resolve(name=name, id_number=id_number, mobile=mobile, email=email, user=_registrant_user(actor, source), errors=errors)
    has_record = person is not None and not created and kind.model.objects.filter(person=person).exists()
    record, m2m = _person_record_build(kind, person=person, has_record=has_record, source=source, source_partner=source_partner,
                                       external_id=external_id, status=status, consent_share=consent_share, profile=profile, errors=errors)
    errors.raise_if_any()
    _save_unique(record, "id_number", kind.duplicate_message)
    _save_m2m(record, m2m, created=True)
    if consent_share:
        for scope in REGISTRATION_CONSENTS:
            consent_grant(person=person, scope=scope, channel=source)
    return record


def _person_record_change(kind: PersonRecordKind, *, actor, record, changes: dict, errors: Errors) -> dict:
    """The checks of an update: the actor may edit the record (PermissionDenied), the changes are valid."""
    permissions.require(permissions.can_edit(actor, record))
    return kind.apply(record, errors, changes)


def _person_record_update(kind: PersonRecordKind, *, actor, record, changes: dict):
    errors = Errors()
    m2m = _person_record_change(kind, actor=actor, record=record, changes=changes, errors=errors)
    errors.raise_if_any()
    record.save()
    _save_m2m(record, m2m)
    return record


@dataclass
class UpsertRow:
    """One row of a batched upsert: ``record`` (an existing record) to change with ``data``, or None to register
    a new record from ``data`` (the keyword arguments of ``expert_register`` / ``graduate_register`` but the actor
    and the source)."""

    record: object | None
    data: dict
    invalid: bool = False  # the caller already found the row bad (the importer: unreadable cells): validated, never written


@dataclass
class _Planned:
    row: UpsertRow
    errors: Errors | None = None  # of a registration, from the identity check on
    record: object = None
    m2m: dict | None = None
    error: Exception | None = None
    person: Person | None = None
    person_state: str = ""  # person_match's "existing" / "mobile_changed" / "new"
    person_before: dict | None = None  # audit snapshot of a person whose mobile changes
    consent_share: bool = False
    before: dict | None = None  # audit snapshot of an updated record before the change
    values: dict | None = None  # an updated record's column values before the change


class _PersonIndex:
    """The persons a batch may resolve to, read in one query, and the persons the batch registers, so every row
    finds what the one-by-one flow would find after the rows before it (person_resolve's lookups)."""

    def __init__(self, identities):
        id_hashes = {i.id_hash for i in identities if i.id_hash}
        mobile_hashes = {i.mobile_hash for i in identities if i.mobile_hash}
        self.by_id: dict[str, Person] = {}
        self.by_mobile: dict[str, list[Person]] = {}  # in pk order, persons of this batch last
        if id_hashes or mobile_hashes:
            for person in Person.objects.select_for_update().filter(Q(id_hash__in=id_hashes) | Q(mobile_hash__in=mobile_hashes)).order_by("pk"):
                self.add(person)
        self.loaded = [p for people in self.by_mobile.values() for p in people] + [p for p in self.by_id.values() if not p.mobile_hash]

    def add(self, person: Person) -> None:
        if person.id_hash:
            self.by_id[person.id_hash] = person
        if person.mobile_hash:
            self.by_mobile.setdefault(person.mobile_hash, []).append(person)

    def moved(self, person: Person, old_hash: str) -> None:
        """The person's mobile changed from ``old_hash``."""
        if old_hash in self.by_mobile:
            self.by_mobile[old_hash] = [p for p in self.by_mobile[old_hash] if p is not person]
        people = self.by_mobile.setdefault(person.mobile_hash, [])
        people.append(person)
        people.sort(key=lambda p: (p.pk is None, p.pk or 0))

    def candidates(self, identity: Identity) -> tuple[Person | None, Person | None]:
        """person_resolve's (found, holder)."""
        found = self.by_id.get(identity.id_hash) if identity.id_hash else None
        if found is None and identity.mobile_hash and not identity.id_hash:
            found = next(iter(self.by_mobile.get(identity.mobile_hash, ())), None)
        holder = None
        if found is None and identity.mobile_hash and identity.id_hash:
            holder = next((p for p in self.by_mobile.get(identity.mobile_hash, ()) if p.id_hash), None)
        return found, holder


def _person_key(person: Person):
    return person.pk if person.pk is not None else ("new", id(person))


def _read_codes(codes: dict, rows: list[UpsertRow]) -> None:
    """Fill the batch's code cache with every code the rows name (``codes``: field -> code model): one query per
    code table."""
    wanted: dict[type, set[str]] = {}
    for row in rows:
        for field, model in codes.items():
            value = row.data.get(field)
            values = value if isinstance(value, (list, tuple)) else [value]
            wanted.setdefault(model, set()).update(str(v).strip() for v in values if isinstance(v, str) and v.strip())
    for model, codes in wanted.items():
        if codes:
            _lookup(model, sorted(codes))


def _concrete_values(record) -> dict:
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


def _plan_person_records(kind: PersonRecordKind, *, actor, source: str, source_partner: str, rows: list[UpsertRow]) -> list[_Planned]:
    """Validate every row with the single-row rules, against persons, records and codes read ahead in a few
    queries; rows see the persons and records of the valid rows before them, as one by one."""
    plan = [_Planned(row) for row in rows]
    identities = {}
    for item in plan:
        if item.row.record is None:
            item.errors = Errors()
            data = item.row.data
            identities[id(item)] = person_identity(name=data.get("name", ""), id_number=data.get("id_number", ""), mobile=data.get("mobile", ""), errors=item.errors)
    persons = _PersonIndex([i for i in identities.values() if i is not None])
    with_record = set(kind.model.objects.filter(person__in=[p.pk for p in persons.loaded]).values_list("person_id", flat=True)) if persons.loaded else set()
    updates = [item.row.record for item in plan if item.row.record is not None]
    prefetch_related_objects(updates, "person", *(f.name for f in kind.model._meta.many_to_many))
    user = _registrant_user(actor, source)
    for item in plan:
        if item.row.record is not None:
            _plan_update(item, lambda record, changes, errors: _person_record_change(kind, actor=actor, record=record, changes=changes, errors=errors))
        else:
            _plan_registration(kind, item, identities[id(item)], persons=persons, with_record=with_record, user=user, source=source,
                               source_partner=source_partner)
    return plan


def _plan_registration(kind, item: _Planned, identity: Identity | None, *, persons: _PersonIndex, with_record: set, user, source, source_partner):
    errors, data = item.errors, dict(item.row.data)
    person, state, old_mobile = None, "", None
    if identity is not None:
        found, holder = persons.candidates(identity)
        if found is not None:
            old_mobile, item.person_before = (found.mobile, found.mobile_hash), audit.snapshot(found)
        person, state = person_match(identity, found=found, holder=holder, email=data.get("email", ""), user=user, errors=errors)
    for key in ("name", "id_number", "mobile", "email"):
        data.pop(key, None)
    item.consent_share = bool(data.pop("consent_share", False))
    record, m2m = _person_record_build(
        kind, person=person, has_record=person is not None and _person_key(person) in with_record, source=source, source_partner=source_partner,
        external_id=data.pop("external_id", ""), status=data.pop("status", Status.SUBMITTED), consent_share=item.consent_share, profile=data, errors=errors,
    )
    if errors.errors or item.row.invalid:
        item.error = ValidationError(errors.errors)
        if state == "mobile_changed":  # the one-by-one flow rolls the row back, the new number with it
            person.mobile, person.mobile_hash = old_mobile
        return
    item.record, item.m2m, item.person, item.person_state = record, m2m, person, state
    if state == "new":
        persons.add(person)
    elif state == "mobile_changed":
        persons.moved(person, old_mobile[1])
    with_record.add(_person_key(person))


def _plan_row(item: _Planned, check: Callable) -> None:
    """Settle a row of a plan: ``check(errors)`` validates it and returns (record, m2m); a PermissionDenied, field
    errors or a row the caller found ``invalid`` make the row's error."""
    errors = Errors()
    try:
        record, m2m = check(errors)
    except permissions.PermissionDenied as exc:
        item.error = exc
        return
    if errors.errors or item.row.invalid:
        item.error = ValidationError(errors.errors)
        return
    item.record, item.m2m = record, m2m


def _plan_update(item: _Planned, change: Callable) -> None:
    """An update row of a plan: its record's values and audit snapshot before the change, then ``change(record,
    changes, errors)`` (the single-row checks, returning the M2M values)."""
    record = item.row.record
    item.values, item.before = _concrete_values(record), audit.snapshot(record)
    _plan_row(item, lambda errors: (record, change(record, dict(item.row.data), errors)))


def _write_person_records(kind: PersonRecordKind, plan: list[_Planned], *, source: str) -> None:
    """Write the valid rows of a plan in a few statements: persons, records, M2M rows, consents, the audit rows a
    one-by-one write leaves, and the matching index (registry.signals.records_saved)."""
    from .signals import records_saved

    now = timezone.now()
    good = [item for item in plan if item.error is None]
    created = [item for item in good if item.row.record is None]
    updated = [item for item in good if item.row.record is not None]
    new_persons = [item.person for item in created if item.person_state == "new"]
    moved = [item for item in created if item.person_state == "mobile_changed"]
    Person.objects.bulk_create(new_persons)
    for item in moved:
        item.person.updated_at = now
    Person.objects.bulk_update([item.person for item in moved], ["mobile", "mobile_hash", "updated_at"])

    for item in good:
        item.record.set_derived()
    _write_records(kind.model, created, updated, now=now)
    _write_m2m(kind.model, good)

    consents = []
    granting = [item for item in created if item.consent_share]
    if granting:
        held = set(Consent.objects.filter(person__in=[i.person.pk for i in granting if i.person_state != "new"], revoked_at=None,
                                          scope__in=REGISTRATION_CONSENTS).values_list("person_id", "scope"))
        consents = [Consent(person=i.person, scope=scope, channel=source, granted_at=now)
                    for i in granting for scope in REGISTRATION_CONSENTS if (i.person.pk, scope) not in held]
        Consent.objects.bulk_create(consents)

    audit.record_many([
        *(audit.saved_change(person, created=True) for person in new_persons),
        *(audit.saved_change(item.person, created=False, before=item.person_before) for item in moved),
        *(audit.saved_change(item.record, created=item.row.record is None, before=item.before, m2m=item.m2m) for item in good),
        *(audit.saved_change(consent, created=True) for consent in consents),
    ])
    records_saved.send(sender=kind.model, ids=[item.record.pk for item in good])
    if consents:
        records_saved.send(sender=Consent, ids=[c.pk for c in consents])


def _write_records(model, created: list[_Planned], updated: list[_Planned], *, now) -> None:
    """Insert the new records of a plan in one statement and update the changed ones (the columns that changed
    in any of them, and ``updated_at``) in one."""
    model.objects.bulk_create([item.record for item in created])
    for item in updated:
        item.record.updated_at = now
    fields = {f.name for item in updated for f in model._meta.concrete_fields if item.values[f.attname] != getattr(item.record, f.attname)}
    if updated:
        model.objects.bulk_update([item.record for item in updated], sorted(fields | {"updated_at"}), batch_size=500)


def _write_m2m(model, good: list[_Planned]) -> None:
    """What ``_save_m2m`` does row by row (add to a new record, set on an existing one), in one delete and one
    insert per relation."""
    for f in model._meta.many_to_many:
        through, source, target = f.remote_field.through, f"{f.m2m_field_name()}_id", f"{f.m2m_reverse_field_name()}_id"
        add, remove = [], Q()
        for item in good:
            if f.name not in item.m2m:
                continue
            new = list(dict.fromkeys(o.pk for o in item.m2m[f.name]))
            cache = getattr(item.record, "_prefetched_objects_cache", {})
            old = {o.pk for o in cache.pop(f.name, ())} if item.row.record is not None else set()
            add.extend(through(**{source: item.record.pk, target: pk}) for pk in new if pk not in old)
            if old - set(new):
                remove |= Q(**{source: item.record.pk, f"{target}__in": sorted(old - set(new))})
        if remove:
            through.objects.filter(remove).delete()
        through.objects.bulk_create(add)


def _upsert_many(*, codes: dict, rows: list[UpsertRow], all_or_nothing: bool, validate_only: bool, plan: Callable, write: Callable,
                 one_by_one: Callable) -> list:
    """The batched upsert of one kind: validate every row (``plan(rows)``, codes read ahead), then write the valid
    ones together (``write(plan)``; nothing when ``validate_only``, or when ``all_or_nothing`` and a row is
    invalid). A write that meets a constraint (a concurrent registration of the same person or external id) is
    rolled back and the rows go one by one (``one_by_one(rows)``), each in a savepoint. Returns per row the saved
    record (unsaved when not written) or the ValidationError / PermissionDenied / IntegrityError of the row."""
    with code_cache():
        _read_codes(codes, rows)
        planned = plan(rows)
        failed = any(item.error is not None for item in planned)
        if not (validate_only or (all_or_nothing and failed) or all(item.error is not None for item in planned)):
            try:
                with transaction.atomic(), audit.forgotten_on_error():
                    write(planned)
            except IntegrityError:
                return one_by_one(rows)
    return [item.error if item.error is not None else item.record for item in planned]


def _person_records_upsert_many(kind: PersonRecordKind, *, actor, source: str, source_partner: str, rows: list[UpsertRow],
                                all_or_nothing: bool, validate_only: bool, register: Callable, update: Callable) -> list:
    """:func:`_upsert_many` of a person record kind (experts, graduates)."""
    return _upsert_many(
        codes=kind.codes, rows=rows, all_or_nothing=all_or_nothing, validate_only=validate_only,
        plan=lambda rows: _plan_person_records(kind, actor=actor, source=source, source_partner=source_partner, rows=rows),
        write=lambda plan: _write_person_records(kind, plan, source=source),
        one_by_one=lambda rows: _one_by_one(kind.model, rows, register=lambda **data: register(actor=actor, source=source, source_partner=source_partner, **data),
                                            update=lambda record, **changes: update(actor=actor, record=record, **changes)),
    )


def _one_by_one(model, rows: list[UpsertRow], *, register: Callable, update: Callable) -> list:
    """The rows through the single-row services, each in its own savepoint (the batch's fallback); an ``invalid``
    row is checked by its service and rolled back. ``register(**data)`` / ``update(record, **changes)``."""
    fresh = model.objects.in_bulk([row.record.pk for row in rows if row.record is not None])  # the batch changed its copies
    out = []
    for row in rows:
        try:
            with transaction.atomic():
                saved = register(**row.data) if row.record is None else update(fresh[row.record.pk], **row.data)
                if row.invalid:
                    raise _NotWritten
            out.append(saved)
        except _NotWritten:
            out.append(ValidationError({}))
        except (ValidationError, permissions.PermissionDenied, IntegrityError) as exc:
            out.append(exc)
    return out


class _NotWritten(Exception):
    """Roll back the savepoint of an ``invalid`` row that its service accepted."""


@transaction.atomic
def experts_upsert_many(*, actor, source: str, source_partner: str = "", rows: list[UpsertRow], all_or_nothing: bool = False,
                        validate_only: bool = False) -> list:
    """Register or change many experts at once (the partner API's bulk upsert): the same checks, per-row errors,
    audit rows and index changes as ``expert_register`` / ``expert_update`` row by row, in a number of SQL
    statements that does not grow with the rows. See :func:`_person_records_upsert_many`."""
    return _person_records_upsert_many(
        EXPERTS, actor=actor, source=source, source_partner=source_partner, rows=rows, all_or_nothing=all_or_nothing,
        validate_only=validate_only, register=expert_register, update=lambda *, actor, record, **changes: expert_update(actor=actor, expert=record, **changes),
    )


@transaction.atomic
def graduates_upsert_many(*, actor, source: str, source_partner: str = "", rows: list[UpsertRow], all_or_nothing: bool = False,
                          validate_only: bool = False) -> list:
    """The batched ``graduate_register`` / ``graduate_update``, as :func:`experts_upsert_many`."""
    return _person_records_upsert_many(
        GRADUATES, actor=actor, source=source, source_partner=source_partner, rows=rows, all_or_nothing=all_or_nothing,
        validate_only=validate_only, register=graduate_register,
        update=lambda *, actor, record, **changes: graduate_update(actor=actor, graduate=record, **changes),
    )


# --- high-level talent -----------------------------------------------------------------------------


@transaction.atomic
def talent_register(*, actor=None, name: str, id_number: str = "", mobile: str = "", email: str = "", tier: str, programme: str,
                    recognised_on: dt.date, home_division: str, field: str | None = None, industry: str | None = None,
                    employer_name: str = "", notes: str = "", source: str = Source.STAFF, source_partner: str = "",
                    external_id: str = "", status: str = Status.SUBMITTED) -> HighLevelTalent:
    errors = Errors()
    person, _ = person_resolve(name=name, id_number=id_number, mobile=mobile, email=email, errors=errors)
    div = _code(Division, home_division, "home_division", errors, label="所在地")
    disc = _code(Discipline, field, "field", errors, label="学科", required=False)
    ind = _code(Industry, industry, "industry", errors, label="行业", required=False)
    if person is not None and HighLevelTalent.objects.filter(person=person, programme=programme).exists():
        errors.add("programme", f"该人员已有“{programme}”的认定记录", "duplicate_person")
    talent = HighLevelTalent(
        person=person, tier=tier, programme=programme, recognised_on=recognised_on, home_division=div, field=disc, industry=ind,
        employer_name=employer_name, notes=notes, region=div.region if div else "", source=source, source_partner=source_partner,
        external_id=external_id, status=status,
    )
    try:
        talent.full_clean(exclude=["person", "home_division", "field", "industry", "region", *errors.errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    _save_unique(talent, "programme", f"该人员已有“{programme}”的认定记录")
    return talent


TALENT_FIELDS = ("tier", "programme", "recognised_on", "employer_name", "notes")


@transaction.atomic
def talent_update(*, actor, talent: HighLevelTalent, **changes) -> HighLevelTalent:
    """Change a high-level talent record (not the person's identity), with the same checks as registration."""
    permissions.require(permissions.can_edit(actor, talent))
    errors = Errors()
    for f in TALENT_FIELDS:
        if f in changes:
            setattr(talent, f, changes[f])
    if "home_division" in changes:
        home = _code(Division, changes["home_division"], "home_division", errors, label="所在地")
        talent.home_division = home
        if home:
            talent.region = home.region
    if "field" in changes:
        talent.field = _code(Discipline, changes["field"], "field", errors, label="学科", required=False)
    if "industry" in changes:
        talent.industry = _code(Industry, changes["industry"], "industry", errors, label="行业", required=False)
    if "programme" in changes and HighLevelTalent.objects.filter(person_id=talent.person_id, programme=talent.programme).exclude(pk=talent.pk).exists():
        errors.add("programme", f"该人员已有“{talent.programme}”的认定记录", "duplicate_person")
    try:
        talent.full_clean(exclude=["person", "home_division", "field", "industry", "region", *errors.errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    talent.save()
    return talent


# --- demand ----------------------------------------------------------------------------------------

DEMAND_FIELDS = (
    "kind", "title", "description", "required_skills", "min_title_level", "period_start", "period_end", "headcount",
    "budget_min", "budget_max", "urgency", "challenge_reward", "challenge_deadline", "expires_at",
)


def _apply_demand(demand: Demand, errors: Errors, data: dict) -> dict:
    m2m = {}
    for field in DEMAND_FIELDS:
        if field in data:
            setattr(demand, field, data[field])
    if isinstance(demand.required_skills, str):
        demand.required_skills = [s.strip() for s in demand.required_skills.replace("，", ",").replace("、", ",").split(",") if s.strip()]
    if "industry" in data:
        demand.industry = _code(Industry, data["industry"], "industry", errors, label="行业")
    if "occupation" in data:
        demand.occupation = _code(Occupation, data["occupation"], "occupation", errors, label="职业", required=False)
    if "city" in data:
        city = _code(Division, data["city"], "city", errors, label="需求所在地")
        demand.city = city
        if city:  # (reading demand.city when it is None raises RelatedObjectDoesNotExist)
            demand.region = city.region
    if "sharing_modes" in data:
        demand.sharing_modes = _modes(data["sharing_modes"], "sharing_modes", errors)
    if "disciplines" in data:
        m2m["disciplines"] = _codes(Discipline, data["disciplines"], "disciplines", errors, label="学科")
    _range(data.get("headcount"), "headcount", errors, 1, 500, "需求人数")
    _window(demand.period_start, demand.period_end, "period_start", "period_end", errors, required=True)
    if demand.budget_min is not None and demand.budget_max is not None and demand.budget_max < demand.budget_min:
        errors.add("budget_max", "预算上限低于预算下限", "budget_order")
    if demand.kind == "open_challenge":
        if demand.challenge_reward in (None, ""):
            errors.add("challenge_reward", "揭榜挂帅需求须写明奖金", "required")
        if not demand.challenge_deadline:
            errors.add("challenge_deadline", "揭榜挂帅需求须写明揭榜截止日期", "required")
    demand.min_title_rank = domain.TITLE_LEVEL_RANK.get(demand.min_title_level, 0)
    try:
        demand.full_clean(exclude=["organisation", "industry", "occupation", "city", "sharing_modes", "headcount", "created_by", *errors.errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    return m2m


DEMAND_REQUIRED = ("kind", "title", "description", "industry", "city", "sharing_modes", "period_start", "period_end")
DEMAND_CODES = {"industry": Industry, "occupation": Occupation, "city": Division, "disciplines": Discipline}
ORGANISATION_EDIT_DENIED = "只有本单位成员或本地区工作人员可以为该单位发布需求"


def _demand_build(*, actor, organisation: Organisation, source, source_partner, external_id, status, data: dict, errors: Errors,
                  may_edit: Callable = permissions.can_edit):
    """The demand of a creation, validated: the actor may publish for the organisation (PermissionDenied), the
    required fields, ``_apply_demand``. Returns (demand, m2m)."""
    if actor is not None:
        permissions.require(may_edit(actor, organisation), ORGANISATION_EDIT_DENIED)
    demand = Demand(organisation=organisation, source=source, source_partner=source_partner, external_id=external_id, status=status,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for required in DEMAND_REQUIRED:
        if data.get(required) in (None, "", []):
            errors.add(required, "此项为必填项", "required")
    return demand, _apply_demand(demand, errors, data)


def _demand_change(*, actor, demand: Demand, changes: dict, errors: Errors, may_edit: Callable = permissions.can_edit) -> dict:
    """The checks of a change to a demand: the actor may edit it (PermissionDenied), the changes are valid."""
    permissions.require(may_edit(actor, demand))
    return _apply_demand(demand, errors, changes)


@transaction.atomic
def demand_create(*, actor, organisation: Organisation, source: str = Source.SELF, source_partner: str = "", external_id: str = "", status: str = Status.DRAFT, **data) -> Demand:
    errors = Errors()
    demand, m2m = _demand_build(actor=actor, organisation=organisation, source=source, source_partner=source_partner, external_id=external_id,
                                status=status, data=data, errors=errors)
    errors.raise_if_any()
    demand.save()
    _save_m2m(demand, m2m, created=True)
    return demand


@transaction.atomic
def demand_update(*, actor, demand: Demand, **changes) -> Demand:
    errors = Errors()
    m2m = _demand_change(actor=actor, demand=demand, changes=changes, errors=errors)
    errors.raise_if_any()
    demand.save()
    _save_m2m(demand, m2m)
    return demand


def _organisation_editor(actor, organisations: Iterable[Organisation]) -> Callable:
    """``permissions.can_edit`` for demands of these organisations and the organisations themselves, with the
    actor's memberships read once (one query, none for staff of every region concerned)."""
    organisations = list(organisations)
    member_of: set = set()
    if getattr(actor, "is_authenticated", False) and not all(permissions.can_staff_change(actor, o) for o in organisations):
        member_of = set(OrganisationMembership.objects.filter(user=actor, organisation__in=[o.pk for o in organisations]).values_list("organisation_id", flat=True))

    def may_edit(user, obj) -> bool:
        org_id = obj.pk if isinstance(obj, Organisation) else obj.organisation_id
        return permissions.can_staff_change(user, obj) or (getattr(user, "is_authenticated", False) and org_id in member_of)

    return may_edit


def _plan_demands(*, actor, source: str, source_partner: str, rows: list[UpsertRow]) -> list[_Planned]:
    """Validate every demand row with the single-row rules (``_demand_build`` / ``_demand_change``), codes and
    memberships read ahead."""
    plan = [_Planned(row) for row in rows]
    updates = [row.record for row in rows if row.record is not None]
    prefetch_related_objects(updates, "disciplines")
    may_edit = _organisation_editor(actor, [row.data["organisation"] for row in rows if row.record is None and row.data.get("organisation")]
                                    + [Organisation(pk=d.organisation_id, region=d.region) for d in updates])
    for item in plan:
        if item.row.record is not None:
            _plan_update(item, lambda record, changes, errors: _demand_change(actor=actor, demand=record, changes=changes, errors=errors, may_edit=may_edit))
            continue
        data = dict(item.row.data)
        _plan_row(item, lambda errors: _demand_build(
            actor=actor, organisation=data.pop("organisation"), source=source, source_partner=source_partner, external_id=data.pop("external_id", ""),
            status=data.pop("status", Status.DRAFT), data=data, errors=errors, may_edit=may_edit))
    return plan


def _write_demands(plan: list[_Planned]) -> None:
    """Write the valid demand rows in a few statements, with the audit rows and the matching index a one-by-one
    write leaves (registry.signals.records_saved)."""
    from .signals import records_saved

    good = [item for item in plan if item.error is None]
    for item in good:  # what Demand.save derives
        item.record.region = item.record.city_id[:2]
    _write_records(Demand, [i for i in good if i.row.record is None], [i for i in good if i.row.record is not None], now=timezone.now())
    _write_m2m(Demand, good)
    audit.record_many([audit.saved_change(item.record, created=item.row.record is None, before=item.before, m2m=item.m2m) for item in good])
    records_saved.send(sender=Demand, ids=[item.record.pk for item in good])


@transaction.atomic
def demands_upsert_many(*, actor, source: str, source_partner: str = "", rows: list[UpsertRow], all_or_nothing: bool = False,
                        validate_only: bool = False) -> list:
    """Create or change many demands at once (the partner API's bulk upsert, the importer): the same checks,
    per-row errors, audit rows and index changes as ``demand_create`` / ``demand_update`` row by row, in a number
    of SQL statements that does not grow with the rows. A new row's ``data`` holds the ``Organisation`` (and
    optionally ``external_id`` and ``status``, draft by default) besides the demand's fields. See
    :func:`_upsert_many`."""
    return _upsert_many(
        codes=DEMAND_CODES, rows=rows, all_or_nothing=all_or_nothing, validate_only=validate_only,
        plan=lambda rows: _plan_demands(actor=actor, source=source, source_partner=source_partner, rows=rows),
        write=_write_demands,
        one_by_one=lambda rows: _one_by_one(Demand, rows, register=lambda **data: demand_create(actor=actor, source=source, source_partner=source_partner, **data),
                                            update=lambda record, **changes: demand_update(actor=actor, demand=record, **changes)),
    )


# --- data quality ----------------------------------------------------------------------------------


@transaction.atomic
def duplicate_dismiss(*, actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    permissions.require(getattr(actor, "is_staff", False), "仅工作人员可以处理疑似重复记录")
    if candidate.resolution != DuplicateCandidate.Resolution.OPEN:
        raise ValidationError({"resolution": ["该记录已处理"]})
    candidate.resolution, candidate.resolved_by, candidate.resolved_at = DuplicateCandidate.Resolution.DISMISSED, actor, timezone.now()
    candidate.save()
    return candidate


@transaction.atomic
def duplicate_merge(*, actor, candidate: DuplicateCandidate) -> Person:
    """Staff confirm two person rows are one natural person: the candidate's records move to the existing person,
    which keeps its own identifiers; the candidate person is erased. Never automatic."""
    permissions.require(getattr(actor, "is_staff", False), "仅工作人员可以合并人员")
    if candidate.resolution != DuplicateCandidate.Resolution.OPEN:
        raise ValidationError({"resolution": ["该记录已处理"]})
    keep, drop = candidate.existing, candidate.candidate
    for model in (Expert, Graduate):
        if model.objects.filter(person=drop).exists() and model.objects.filter(person=keep).exists():
            raise ValidationError({"candidate": [ValidationError(
                f"两人在{model._meta.verbose_name_plural}中各有一条记录，请先撤回其中一条再合并", code="merge_conflict")]})
        model.objects.filter(person=drop).update(person=keep)
    HighLevelTalent.objects.filter(person=drop).exclude(programme__in=keep.talent_recognitions.values("programme")).update(person=keep)
    Consent.objects.filter(person=drop).update(person=keep)
    candidate.resolution, candidate.resolved_by, candidate.resolved_at = DuplicateCandidate.Resolution.MERGED, actor, timezone.now()
    candidate.save()
    person_erase(actor=actor, person=drop)
    return keep


# --- partner API keys (the partner API, registry.api_models) ------------------------------------------


@transaction.atomic
def api_key_create(*, actor=None, partner: str, name: str, scopes: Iterable[str], region: str, expires_at: dt.datetime | None = None,
                   throttle_rate: str = ""):
    """A new key for a partner system (its service account is created on first use). Returns (key, clear key):
    the clear key is shown once and never stored."""
    from django.contrib.auth import get_user_model

    from .api_models import SCOPES, PartnerApiKey

    errors = Errors()
    partner = (partner or "").strip()
    if not partner or len(partner) > 64 or not all(c.isalnum() or c in "-_." for c in partner):
        errors.add("partner", "合作系统代码应为1-64位字母、数字或 - _ .", "invalid")
    if not (name or "").strip():
        errors.add("name", "请填写密钥名称", "required")
    scopes = sorted(set(scopes or []))
    unknown = [sc for sc in scopes if sc not in SCOPES]
    if unknown:
        errors.add("scopes", f"未知的权限范围：{'、'.join(unknown)}", "unknown_scope")
    if not scopes:
        errors.add("scopes", "请至少选择一个权限范围", "required")
    if region not in [code for code, _zh, _en in domain.REGIONS]:
        errors.add("region", "地区应为 11（北京）、12（天津）或 13（河北）", "invalid_choice")
    if throttle_rate:
        try:
            count, period = throttle_rate.split("/")
            assert int(count) > 0 and period[:1] in ("s", "m", "h", "d")
        except (ValueError, AssertionError):
            errors.add("throttle_rate", "限流格式应为 次数/时段，如 600/min", "invalid")
    if expires_at is not None and expires_at <= timezone.now():
        errors.add("expires_at", "过期时间应晚于当前时间", "invalid")
    errors.raise_if_any()
    User = get_user_model()
    user = User.objects.filter(username=partner).first()
    if user is None:
        user = User(username=partner, is_staff=True, region=region, first_name=name[:150])
        user.set_unusable_password()
        user.save()
    elif user.has_usable_password() or user.is_superuser:
        raise ValidationError({"partner": [ValidationError("该代码已被人员账号使用，请换一个合作系统代码", code="duplicate")]})
    prefix, clear = PartnerApiKey.generate()
    from .api_models import hash_secret

    key = PartnerApiKey.objects.create(partner=user, name=name.strip(), prefix=prefix, key_hash=hash_secret(clear), scopes=scopes, region=region,
                                       expires_at=expires_at, throttle_rate=throttle_rate, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    return key, clear


@transaction.atomic
def api_key_revoke(*, actor=None, key) -> object:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    from django.core.cache import cache

    from .apikit.auth import key_cache_name

    cache.delete(key_cache_name(key.prefix))  # effective at once on every worker
    transaction.on_commit(lambda: cache.delete(key_cache_name(key.prefix)))
    return key
