"""Reads of matching data: registry rows turned into engine records (a fixed handful of values() queries,
whatever the number of records: no N+1), and querysets of the lifecycle for views, the API and the admin."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from registry import domain
from registry.choices import ConsentScope, Status
from registry.models import Consent, Demand, Expert, Graduate

from .engine import DemandRecord, ExpertRecord, GraduateRecord, mode_mask
from .engine.acceptance import AcceptanceModel
from .models import (
    Application,
    ApplicationMember,
    Engagement,
    Invitation,
    LifecycleEvent,
    Rating,
    Recommendation,
    ReviewPanel,
)

_SPLIT = re.compile(r"[，,；;、\n/]+")
DEGREE_RANK = {code: i for i, (code, _, _) in enumerate(domain.DEGREES)}
ANSWERED = (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED)
MIN_SAMPLES_FOR_MODEL = 50


def _mask(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return mode_mask(value)


def _phrases(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in _SPLIT.split(text or "") if p.strip())


def _pairs(through, left: str, right: str, left_ids: Iterable[int] | QuerySet | None) -> dict[int, list[str]]:
    qs = through.objects.all()
    if left_ids is not None:
        qs = qs.filter(**{f"{left}__in": left_ids})
    out: dict[int, list[str]] = defaultdict(list)
    for a, b in qs.values_list(left, right).iterator(chunk_size=5000):
        out[a].append(b)
    return out


def matchable_experts() -> QuerySet[Expert]:
    """Experts the engine may propose: verified, of Beijing or Tianjin (the sharing regions)."""
    return Expert.objects.filter(status=Status.VERIFIED, outside_region=False)


def persons_without_matching_consent(person_ids: Iterable[int] | None = None) -> set[int]:
    """Persons who revoked their consent to matching (PIPL) and hold no active one."""
    qs = Consent.objects.filter(scope=ConsentScope.MATCHING)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    active, revoked = set(), set()
    for person_id, revoked_at in qs.values_list("person_id", "revoked_at"):
        (revoked if revoked_at else active).add(person_id)
    return revoked - active


def acceptance_rates(expert_ids: Iterable[int] | QuerySet | None = None, *, prior_strength: float = 4.0
                     ) -> tuple[dict[int, float], float]:
    """Per expert, the share of answered invitations they accepted, shrunk towards the global share
    (see engine.acceptance.smoothed_rates); and the global share (0.5 before any answer)."""
    answered = Invitation.objects.filter(status__in=ANSWERED)
    totals = answered.aggregate(n=Count("id"), acc=Count("id", filter=Q(status=Invitation.Status.ACCEPTED)))
    if not totals["n"]:
        return {}, 0.5
    p0 = totals["acc"] / totals["n"]
    qs = answered if expert_ids is None else answered.filter(expert_id__in=expert_ids)
    rows = qs.values("expert_id").annotate(n=Count("id"), acc=Count("id", filter=Q(status=Invitation.Status.ACCEPTED)))
    rates = {r["expert_id"]: (r["acc"] + prior_strength * p0) / (r["n"] + prior_strength) for r in rows}
    return rates, p0


def active_engagement_counts(expert_ids: Iterable[int] | QuerySet | None = None) -> dict[int, int]:
    qs = Engagement.objects.filter(status=Engagement.Status.ACTIVE)
    if expert_ids is not None:
        qs = qs.filter(expert_id__in=expert_ids)
    return dict(qs.values("expert_id").annotate(n=Count("id")).values_list("expert_id", "n"))


def expert_records(*, ids: Iterable[int] | None = None) -> list[ExpertRecord]:
    """Engine records of experts (all matchable ones, or the given ids whatever their status; a record
    that may not be matched comes back with verified_active=False)."""
    if ids is None:
        base = matchable_experts()
        key_filter = base.values("id")
    else:
        ids = list(ids)
        base = Expert.objects.filter(id__in=ids)
        key_filter = ids
    rows = list(base.values(
        "id", "person_id", "person__name", "employer_id", "status", "outside_region", "sharing_modes",
        "home_division_id", "home_division__lng", "home_division__lat", "serves_all_hebei", "title_rank",
        "skills", "research_areas", "achievements", "max_engagements", "available_from", "available_until",
        "rating_avg", "rating_count",
    ).order_by("id"))
    industries = _pairs(Expert.industries.through, "expert_id", "industry_id", key_filter)
    disciplines = _pairs(Expert.disciplines.through, "expert_id", "discipline_id", key_filter)
    served = _pairs(Expert.served_cities.through, "expert_id", "division_id", key_filter)
    load = active_engagement_counts(key_filter)
    rates, global_rate = acceptance_rates(key_filter)
    no_consent = persons_without_matching_consent([r["person_id"] for r in rows] if ids is not None else None)
    out = []
    for r in rows:
        eid = r["id"]
        skills = r["skills"] or []
        if isinstance(skills, str):
            skills = _phrases(skills)
        out.append(ExpertRecord(
            id=eid, org_id=r["employer_id"],
            verified_active=(r["status"] == Status.VERIFIED and not r["outside_region"]
                             and r["person_id"] not in no_consent),
            modes=_mask(r["sharing_modes"]), home_division=r["home_division_id"] or "",
            lng=r["home_division__lng"], lat=r["home_division__lat"],
            served_prefectures=frozenset(served.get(eid, ())), serves_all_hebei=r["serves_all_hebei"],
            title_level=r["title_rank"], industry_codes=tuple(industries.get(eid, ())),
            discipline_codes=tuple(disciplines.get(eid, ())), skills=tuple(str(s) for s in skills),
            research_areas=_phrases(r["research_areas"]), achievements=r["achievements"] or "",
            capacity=r["max_engagements"], active_engagements=load.get(eid, 0),
            available_from=r["available_from"], available_until=r["available_until"],
            rating_avg=r["rating_avg"] or 0.0, rating_count=r["rating_count"] or 0,
            acceptance_prior=rates.get(eid, global_rate), name=r["person__name"],
        ))
    return out


def demand_filled_units(demand_ids: Iterable[int] | QuerySet | None = None) -> dict[int, int]:
    """Headcount used per demand by live or finished engagements; a team (one application) fills one place."""
    qs = Engagement.objects.filter(status__in=(Engagement.Status.ACTIVE, Engagement.Status.COMPLETED))
    if demand_ids is not None:
        qs = qs.filter(demand_id__in=demand_ids)
    units: dict[int, set] = defaultdict(set)
    for demand_id, engagement_id, application_id in qs.values_list("demand_id", "id", "application_id"):
        units[demand_id].add(("a", application_id) if application_id else ("e", engagement_id))
    return {d: len(u) for d, u in units.items()}


def open_demands() -> QuerySet[Demand]:
    today = timezone.localdate()
    return Demand.objects.filter(status=Status.PUBLISHED, period_end__gte=today).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gte=today))


def demand_records(*, ids: Iterable[int] | None = None) -> list[DemandRecord]:
    """Engine records of demands (all open ones, or the given ids; closed ones come back with is_open=False).
    The headcount is what is still to fill."""
    today = timezone.localdate()
    if ids is None:
        base = open_demands()
        key_filter = base.values("id")
    else:
        ids = list(ids)
        base = Demand.objects.filter(id__in=ids)
        key_filter = ids
    rows = list(base.values(
        "id", "organisation_id", "kind", "title", "description", "required_skills", "industry_id", "occupation_id",
        "min_title_rank", "sharing_modes", "city_id", "city__lng", "city__lat", "period_start", "period_end",
        "headcount", "status", "expires_at",
    ).order_by("id"))
    disciplines = _pairs(Demand.disciplines.through, "demand_id", "discipline_id", key_filter)
    filled = demand_filled_units(key_filter)
    out = []
    for r in rows:
        did = r["id"]
        remaining = max(r["headcount"] - filled.get(did, 0), 0)
        is_open = (r["status"] == Status.PUBLISHED and r["period_end"] >= today
                   and (r["expires_at"] is None or r["expires_at"] >= today) and remaining > 0)
        skills = r["required_skills"] or []
        if isinstance(skills, str):
            skills = _phrases(skills)
        out.append(DemandRecord(
            id=did, org_id=r["organisation_id"], title=r["title"], description=r["description"] or "",
            required_skills=tuple(str(s) for s in skills), industry_code=r["industry_id"] or "",
            discipline_codes=tuple(disciplines.get(did, ())), min_title_level=r["min_title_rank"],
            modes=_mask(r["sharing_modes"]), city_code=r["city_id"] or "", lng=r["city__lng"], lat=r["city__lat"],
            period_start=r["period_start"], period_end=r["period_end"], headcount=remaining, kind=r["kind"],
            occupation_codes=(r["occupation_id"],) if r["occupation_id"] else (), is_open=is_open,
        ))
    return out


def graduate_records(*, ids: Iterable[int] | None = None) -> list[GraduateRecord]:
    if ids is None:
        base = Graduate.objects.filter(status=Status.VERIFIED)
        key_filter = base.values("id")
    else:
        ids = list(ids)
        base = Graduate.objects.filter(id__in=ids)
        key_filter = ids
    rows = list(base.values("id", "person_id", "person__name", "status", "major", "major_discipline_id", "degree",
                            "graduation_year", "job_intentions", "seeking_status").order_by("id"))
    cities = _pairs(Graduate.preferred_cities.through, "graduate_id", "division_id", key_filter)
    industries = _pairs(Graduate.intended_industries.through, "graduate_id", "industry_id", key_filter)
    occupations = _pairs(Graduate.intended_occupations.through, "graduate_id", "occupation_id", key_filter)
    no_consent = persons_without_matching_consent([r["person_id"] for r in rows] if ids is not None else None)
    out = []
    for r in rows:
        gid = r["id"]
        out.append(GraduateRecord(
            id=gid, major_discipline_code=r["major_discipline_id"] or "", major_name=r["major"] or "",
            degree=DEGREE_RANK.get(r["degree"], 1), graduation_year=r["graduation_year"],
            preferred_cities=tuple(sorted(cities.get(gid, ()))), intended_industries=tuple(industries.get(gid, ())),
            intended_occupations=tuple(occupations.get(gid, ())), skills=_phrases(r["job_intentions"]),
            seeking=(r["status"] == Status.VERIFIED and r["seeking_status"] in ("seeking", "open")
                     and r["person_id"] not in no_consent),
            name=r["person__name"],
        ))
    return out


def acceptance_training_data() -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """Features recorded at invitation time and whether the expert accepted, for AcceptanceModel.fit."""
    rows = list(Invitation.objects.filter(status__in=ANSWERED).exclude(features={})
                .values_list("features", "status"))
    if len(rows) < MIN_SAMPLES_FOR_MODEL:
        return None
    from .engine.acceptance import FEATURES, logit

    feats: dict[str, list[float]] = {f: [] for f in FEATURES}
    y = []
    for features, status in rows:
        for f in FEATURES:
            if f == "prior_logit":
                feats[f].append(float(logit(features.get("acceptance", 0.5))))
            else:
                v = features.get(f)
                feats[f].append(0.0 if v is None else float(v))
        y.append(status == Invitation.Status.ACCEPTED)
    return {k: np.array(v) for k, v in feats.items()}, np.array(y)


def acceptance_model() -> AcceptanceModel | None:
    """A logistic acceptance model fitted on the recorded answers, once there are enough of them."""
    data = acceptance_training_data()
    if data is None:
        return None
    features, y = data
    if y.all() or not y.any():
        return None
    return AcceptanceModel.fit(features, y, l2=1.0)


# --- lifecycle reads -----------------------------------------------------------------------------


def recommendations_for_demand(demand) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(demand=demand).select_related("expert__person").order_by("-created_at", "rank")


def recommendations_for_expert(expert) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(expert=expert).select_related("demand").order_by("-created_at", "rank")


def invitations_for_expert(expert, *, status: str | None = None) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(expert=expert).select_related("demand__organisation")
    return qs.filter(status=status) if status else qs


def invitations_for_demand(demand) -> QuerySet[Invitation]:
    return Invitation.objects.filter(demand=demand).select_related("expert__person")


def applications_for_demand(demand) -> QuerySet[Application]:
    return Application.objects.filter(demand=demand).select_related("expert__person").prefetch_related("team__expert__person")


def applications_for_expert(expert) -> QuerySet[Application]:
    return Application.objects.filter(Q(expert=expert) | Q(team__expert=expert)).distinct().select_related("demand")


def team_memberships_for_expert(expert) -> QuerySet[ApplicationMember]:
    """The team applications (组团服务) naming ``expert`` as a member (not as the lead): those awaiting the expert's
    confirmation on an open application first, then the newest."""
    pending = Case(When(confirmed_at__isnull=True, application__status=Application.Status.SUBMITTED, then=Value(True)),
                   default=Value(False), output_field=BooleanField())
    return (ApplicationMember.objects.filter(expert=expert, role=ApplicationMember.Role.MEMBER)
            .select_related("application__demand__organisation", "application__expert__person")
            .annotate(awaiting=pending).order_by("-awaiting", "-application__created_at"))


def engagements_for_expert(expert, *, status: str | None = None) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(expert=expert).select_related("demand", "organisation")
    return qs.filter(status=status) if status else qs


def engagements_for_organisation(organisation, *, status: str | None = None) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(organisation=organisation).select_related("demand", "expert__person")
    return qs.filter(status=status) if status else qs


def ratings_of_expert(expert) -> QuerySet[Rating]:
    return Rating.objects.filter(engagement__expert=expert, side=Rating.Side.ENTERPRISE).select_related("engagement__demand")


def ratings_of_organisation(organisation) -> QuerySet[Rating]:
    return Rating.objects.filter(engagement__organisation=organisation, side=Rating.Side.EXPERT)


def history(obj) -> QuerySet[LifecycleEvent]:
    """The lifecycle events of an invitation, application or engagement, oldest first."""
    field = {Invitation: "invitation", Application: "application", Engagement: "engagement"}[type(obj)]
    return LifecycleEvent.objects.filter(**{field: obj}).select_related("actor")


def review_panels() -> QuerySet[ReviewPanel]:
    return ReviewPanel.objects.select_related("discipline", "industry", "drawn_by").prefetch_related("seats__expert__person")
