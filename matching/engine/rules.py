"""Hard rules: a pair failing any of them is never proposed.

Written with numpy operators that broadcast, so the same function checks one
demand against an array of experts or one expert against an array of
demands.  Dates are day ordinals; an open end is DATE_MIN / DATE_MAX.
"""
from __future__ import annotations

import numpy as np

DATE_MIN = np.int32(-(2 ** 31) + 1)
DATE_MAX = np.int32(2 ** 31 - 1)

# (code, Chinese message, English message), in the order they are checked.
RULES: tuple[tuple[str, str, str], ...] = (
    ("not_verified", "专家尚未通过审核或已暂停服务", "the expert is not verified and active"),
    ("demand_closed", "需求已关闭或已满员", "the demand is no longer open"),
    ("no_common_mode", "双方没有共同接受的共享方式", "no sharing mode is acceptable to both"),
    ("city_not_served", "专家不服务需求所在城市", "the expert does not serve the demand's city"),
    ("unavailable", "专家可服务时间与需求周期不重叠", "the expert's availability does not overlap the demand's period"),
    ("at_capacity", "专家在办服务已达其承接上限", "the expert is at capacity"),
    ("conflict_of_interest", "专家就职于需求单位，存在利益冲突", "the expert works for the demanding organisation"),
    ("title_below_minimum", "专家职称低于需求要求的最低职称", "the expert's title is below the demand's minimum"),
)
RULE_CODES = tuple(code for code, _, _ in RULES)
RULE_MESSAGES_ZH = {code: zh for code, zh, _ in RULES}
RULE_MESSAGES_EN = {code: en for code, _, en in RULES}


def rule_masks(e: dict, d: dict, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Per rule, True where the pair passes.

    `e` keys: verified, modes, served, avail_from, avail_to, capacity, active, org, title
    `d` keys: open, modes, pref_bit (-1 = no city constraint), start, end, org, min_title
    Values are scalars or equally long arrays; orgs use -1 for unknown.
    """
    out: dict[str, np.ndarray] = {}
    if "not_verified" not in skip:
        out["not_verified"] = np.asarray(e["verified"], dtype=bool)
    if "demand_closed" not in skip:
        out["demand_closed"] = np.asarray(d["open"], dtype=bool)
    out["no_common_mode"] = (np.asarray(e["modes"]) & np.asarray(d["modes"])) != 0
    pref_bit = np.asarray(d["pref_bit"])
    served = np.asarray(e["served"])
    if pref_bit.ndim == 0:                     # one demand: a scalar test against the experts' masks
        bit = int(pref_bit)
        city_ok = np.ones(np.shape(served), dtype=bool) if bit < 0 else (served & (1 << bit)) != 0
    else:
        city_ok = np.where(pref_bit < 0, True,
                           ((served.astype(np.int64) >> np.maximum(pref_bit, 0).astype(np.int64)) & 1).astype(bool))
    out["city_not_served"] = city_ok
    out["unavailable"] = ((np.asarray(e["avail_from"]) <= np.asarray(d["end"]))
                          & (np.asarray(d["start"]) <= np.asarray(e["avail_to"])))
    if "at_capacity" not in skip:
        out["at_capacity"] = np.asarray(e["active"]) < np.asarray(e["capacity"])
    e_org = np.asarray(e["org"])
    d_org = np.asarray(d["org"])
    out["conflict_of_interest"] = (e_org < 0) | (d_org < 0) | (e_org != d_org)
    out["title_below_minimum"] = np.asarray(e["title"]) >= np.asarray(d["min_title"])
    return out


def passes(e: dict, d: dict, skip: tuple[str, ...] = ()) -> np.ndarray:
    """True where every rule passes (rules in `skip` are left out: the caller checked them)."""
    ok = None
    for m in rule_masks(e, d, skip).values():
        ok = m if ok is None else ok & m
    return ok


def failed_rules(e: dict, d: dict) -> list[str]:
    """Codes of the rules a single pair fails (scalars in, list out)."""
    return [code for code, m in rule_masks(e, d).items() if not bool(np.all(m))]
