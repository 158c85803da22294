"""Seeded synthetic experts, demands and graduates on the real taxonomies.

For benchmarks and load tests only: names of people and organisations are
placeholders, but every code is a real code of the reference classifications
and texts are built from the classification names, so the engine meets
realistic vocabulary, code depths and spreads.  Same seed, same data.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .modes import MODE_BIT, MODE_CODES
from .records import DemandRecord, ExpertRecord, GraduateRecord
from .taxonomy import Taxonomy

# NSFC department -> weight among experts, and GB/T 4754 divisions where such
# experts typically work (a coarse, hand-made correspondence for the generator).
DEPARTMENTS = {
    "A": (0.06, ("65", "73", "40")),
    "B": (0.10, ("26", "27", "28", "29")),
    "C": (0.08, ("01", "03", "13", "14", "27")),
    "D": (0.06, ("06", "08", "09", "74", "77")),
    "E": (0.26, ("31", "32", "34", "35", "36", "37", "38", "44", "48")),
    "F": (0.22, ("39", "63", "64", "65")),
    "G": (0.10, ("58", "59", "66", "72", "75")),
    "H": (0.12, ("84", "27", "35")),
}
# Demand side: Hebei's needs lean to manufacturing and engineering.
DEMAND_DEPARTMENTS = {"A": 0.03, "B": 0.10, "C": 0.10, "D": 0.05, "E": 0.35, "F": 0.17, "G": 0.08, "H": 0.12}

MODE_P = {"part_time": 0.35, "consulting": 0.6, "project": 0.55, "secondment": 0.1, "short_visit": 0.35,
          "remote": 0.5, "team": 0.2, "multi_site": 0.0, "weekend_engineer": 0.2, "seasonal": 0.05,
          "crowdsourcing": 0.15}
DEMAND_MODE_P = {"part_time": 0.3, "consulting": 0.45, "project": 0.5, "secondment": 0.08, "short_visit": 0.3,
                 "remote": 0.35, "team": 0.12, "multi_site": 0.0, "weekend_engineer": 0.15,
                 "seasonal": 0.04, "crowdsourcing": 0.08}
# Hebei prefectures by how much they post (Langfang, Baoding, Shijiazhuang, Tangshan lead).
PREFECTURE_WEIGHT = {"130100": 14, "130200": 12, "130300": 5, "130400": 8, "130500": 5, "130600": 13,
                     "130700": 5, "130800": 4, "130900": 9, "131000": 15, "131100": 5}
BEIJING_HUBS = {"110108": 30, "110105": 12, "110102": 8, "110101": 5, "110114": 8, "110115": 5,
                "110106": 4, "110112": 4, "110113": 3, "110111": 3, "110107": 2, "110109": 1,
                "110116": 1, "110117": 1, "110118": 1, "110119": 1}

GENERIC_SKILLS = ("工艺优化", "质量管理", "数值模拟", "数据分析", "设备维护", "标准制定", "产品设计",
                  "检验检测", "项目管理", "技术培训", "成果转化", "故障诊断", "节能改造", "可靠性分析",
                  "自动化控制", "软件开发", "市场分析", "知识产权", "临床研究", "安全评价")
PROGRAMMES = ("国家自然科学基金", "国家重点研发计划", "省部级科技计划", "企业横向合作", "国家科技重大专项")
AWARDS = ("国家科技进步奖二等奖", "省部级科技进步奖一等奖", "省部级科技进步奖二等奖", "中国专利优秀奖",
          "行业协会科学技术奖", "省部级技术发明奖")
DEMAND_VERBS = ("技术攻关", "工艺改进", "技术咨询", "联合研发", "人才引进", "专家指导", "质量提升",
                "设备升级改造", "产品开发", "检测能力建设")
PROBLEMS = ("良品率偏低", "能耗偏高", "关键工艺不稳定", "产品性能达不到客户要求", "缺少核心技术人员",
            "检测手段不足", "新产品研发周期长", "设备故障频发", "数字化水平不高", "环保排放不达标")


@dataclass
class SyntheticSet:
    experts: list[ExpertRecord]
    demands: list[DemandRecord]
    graduates: list[GraduateRecord]


class Generator:
    def __init__(self, taxonomy: Taxonomy, seed: int = 20240601):
        self.tax = taxonomy
        self.rng = random.Random(seed)
        t = taxonomy
        self.disc_children: dict[str, list[str]] = {}
        for code, node in t.disciplines.items():
            if node.parent:
                self.disc_children.setdefault(node.parent, []).append(code)
        for v in self.disc_children.values():
            v.sort()
        self.ind_classes: dict[str, list[str]] = {}
        for code, node in t.industries.items():
            if node.level == 3:
                self.ind_classes.setdefault(code[:2], []).append(code)
        for v in self.ind_classes.values():
            v.sort()
        self.dept_divisions = {d: [x for x in divs if x in self.ind_classes]
                               for d, (_, divs) in DEPARTMENTS.items()}
        self.bj_counties = [c for c in BEIJING_HUBS if c in t.divisions]
        self.tj_counties = sorted(c for c, d in t.divisions.items()
                                  if d.level == "county" and c.startswith("12"))
        self.hebei_counties: dict[str, list[str]] = {}
        for c, d in t.divisions.items():
            if d.level == "county" and c.startswith("13"):
                self.hebei_counties.setdefault(t.prefecture_of(c), []).append(c)
        for v in self.hebei_counties.values():
            v.sort()
        self.occupations = sorted(c for c, n in t.occupations.items() if n.level == 3 and c.startswith("2-"))

    # ------------------------------------------------------------ helpers
    def _weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def _topic(self, dept_weights: dict[str, float]):
        r = self.rng
        dept = self._weighted(dept_weights)
        first = r.choice([c for c in self.disc_children.get(dept, []) if len(c) == 3] or [dept])
        second_opts = self.disc_children.get(first, [])
        second = r.choice(second_opts) if second_opts else first
        leaves = self.disc_children.get(second, [])
        division = r.choice(self.dept_divisions[dept])
        return dept, first, second, leaves, division

    def _modes(self, probs: dict[str, float], dept: str) -> int:
        r = self.rng
        mask = 0
        for code in MODE_CODES:
            p = probs[code]
            if code == "multi_site" and dept == "H":
                p = 0.5
            if code == "weekend_engineer" and dept in ("E", "F"):
                p *= 1.5
            if r.random() < p:
                mask |= MODE_BIT[code]
        return mask or MODE_BIT[r.choice(("consulting", "project", "remote"))]

    def _name(self, code: str) -> str:
        n = self.tax.disciplines.get(code)
        return n.name if n else code

    # ------------------------------------------------------------ experts
    def expert(self, i: int, n_orgs: int) -> ExpertRecord:
        r = self.rng
        dept, first, second, leaves, division = self._topic({d: w for d, (w, _) in DEPARTMENTS.items()})
        picked = r.sample(leaves, min(len(leaves), r.randint(1, 2))) if leaves else []
        disc_codes = tuple(picked) or (second,)
        if r.random() < 0.3:
            others = [c for c in self.disc_children.get(first, []) if c != second]
            if others:
                disc_codes += (r.choice(others),)
        classes = self.ind_classes[division]
        ind_codes = tuple(sorted(set(r.sample(classes, min(len(classes), r.randint(1, 2))))))
        if r.random() < 0.15:
            ind_codes = (division,)
        skills = [self._name(c) for c in picked] + \
                 [self.tax.industry_name(c) for c in ind_codes[:1]] + r.sample(GENERIC_SKILLS, 2)
        areas = (self._name(second), self._name(first))
        focus = self._name(picked[0]) if picked else self._name(second)
        achievements = (f"长期从事{self._name(second)}研究，主持{r.choice(PROGRAMMES)}项目{r.randint(1, 6)}项，"
                        f"在{focus}方面取得系列成果，发表论文{r.randint(5, 80)}篇，"
                        f"授权发明专利{r.randint(0, 25)}项，获{r.choice(AWARDS)}。")
        org = r.randrange(n_orgs)
        org_rng = random.Random(org * 7919 + 17)   # an organisation has one home
        home = org_rng.choices(self.bj_counties, weights=[BEIJING_HUBS[c] for c in self.bj_counties])[0] \
            if org_rng.random() < 0.65 else org_rng.choice(self.tj_counties)
        served = frozenset()
        all_hebei = r.random() < 0.35
        if not all_hebei:
            served = frozenset(r.choices(list(PREFECTURE_WEIGHT), weights=list(PREFECTURE_WEIGHT.values()),
                                         k=r.randint(1, 4)))
        cap = r.choices((1, 2, 3, 4, 5), weights=(25, 30, 25, 12, 8))[0]
        active = cap if r.random() < 0.08 else r.randint(0, cap - 1)
        avail_from = avail_to = None
        if r.random() < 0.25:
            avail_from = dt.date(2025, 1, 1) + dt.timedelta(days=r.randrange(540))
            avail_to = avail_from + dt.timedelta(days=r.randrange(180, 720))
        rated = r.random() < 0.4
        return ExpertRecord(
            id=i + 1, org_id=org + 1, verified_active=r.random() < 0.93,
            modes=self._modes(MODE_P, dept), home_division=home,
            served_prefectures=served, serves_all_hebei=all_hebei,
            title_level=r.choices(range(5), weights=(3, 7, 30, 35, 25))[0],
            industry_codes=ind_codes, discipline_codes=disc_codes,
            skills=tuple(dict.fromkeys(skills)), research_areas=areas, achievements=achievements,
            capacity=cap, active_engagements=active, available_from=avail_from, available_until=avail_to,
            rating_avg=round(min(5.0, max(1.0, r.gauss(4.2, 0.5))), 2) if rated else 0.0,
            rating_count=r.randint(1, 30) if rated else 0,
            acceptance_prior=round(min(0.95, max(0.05, r.betavariate(5, 4))), 3),
            name=f"专家{i + 1}")

    # ------------------------------------------------------------ demands
    def demand(self, i: int, expert_orgs: int) -> DemandRecord:
        r = self.rng
        dept, first, second, leaves, division = self._topic(DEMAND_DEPARTMENTS)
        cls = r.choice(self.ind_classes[division])
        pref = self._weighted(PREFECTURE_WEIGHT)
        city = r.choice(self.hebei_counties[pref]) if r.random() < 0.8 else pref
        need = r.sample(leaves, min(len(leaves), r.randint(1, 2))) if leaves else []
        disc = tuple(need) if r.random() < 0.5 else (second,)
        topic = self._name(need[0]) if need else self._name(second)
        industry = self.tax.industry_name(cls)
        verb = r.choice(DEMAND_VERBS)
        city_name = self.tax.division_name(city)
        title = f"{topic}{verb}" if r.random() < 0.6 else f"{industry}{verb}需求"
        desc = (f"本单位位于{city_name}，主要从事{industry}，目前{r.choice(PROBLEMS)}，"
                f"在{topic}方面需要京津专家支持，希望通过合作提升技术水平。")
        skills = tuple(dict.fromkeys([self._name(c) for c in need] + r.sample(GENERIC_SKILLS, 1)))
        start = dt.date(2026, 1, 1) + dt.timedelta(days=r.randrange(365))
        org = 100_000 + r.randrange(8000)
        if r.random() < 0.015:
            org = 1 + r.randrange(expert_orgs)      # a Beijing/Tianjin unit's Hebei project: conflict cases
        return DemandRecord(
            id=i + 1, org_id=org, title=title, description=desc, required_skills=skills,
            industry_code=cls if r.random() < 0.85 else division, discipline_codes=disc,
            min_title_level=r.choices((0, 2, 3, 4), weights=(40, 20, 30, 10))[0],
            modes=self._modes(DEMAND_MODE_P, dept), city_code=city,
            period_start=start, period_end=start + dt.timedelta(days=r.randrange(90, 365)),
            headcount=r.choices((1, 2, 3), weights=(75, 18, 7))[0],
            kind=r.choice(("technical_problem", "project", "consultation", "open_challenge")))

    # ------------------------------------------------------------ graduates and positions
    def graduate(self, i: int) -> GraduateRecord:
        r = self.rng
        dept, first, second, leaves, division = self._topic(DEMAND_DEPARTMENTS)
        major = r.choice(leaves) if leaves and r.random() < 0.3 else second
        prefs = tuple(dict.fromkeys(self._weighted(PREFECTURE_WEIGHT) for _ in range(r.randint(0, 3))))
        occ = r.choice(self.occupations) if self.occupations else ""
        return GraduateRecord(
            id=i + 1, major_discipline_code=major, major_name=self._name(major),
            degree=r.choices((0, 1, 2, 3), weights=(15, 55, 25, 5))[0], graduation_year=r.choice((2025, 2026)),
            preferred_cities=prefs, intended_industries=(r.choice(self.ind_classes[division]),),
            intended_occupations=(occ,) if occ else (), skills=tuple(r.sample(GENERIC_SKILLS, 2)),
            name=f"毕业生{i + 1}")

    def position(self, i: int) -> DemandRecord:
        r = self.rng
        dept, first, second, leaves, division = self._topic(DEMAND_DEPARTMENTS)
        cls = r.choice(self.ind_classes[division])
        pref = self._weighted(PREFECTURE_WEIGHT)
        city = r.choice(self.hebei_counties[pref])
        occ = r.choice(self.occupations) if self.occupations else ""
        occ_name = self.tax.occupation_name(occ)
        return DemandRecord(
            id=i + 1, org_id=100_000 + r.randrange(8000), kind="position",
            title=f"招聘{occ_name}", description=f"从事{self.tax.industry_name(cls)}相关工作，"
                                               f"要求{self._name(second)}等相关专业。",
            required_skills=tuple(r.sample(GENERIC_SKILLS, 1)), industry_code=cls,
            discipline_codes=(second,), occupation_codes=(occ,) if occ else (), city_code=city,
            min_degree=r.choices((0, 1, 2), weights=(20, 60, 20))[0], headcount=r.randint(1, 5))


def generate(taxonomy: Taxonomy, experts: int, demands: int, graduates: int = 0, positions: int = 0,
             seed: int = 20240601) -> SyntheticSet:
    g = Generator(taxonomy, seed)
    n_orgs = max(50, experts // 30)
    ex = [g.expert(i, n_orgs) for i in range(experts)]
    de = [g.demand(i, n_orgs) for i in range(demands)]
    gr = [g.graduate(i) for i in range(graduates)]
    po = [g.position(demands + i) for i in range(positions)]
    return SyntheticSet(ex, de + po, gr)
