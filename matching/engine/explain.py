"""Plain-language explanations of a proposed pair, in Chinese and English.

Written for the people who decide: a Hebei enterprise reading why an expert
is proposed, or an expert reading why a demand is proposed to them.  Every
sentence comes from a component score or a matched code, term or distance.
"""
from __future__ import annotations

from dataclasses import dataclass

from .modes import MODE_CODES, MODE_HALF_LIFE_KM, MODE_LABELS_EN, MODE_LABELS_ZH
from .records import TITLE_LABELS_EN, TITLE_LABELS_ZH
from .taxonomy import INDUSTRY_LEVELS, INDUSTRY_LEVELS_ZH, Taxonomy

_IND_LEVEL_EN = INDUSTRY_LEVELS
_DISC_LEVEL_ZH = ("同一科学部", "同一一级学科", "同一二级学科", "同一三级学科")
_DISC_LEVEL_EN = ("same NSFC department", "same first-level field", "same second-level field",
                  "same third-level field")


@dataclass
class Context:
    expert_title: int
    min_title: int
    home: str
    city: str
    rating_avg: float
    rating_count: int
    free_slots: int
    common_modes: int
    demand_title: str = ""


def _level_word(p: float) -> tuple[str, str]:
    if p >= 0.66:
        return "较高", "high"
    if p >= 0.4:
        return "中等", "moderate"
    return "较低", "low"


def _place(tax: Taxonomy, code: str) -> str:
    return tax.division_name(code) if code else ""


def _place_en(tax: Taxonomy, code: str) -> str:
    d = tax.divisions.get(code)
    if not d:
        return code
    name = d.short_name if d.level != "county" else d.name
    pref = tax.divisions.get(tax.prefecture_of(code))
    return name if not pref or pref.code == code else f"{name} ({pref.short_name})"


def explain(m, ctx: Context, tax: Taxonomy, for_expert: bool = False) -> tuple[str, str]:
    """(Chinese, English) explanation of a Match."""
    zh: list[str] = []
    en: list[str] = []
    c = m.components

    if m.matched_terms:
        terms = "、".join(m.matched_terms[:6])
        if for_expert:
            zh.append(f"需求内容与您的专长相符：{terms}")
            en.append(f"the demand matches your expertise: {', '.join(m.matched_terms[:6])}")
        else:
            zh.append(f"专长与需求关键词相符：{terms}")
            en.append(f"expertise matches the demand's key terms: {', '.join(m.matched_terms[:6])}")

    ind = m.matched_industry
    if ind:
        if ind["exact"]:
            zh.append(f"行业一致：{ind['name']}")
            en.append(f"same industry: {ind['code']} {ind['name']}")
        else:
            zh.append(f"行业相近：同属“{ind['name']}”（{INDUSTRY_LEVELS_ZH[ind['level']]}）")
            en.append(f"related industry: both in {ind['code']} ({_IND_LEVEL_EN[ind['level']]})")

    if m.matched_disciplines:
        d = m.matched_disciplines[0]
        if d["exact"]:
            zh.append(f"学科一致：{d['code']} {d['name']}")
            en.append(f"same discipline: {d['code']} {d['name_en']}")
        elif d["level"] > 0:
            zh.append(f"学科相近：{_DISC_LEVEL_ZH[d['level']]}“{d['code']} {d['name']}”")
            en.append(f"related discipline: {_DISC_LEVEL_EN[d['level']]} {d['code']} {d['name_en']}")
        else:
            zh.append(f"学科同属{d['code']}科学部")
            en.append(f"discipline in the same NSFC department {d['code']}")

    t = TITLE_LABELS_ZH[ctx.expert_title] if 0 <= ctx.expert_title < 5 else ""
    t_en = TITLE_LABELS_EN[ctx.expert_title] if 0 <= ctx.expert_title < 5 else ""
    if ctx.min_title > 0:
        zh.append(f"职称{t}，满足需求“{TITLE_LABELS_ZH[ctx.min_title]}及以上”的要求")
        en.append(f"title {t_en}, meets the required {TITLE_LABELS_EN[ctx.min_title]} or above")
    elif ctx.expert_title > 0:
        zh.append(f"职称{t}")
        en.append(f"title {t_en}")

    if m.distance_km is not None:
        km = round(m.distance_km)
        if for_expert:
            zh.append(f"需求位于{_place(tax, ctx.city)}，距您约{km}公里")
            en.append(f"located in {_place_en(tax, ctx.city)}, about {km} km from you")
        else:
            zh.append(f"常驻{_place(tax, ctx.home)}，距{_place(tax, ctx.city)}约{km}公里")
            en.append(f"based in {_place_en(tax, ctx.home)}, about {km} km from {_place_en(tax, ctx.city)}")
    if m.mode is not None:
        mode_zh, mode_en = MODE_LABELS_ZH[m.mode], MODE_LABELS_EN[m.mode]
        other = [MODE_LABELS_ZH[code] for i, code in enumerate(MODE_CODES)
                 if ctx.common_modes >> i & 1 and code != m.mode]
        also = f"（也可{'、'.join(other)}）" if other else ""
        also_en = [MODE_LABELS_EN[code] for i, code in enumerate(MODE_CODES)
                   if ctx.common_modes >> i & 1 and code != m.mode]
        also_en = f" (also {', '.join(also_en)})" if also_en else ""
        if MODE_HALF_LIFE_KM[m.mode] is None:
            zh.append(f"可采用{mode_zh}方式，距离不影响服务{also}")
            en.append(f"possible as {mode_en}, distance does not matter{also_en}")
        else:
            zh.append(f"适合{mode_zh}方式{also}")
            en.append(f"suited to {mode_en}{also_en}")

    if not for_expert:
        if ctx.rating_count > 0:
            zh.append(f"以往服务评价{ctx.rating_avg:.1f}分（{ctx.rating_count}次）")
            en.append(f"past ratings {ctx.rating_avg:.1f}/5 ({ctx.rating_count})")
        else:
            zh.append("暂无服务评价")
            en.append("no ratings yet")
        zh.append(f"目前还可承接{ctx.free_slots}项服务")
        en.append(f"can take {ctx.free_slots} more engagement{'s' if ctx.free_slots != 1 else ''}")
    acc = c.get("acceptance")
    if acc is not None:
        w_zh, w_en = _level_word(acc)
        if not for_expert:
            zh.append(f"预计接受邀请的可能性{w_zh}")
            en.append(f"likelihood of accepting an invitation: {w_en}")

    score = round(m.score * 100)
    head_zh = "推荐理由：" if not for_expert else "推荐此需求的理由："
    head_en = "Why: " if not for_expert else "Why this demand: "
    text_zh = head_zh + "；".join(zh) + f"。综合匹配度{score}分（满分100）。"
    text_en = head_en + "; ".join(en) + f". Overall match {score}/100."
    return text_zh, text_en
