"""Serializers of the registry's API. Input serializers check shapes and types only; every rule lives in
``registry.services`` (so the API's errors are the forms'). Output serializers declare the fields (for the
OpenAPI schema) and render rows directly (``to_representation``), with the relations prefetched by the
selectors — a page of 50 records is a handful of queries and no per-field serializer machinery."""

from __future__ import annotations

from rest_framework import serializers

from . import domain
from .apikit.schema import FieldErrorSerializer
from .choices import Source, Status


def _choices(table):
    return [code for code, _zh, _en in table]


def _iso(value):
    return value.isoformat() if value is not None else None


class Int(serializers.IntegerField):
    """An integer the database can hold (the services check the domain's range)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -(2**31))
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class CodeList(serializers.ListField):
    child = serializers.CharField(max_length=16)


# --- reference codes -----------------------------------------------------------------------------------


class DivisionOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    level = serializers.ChoiceField(choices=["province", "prefecture", "county"])
    region = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField()
    lng = serializers.FloatField()
    lat = serializers.FloatField()

    def to_representation(self, d):
        return {"code": d.code, "name": d.name, "short_name": d.short_name, "level": d.level, "region": d.region, "parent": d.parent_id,
                "depth": d.depth, "lng": d.lng, "lat": d.lat}


class DivisionGroupOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField(), help_text="组成区划代码 / Member division codes")

    def to_representation(self, g):
        return {"slug": g.slug, "name": g.name, "name_en": g.name_en, "members": sorted(m.code for m in g.members.all())}


class IndustryOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=["section", "division", "group", "class"])
    section = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField()

    def to_representation(self, i):
        return {"code": i.code, "name": i.name, "level": i.level, "section": i.section, "parent": i.parent_id, "depth": i.depth}


class DisciplineOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField()
    is_leaf = serializers.BooleanField()

    def to_representation(self, d):
        return {"code": d.code, "name": d.name, "name_en": d.name_en, "parent": d.parent_id, "depth": d.depth, "is_leaf": d.is_leaf}


class OccupationOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    gbm = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField()

    def to_representation(self, o):
        return {"code": o.code, "name": o.name, "gbm": o.gbm, "parent": o.parent_id, "depth": o.depth}


# --- shared pieces ---------------------------------------------------------------------------------------


class PersonalOut(serializers.Serializer):
    id_number = serializers.CharField(allow_blank=True)
    mobile = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    masked = serializers.BooleanField(help_text="true：已脱敏（无 personal:read）/ masked (no personal:read scope)")


class RecordMeta(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.values)
    region = serializers.CharField()
    source = serializers.ChoiceField(choices=Source.values)
    source_partner = serializers.CharField(allow_blank=True)
    external_id = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _meta(r) -> dict:
    return {"id": r.pk, "status": r.status, "region": r.region, "source": r.source, "source_partner": r.source_partner,
            "external_id": r.external_id, "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at)}


def _m2m(obj, name: str) -> list[str]:
    """Codes of a many-to-many relation: from ``selectors.attach_m2m_codes`` on lists, else the relation."""
    cache = getattr(obj, "_m2m_codes", None)
    if cache is not None and name in cache:
        return cache[name]
    return sorted(getattr(obj, name).values_list("pk", flat=True))


class PersonalMixin(serializers.Serializer):
    personal = PersonalOut(required=False, help_text="仅详情或 include=personal 时返回 / Only on detail or with include=personal")

    def with_personal(self, data: dict, record) -> dict:
        provider = self.context.get("personal")
        if provider is not None:
            data["personal"] = provider(record.person)
        return data


# --- organisations --------------------------------------------------------------------------------------


class OrganisationOut(RecordMeta):
    name = serializers.CharField()
    credit_code = serializers.CharField()
    org_type = serializers.ChoiceField(choices=_choices(domain.ORGANISATION_TYPES))
    division = serializers.CharField()
    industry = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_blank=True)
    contact_name = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True, help_text="始终脱敏 / Always masked")
    contact_email = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)

    def to_representation(self, o):
        from .identifiers import mask_mobile

        return {**_meta_org(o), "name": o.name, "credit_code": o.credit_code, "org_type": o.org_type, "division": o.division_id,
                "industry": o.industry_id, "address": o.address, "contact_name": o.contact_name, "contact_phone": mask_mobile(o.contact_phone or ""),
                "contact_email": o.contact_email, "description": o.description}


def _meta_org(o) -> dict:
    return {"id": o.pk, "status": o.status, "region": o.region, "source": o.source, "source_partner": o.source_partner,
            "external_id": o.external_id, "created_at": _iso(o.created_at), "updated_at": _iso(o.updated_at)}


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=30)
    org_type = serializers.ChoiceField(choices=_choices(domain.ORGANISATION_TYPES))
    division = serializers.CharField(max_length=16)
    industry = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


# --- experts ------------------------------------------------------------------------------------------------


class ExpertOut(RecordMeta, PersonalMixin):
    name = serializers.CharField()
    gender = serializers.CharField(allow_blank=True)
    birth_year = serializers.IntegerField(allow_null=True)
    employer = serializers.IntegerField(allow_null=True)
    employer_name = serializers.CharField()
    home_division = serializers.CharField()
    outside_region = serializers.BooleanField()
    talent_team = serializers.ChoiceField(choices=_choices(domain.TALENT_TEAMS))
    title_series = serializers.CharField(allow_blank=True)
    title_level = serializers.ChoiceField(choices=_choices(domain.TITLE_LEVELS))
    position = serializers.CharField(allow_blank=True)
    disciplines = serializers.ListField(child=serializers.CharField())
    industries = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())
    research_areas = serializers.CharField(allow_blank=True)
    achievements = serializers.CharField(allow_blank=True)
    sharing_modes = serializers.ListField(child=serializers.ChoiceField(choices=domain.SHARING_MODE_CODES))
    serves_all_hebei = serializers.BooleanField()
    served_cities = serializers.ListField(child=serializers.CharField())
    max_engagements = serializers.IntegerField()
    days_per_month = serializers.IntegerField()
    available_from = serializers.DateField(allow_null=True)
    available_until = serializers.DateField(allow_null=True)
    rating_avg = serializers.FloatField()
    rating_count = serializers.IntegerField()

    def to_representation(self, e):
        p = e.person
        data = {
            **_meta(e), "name": p.name, "gender": p.gender, "birth_year": p.birth_year, "employer": e.employer_id, "employer_name": e.employer_name,
            "home_division": e.home_division_id, "outside_region": e.outside_region, "talent_team": e.talent_team, "title_series": e.title_series,
            "title_level": e.title_level, "position": e.position, "disciplines": _m2m(e, "disciplines"), "industries": _m2m(e, "industries"),
            "skills": [str(s) for s in (e.skills or [])], "research_areas": e.research_areas, "achievements": e.achievements,
            "sharing_modes": list(e.sharing_modes or []), "serves_all_hebei": e.serves_all_hebei, "served_cities": _m2m(e, "served_cities"),
            "max_engagements": e.max_engagements, "days_per_month": e.days_per_month, "available_from": _iso(e.available_from),
            "available_until": _iso(e.available_until), "rating_avg": e.rating_avg, "rating_count": e.rating_count,
        }
        return self.with_personal(data, e)


class ExpertIn(serializers.Serializer):
    """Identity fields (name, id_number, mobile, email) are read on creation only."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    employer_name = serializers.CharField(max_length=200)
    home_division = serializers.CharField(max_length=16)
    talent_team = serializers.ChoiceField(choices=_choices(domain.TALENT_TEAMS), required=False)
    title_series = serializers.ChoiceField(choices=_choices(domain.TITLE_SERIES), required=False, allow_blank=True)
    title_level = serializers.ChoiceField(choices=_choices(domain.TITLE_LEVELS), required=False)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True)
    disciplines = CodeList(required=False, max_length=50)
    industries = CodeList(required=False, max_length=50)
    skills = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=100)
    research_areas = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    achievements = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    sharing_modes = serializers.ListField(child=serializers.ChoiceField(choices=domain.SHARING_MODE_CODES), min_length=1)
    serves_all_hebei = serializers.BooleanField(required=False)
    served_cities = CodeList(required=False, max_length=20)
    max_engagements = Int(required=False)
    days_per_month = Int(required=False)
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


