"""Sharing modes (柔性引才方式) and their bit positions.

Pure module, no Django: the registry and the matching engine both import the
order from here, so a mode set can travel as one integer (bit i = 1 << i).
The order is fixed; append new modes at the end, never reorder.
"""
from __future__ import annotations

from typing import Iterable

MODE_CODES: tuple[str, ...] = (
    "part_time",         # 兼职 (兼职兼薪)
    "consulting",        # 顾问咨询
    "project",           # 项目合作 / 联合攻关
    "secondment",        # 挂职交流
    "short_visit",       # 短期服务 (京津专家河北行)
    "remote",            # 远程指导
    "team",              # 组团服务
    "multi_site",        # 多点执业 (doctors)
    "weekend_engineer",  # 周末工程师
    "seasonal",          # 候鸟式
    "crowdsourcing",     # 项目众包式
)

MODE_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(MODE_CODES)}
ALL_MODES: int = (1 << len(MODE_CODES)) - 1

MODE_LABELS_ZH: dict[str, str] = {
    "part_time": "兼职",
    "consulting": "顾问咨询",
    "project": "项目合作",
    "secondment": "挂职交流",
    "short_visit": "短期服务",
    "remote": "远程指导",
    "team": "组团服务",
    "multi_site": "多点执业",
    "weekend_engineer": "周末工程师",
    "seasonal": "候鸟式服务",
    "crowdsourcing": "项目众包",
}

MODE_LABELS_EN: dict[str, str] = {
    "part_time": "part-time post",
    "consulting": "consulting",
    "project": "project cooperation",
    "secondment": "secondment",
    "short_visit": "short visit",
    "remote": "remote guidance",
    "team": "team service",
    "multi_site": "multi-site practice",
    "weekend_engineer": "weekend engineer",
    "seasonal": "seasonal service",
    "crowdsourcing": "crowdsourced project",
}

# How far a mode tolerates travel: the distance (km) at which the distance
# score halves.  None = distance does not matter (work done remotely).
# A part-time post or multi-site practice means regular presence, so it is
# sensitive; a secondment relocates the expert for its term, so it is not.
MODE_HALF_LIFE_KM: dict[str, float | None] = {
    "part_time": 100.0,
    "consulting": 250.0,
    "project": 300.0,
    "secondment": 1000.0,
    "short_visit": 400.0,
    "remote": None,
    "team": 300.0,
    "multi_site": 100.0,
    "weekend_engineer": 150.0,
    "seasonal": 600.0,
    "crowdsourcing": None,
}


def mode_mask(codes: Iterable[str]) -> int:
    """Bitmask of mode codes; unknown codes raise KeyError."""
    mask = 0
    for code in codes:
        mask |= MODE_BIT[code]
    return mask


def mode_codes(mask: int) -> list[str]:
    """Mode codes set in a bitmask, in the fixed order."""
    return [code for i, code in enumerate(MODE_CODES) if mask >> i & 1]
