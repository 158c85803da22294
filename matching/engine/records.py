"""Plain records the engine works on (no Django).

The Django side fills them from the registry with values() queries; the
benchmark fills them from a seeded generator.  Codes are strings of the
reference classifications: divisions GB/T 2260 (6 digits), industries
GB/T 4754-2017 (section letter, 2/3/4 digits), disciplines NSFC (e.g. F0402),
occupations 2022 (e.g. 2-02-38-09).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Professional title levels (职称), ordinal.
TITLE_NONE, TITLE_JUNIOR, TITLE_INTERMEDIATE, TITLE_ASSOCIATE, TITLE_SENIOR = range(5)
TITLE_LABELS_ZH = ("无职称", "初级", "中级", "副高级", "正高级")
TITLE_LABELS_EN = ("no title", "junior", "intermediate", "associate senior", "full senior")

# Degree levels for graduates and positions, ordinal.
DEGREE_LABELS_ZH = ("专科", "本科", "硕士", "博士")
DEGREE_LABELS_EN = ("associate", "bachelor", "master", "doctorate")

# Demand kinds.
# Demand kinds: the codes of registry.domain.DEMAND_KINDS (a test keeps them equal).
DEMAND_KINDS = ("technical_problem", "project", "position", "consultation", "training", "open_challenge")


@dataclass(slots=True)
class ExpertRecord:
    id: int
    org_id: int | None = None                     # employer organisation
    verified_active: bool = True                  # verified by staff and active
    modes: int = 0                                # sharing modes bitmask (modes.py)
    home_division: str = ""                       # GB/T 2260 code of home/employer division
    lng: float | None = None                      # filled from the taxonomy when None
    lat: float | None = None
    served_prefectures: frozenset[str] = frozenset()  # prefecture codes served (e.g. 131000)
    serves_all_hebei: bool = False
    title_level: int = TITLE_NONE
    industry_codes: tuple[str, ...] = ()
    discipline_codes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    research_areas: tuple[str, ...] = ()
    achievements: str = ""
    capacity: int = 1                             # max concurrent engagements
    active_engagements: int = 0
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    rating_avg: float = 0.0
    rating_count: int = 0
    acceptance_prior: float | None = None         # smoothed P(accept), see acceptance.py
    name: str = ""                                # for display only


@dataclass(slots=True)
class DemandRecord:
    id: int
    org_id: int | None = None                     # demanding organisation
    title: str = ""
    description: str = ""
    required_skills: tuple[str, ...] = ()
    industry_code: str = ""
    discipline_codes: tuple[str, ...] = ()
    min_title_level: int = TITLE_NONE
    modes: int = 0
    city_code: str = ""                           # county or prefecture code
    lng: float | None = None
    lat: float | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    headcount: int = 1
    kind: str = "technical_problem"
    occupation_codes: tuple[str, ...] = ()        # for position-kind demands
    min_degree: int = 0                           # for position-kind demands
    is_open: bool = True


@dataclass(slots=True)
class GraduateRecord:
    id: int
    major_discipline_code: str = ""
    major_name: str = ""
    degree: int = 1
    graduation_year: int | None = None
    preferred_cities: tuple[str, ...] = ()        # prefecture or county codes, in order of preference
    intended_industries: tuple[str, ...] = ()
    intended_occupations: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    seeking: bool = True
    name: str = ""
    extra: dict = field(default_factory=dict)
