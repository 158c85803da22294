"""Offline evaluation of the engine on a labelled set (tests/data/matching_eval.json). No Django."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .engine import (
    COMPONENTS,
    DemandRecord,
    ExpertIndex,
    ExpertRecord,
    default_taxonomy,
    mean_metrics,
    mode_mask,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "matching_eval.json"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load(path: str | Path = DEFAULT_DATA) -> tuple[list[ExpertRecord], list[DemandRecord], dict[int, dict[int, int]]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    experts = []
    for e in data["experts"]:
        served = e.get("served", "all")
        experts.append(ExpertRecord(
            id=e["id"], org_id=e.get("org_id"), verified_active=e.get("verified_active", True),
            modes=mode_mask(e["modes"]), home_division=e["home_division"],
            served_prefectures=frozenset() if served == "all" else frozenset(served), serves_all_hebei=served == "all",
            title_level=e["title_level"], industry_codes=tuple(e["industry_codes"]),
            discipline_codes=tuple(e["discipline_codes"]), skills=tuple(e["skills"]),
            research_areas=tuple(e.get("research_areas", ())), achievements=e.get("achievements", ""),
            capacity=e.get("capacity", 3), active_engagements=e.get("active_engagements", 0),
            available_from=_date(e.get("available_from")), available_until=_date(e.get("available_until")),
            rating_avg=e.get("rating_avg", 0.0), rating_count=e.get("rating_count", 0), name=str(e["id"])))
    demands, labels = [], {}
    for d in data["demands"]:
        demands.append(DemandRecord(
            id=d["id"], org_id=d.get("org_id"), title=d["title"], description=d.get("description", ""),
            required_skills=tuple(d.get("required_skills", ())), industry_code=d.get("industry_code", ""),
            discipline_codes=tuple(d.get("discipline_codes", ())), min_title_level=d.get("min_title_level", 0),
            modes=mode_mask(d["modes"]), city_code=d["city_code"], period_start=_date(d.get("period_start")),
            period_end=_date(d.get("period_end")), headcount=d.get("headcount", 1), kind=d.get("kind", "technical_problem")))
        labels[d["id"]] = {int(k): int(v) for k, v in d["relevant"].items()}
    return experts, demands, labels


def evaluate(path: str | Path = DEFAULT_DATA, weights: dict | None = None, k: int = 10) -> dict:
    experts, demands, labels = load(path)
    index = ExpertIndex.build(experts, default_taxonomy(), weights=weights)
    runs, per_demand, excluded_but_labelled = [], [], []
    for d in demands:
        ranked = [m.expert_id for m in index.top_k(d, k=k, explain=False)]
        runs.append((ranked, labels[d.id]))
        for eid in labels[d.id]:
            if index.why_not(d, eid):
                excluded_but_labelled.append((d.id, eid))
        per_demand.append({"demand": d.id, "title": d.title, "ranked": ranked, "relevant": labels[d.id]})
    out = mean_metrics(runs, p_k=5, r_k=10, n_k=10)
    # the best any ranking could do on precision@5, given how few relevant experts most demands have
    out["precision@5_ceiling"] = sum(min(5, sum(1 for g in lab.values() if g > 0)) / 5 for _, lab in runs) / len(runs)
    out["experts"] = len(experts)
    out["labelled_but_excluded_by_rules"] = excluded_but_labelled
    out["per_demand"] = per_demand
    return out


def ablation(path: str | Path = DEFAULT_DATA, base: dict | None = None) -> dict[str, dict]:
    """Metrics with each component alone, and with each left out."""
    from .engine.scores import normalise_weights

    base = normalise_weights(base)
    rows = {"all (weights as set)": base}
    for c in COMPONENTS:
        rows[f"only {c}"] = {x: (1.0 if x == c else 0.0) for x in COMPONENTS}
    for c in ("text", "industry", "discipline", "distance"):
        rows[f"without {c}"] = {**base, c: 0.0}
    return {name: {key: v for key, v in evaluate(path, weights=w).items() if key.startswith(("precision", "recall", "ndcg"))}
            for name, w in rows.items()}
