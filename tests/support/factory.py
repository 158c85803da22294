"""Valid records built through the registry services, with generated valid identifiers."""

from __future__ import annotations

import datetime as dt
import itertools

from registry import identifiers, services
from registry.choices import Source, Status

_seq = itertools.count(1)


def id_number(n: int | None = None, *, prefix: str = "110105", birth: str = "19800101") -> str:
    n = next(_seq) if n is None else n
    body = f"{prefix}{birth}{n % 1000:03d}"
    return body + identifiers.id_number_check_char(body)


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"91130600MA{n:07d}"[:17]
    return body + identifiers.credit_code_check_char(body)


def mobile(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return f"139{n:08d}"[:11]


class Factory:
    def organisation(self, *, division: str = "130600", verified: bool = True, actor=None, **kw):
        org = services.organisation_register(
            actor=actor, name=kw.pop("name", f"保定示例科技有限公司{next(_seq)}"), credit_code=kw.pop("credit_code", credit_code()),
            org_type=kw.pop("org_type", "enterprise"), division=division, industry=kw.pop("industry", "3912"), **kw,
        )
        if verified:
            org.status = Status.VERIFIED
            org.save()
        return org

    def expert(self, *, home_division: str = "110108", status: str = Status.VERIFIED, **kw):
        n = next(_seq)
        data = dict(
            # a birth date and a mobile range of their own: the numbers tests write by hand (id_number(901), …) never collide
            name=f"专家{n}", id_number=id_number(n, birth="19810101"), mobile=mobile(n + 10_000_000), employer_name="清华大学", home_division=home_division,
            title_series="engineering", title_level="senior", sharing_modes=["consulting", "remote"], serves_all_hebei=True,
            disciplines=["F02"], industries=["3912"], skills=["集成电路", "芯片设计"], research_areas="集成电路设计",
            max_engagements=3, days_per_month=6, source=Source.STAFF, status=status,
        )
        data.update(kw)
        return services.expert_register(**data)

    def demand(self, *, organisation=None, status: str = Status.DRAFT, **kw):
        organisation = organisation or self.organisation()
        today = dt.date.today()
        data = dict(
            kind="technical_problem", title="芯片封装良率提升", description="需要集成电路封装方面的专家指导", industry="3973",
            disciplines=["F04"], required_skills=["封装"], min_title_level="associate_senior", sharing_modes=["consulting", "remote"],
            city=organisation.division_id, period_start=today, period_end=today + dt.timedelta(days=180), headcount=2,
        )
        data.update(kw)
        return services.demand_create(actor=None, organisation=organisation, status=status, **data)

    def graduate(self, *, status: str = Status.VERIFIED, **kw):
        n = next(_seq)
        data = dict(
            name=f"毕业生{n}", id_number=id_number(n, birth="20010101"), mobile=mobile(n + 50_000_000), school="河北工业大学", school_division="120102",
            degree="master", major="计算机科学与技术", major_discipline="F02", graduation_year=2026, preferred_cities=["130600"],
            source=Source.STAFF, status=status,
        )
        data.update(kw)
        return services.graduate_register(**data)
