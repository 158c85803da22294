"""Fixtures for the engine tests: the real taxonomy and a hand-made pool."""
import dataclasses
import datetime as dt

import pytest

from matching.engine import (
    DemandRecord,
    ExpertIndex,
    ExpertRecord,
    default_taxonomy,
    mode_mask,
)


@pytest.fixture(scope="session")
def tax():
    return default_taxonomy()


def make_expert(id=1, **kw) -> ExpertRecord:
    """An expert who matches `make_demand()` on every hard rule."""
    base = dict(
        id=id, org_id=10, verified_active=True, modes=mode_mask(["part_time", "consulting"]),
        home_division="110108", serves_all_hebei=True, title_level=4,
        industry_codes=("3973",), discipline_codes=("F040601",),
        skills=("集成电路封装", "芯片测试"), research_areas=("集成电路制造工艺",),
        achievements="长期从事集成电路封装测试研究，主持国家重点研发计划项目。",
        capacity=2, active_engagements=0, rating_avg=0.0, rating_count=0, name=f"E{id}")
    base.update(kw)
    return ExpertRecord(**base)


def make_demand(id=100, **kw) -> DemandRecord:
    base = dict(
        id=id, org_id=500, title="集成电路封装测试工艺优化",
        description="廊坊一家芯片封装企业，封装测试良品率偏低，希望专家指导工艺改进。",
        required_skills=("封装测试",), industry_code="3973", discipline_codes=("F0406",),
        min_title_level=3, modes=mode_mask(["part_time", "consulting", "remote"]),
        city_code="131003", period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 12, 31),
        headcount=1)
    base.update(kw)
    return DemandRecord(**base)


def fillers(start=1000, n=12):
    """Unrelated experts so that document frequencies mean something."""
    topics = [
        (("3612",), ("E0705",), ("新能源汽车动力电池", "电池管理系统")),
        (("2710",), ("H3008",), ("化学药品制剂", "药物分析")),
        (("0111",), ("C1301",), ("水稻育种", "栽培技术")),
        (("6513",), ("F0205",), ("软件开发", "大数据分析")),
    ]
    out = []
    for i in range(n):
        ind, disc, skills = topics[i % len(topics)]
        out.append(make_expert(start + i, org_id=900 + i, industry_codes=ind, discipline_codes=disc,
                               skills=skills, research_areas=(), achievements="主持省部级科技计划项目。"))
    return out


def build(tax, experts, demands=(), **kw) -> ExpertIndex:
    return ExpertIndex.build(list(experts) + fillers(), tax, demands=list(demands), **kw)


def replace(rec, **kw):
    return dataclasses.replace(rec, **kw)


# --- Django side -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_holder():
    """Each test starts with no index in this process (the database is rolled back between tests)."""
    from matching.holder import holder

    holder.reset()
    yield
    holder.reset()


class World:
    """A published Hebei demand, its enterprise member, and experts who can log in."""

    def __init__(self, factory, make_user):
        from registry.choices import Status
        from registry.models import OrganisationMembership

        self.factory = factory
        self.make_user = make_user
        self.org = factory.organisation(division="131000", name="廊坊芯片封装有限公司")
        self.boss = make_user(username="boss")
        OrganisationMembership.objects.create(organisation=self.org, user=self.boss)
        self.demand = factory.demand(organisation=self.org, status=Status.PUBLISHED, city="131003", headcount=1,
                                     sharing_modes=["consulting", "remote", "part_time"])

    def expert(self, **kw):
        user = self.make_user()
        expert = self.factory.expert(**kw)
        expert.person.user = user
        expert.person.save()
        expert.user = user
        return expert


@pytest.fixture
def world(factory, make_user):
    return World(factory, make_user)