IDENTITY_FIELDS = ("name", "id_number", "mobile", "email")


# --- high-level talent ------------------------------------------------------------------------------------


class TalentOut(RecordMeta, PersonalMixin):
    name = serializers.CharField()
    tier = serializers.ChoiceField(choices=_choices(domain.TALENT_TIERS))
    programme = serializers.CharField()
    recognised_on = serializers.DateField()
    field = serializers.CharField(allow_null=True)
    industry = serializers.CharField(allow_null=True)
    employer_name = serializers.CharField(allow_blank=True)
    home_division = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)

    def to_representation(self, t):
        data = {**_meta(t), "name": t.person.name, "tier": t.tier, "programme": t.programme, "recognised_on": _iso(t.recognised_on),
                "field": t.field_id, "industry": t.industry_id, "employer_name": t.employer_name, "home_division": t.home_division_id, "notes": t.notes}
        return self.with_personal(data, t)


class TalentIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    tier = serializers.ChoiceField(choices=_choices(domain.TALENT_TIERS))
    programme = serializers.CharField(max_length=100)
    recognised_on = serializers.DateField()
    home_division = serializers.CharField(max_length=16)
    field = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    industry = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    employer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


# --- graduates ----------------------------------------------------------------------------------------------


class GraduateOut(RecordMeta, PersonalMixin):
    name = serializers.CharField()
    school = serializers.CharField()
    school_division = serializers.CharField()
    degree = serializers.ChoiceField(choices=_choices(domain.DEGREES))
    major = serializers.CharField()
    major_discipline = serializers.CharField(allow_null=True)
    graduation_year = serializers.IntegerField()
    preferred_cities = serializers.ListField(child=serializers.CharField())
    intended_industries = serializers.ListField(child=serializers.CharField())
    intended_occupations = serializers.ListField(child=serializers.CharField())
    job_intentions = serializers.CharField(allow_blank=True)
    seeking_status = serializers.ChoiceField(choices=_choices(domain.SEEKING_STATUS))

    def to_representation(self, g):
        data = {**_meta(g), "name": g.person.name, "school": g.school, "school_division": g.school_division_id, "degree": g.degree, "major": g.major,
                "major_discipline": g.major_discipline_id, "graduation_year": g.graduation_year, "preferred_cities": _m2m(g, "preferred_cities"),
                "intended_industries": _m2m(g, "intended_industries"), "intended_occupations": _m2m(g, "intended_occupations"),
                "job_intentions": g.job_intentions, "seeking_status": g.seeking_status}
        return self.with_personal(data, g)


class GraduateIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    school = serializers.CharField(max_length=100)
    school_division = serializers.CharField(max_length=16)
    degree = serializers.ChoiceField(choices=_choices(domain.DEGREES))
    major = serializers.CharField(max_length=100)
    major_discipline = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    graduation_year = Int()
    preferred_cities = CodeList(required=False, max_length=20)
    intended_industries = CodeList(required=False, max_length=50)
    intended_occupations = CodeList(required=False, max_length=50)
    job_intentions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    seeking_status = serializers.ChoiceField(choices=_choices(domain.SEEKING_STATUS), required=False)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


# --- demand -------------------------------------------------------------------------------------------------


class DemandOut(RecordMeta):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=_choices(domain.DEMAND_KINDS))
    title = serializers.CharField()
    description = serializers.CharField()
    industry = serializers.CharField()
    disciplines = serializers.ListField(child=serializers.CharField())
    occupation = serializers.CharField(allow_null=True)
    required_skills = serializers.ListField(child=serializers.CharField())
    min_title_level = serializers.ChoiceField(choices=_choices(domain.TITLE_LEVELS))
    sharing_modes = serializers.ListField(child=serializers.ChoiceField(choices=domain.SHARING_MODE_CODES))
    city = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    headcount = serializers.IntegerField()
    budget_min = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=True)
    budget_max = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=True)
    urgency = serializers.ChoiceField(choices=_choices(domain.URGENCY))
    challenge_reward = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=True)
    challenge_deadline = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateField(allow_null=True)

    def to_representation(self, d):
        dec = lambda v: None if v is None else f"{v:.2f}"  # noqa: E731
        return {
            **_meta(d), "organisation": d.organisation_id, "organisation_name": d.organisation.name, "kind": d.kind, "title": d.title,
            "description": d.description, "industry": d.industry_id, "disciplines": _m2m(d, "disciplines"), "occupation": d.occupation_id,
            "required_skills": [str(s) for s in (d.required_skills or [])], "min_title_level": d.min_title_level, "sharing_modes": list(d.sharing_modes or []),
            "city": d.city_id, "period_start": _iso(d.period_start), "period_end": _iso(d.period_end), "headcount": d.headcount,
            "budget_min": dec(d.budget_min), "budget_max": dec(d.budget_max), "urgency": d.urgency, "challenge_reward": dec(d.challenge_reward),
            "challenge_deadline": _iso(d.challenge_deadline), "published_at": _iso(d.published_at), "expires_at": _iso(d.expires_at),
        }


class DemandIn(serializers.Serializer):
    organisation = Int(required=False, min_value=1, help_text="需求单位 id（或 organisation_credit_code） / Organisation id")
    organisation_credit_code = serializers.CharField(max_length=30, required=False, help_text="需求单位统一社会信用代码 / The organisation's credit code")
    kind = serializers.ChoiceField(choices=_choices(domain.DEMAND_KINDS))
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    industry = serializers.CharField(max_length=16)
    disciplines = CodeList(required=False, max_length=50)
    occupation = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    required_skills = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=100)
    min_title_level = serializers.ChoiceField(choices=_choices(domain.TITLE_LEVELS), required=False)
    sharing_modes = serializers.ListField(child=serializers.ChoiceField(choices=domain.SHARING_MODE_CODES), min_length=1)
    city = serializers.CharField(max_length=16)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    headcount = Int(required=False)
    budget_min = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=_choices(domain.URGENCY), required=False)
    challenge_reward = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    challenge_deadline = serializers.DateField(required=False, allow_null=True)
    expires_at = serializers.DateField(required=False, allow_null=True)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


# --- transitions and bulk ---------------------------------------------------------------------------------


class TransitionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=Status.values, help_text="目标状态 / Target status")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class BulkResultOut(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["created", "updated", "error", "rolled_back"])
    id = serializers.IntegerField(allow_null=True)
    errors = FieldErrorSerializer(many=True)


class BulkOut(serializers.Serializer):
    atomic = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    failed = serializers.IntegerField()
    rolled_back = serializers.IntegerField()
    results = BulkResultOut(many=True)


def bulk_in(row_serializer):
    return type(f"{row_serializer.__name__.removesuffix('In')}BulkIn", (serializers.Serializer,), {
        "rows": serializers.ListField(child=row_serializer(), max_length=1000, help_text="每行须含 external_id；最多1000行 / Each row needs external_id; at most 1,000 rows"),
        "__doc__": "Bulk upsert by external_id.",
    })
