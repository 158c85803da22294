"""Ranking quality metrics (pure): precision@k, recall@k, NDCG@k.

`ranked` is a list of ids, best first; `relevant` a set of ids or a mapping
id -> graded relevance (0 = not relevant).  Graded gains use 2**g - 1.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence


def _grades(relevant: Iterable | Mapping) -> dict:
    if isinstance(relevant, Mapping):
        return {k: float(v) for k, v in relevant.items()}
    return {k: 1.0 for k in relevant}


def precision_at_k(ranked: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """Share of the first k places holding a relevant item (k places, even if fewer ranked)."""
    if k <= 0:
        raise ValueError("k must be positive")
    g = _grades(relevant)
    return sum(1 for x in ranked[:k] if g.get(x, 0) > 0) / k


def recall_at_k(ranked: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """Share of the relevant items found in the first k places (0 if there are none)."""
    g = _grades(relevant)
    rel = {x for x, v in g.items() if v > 0}
    if not rel:
        return 0.0
    return len(rel.intersection(ranked[:k])) / len(rel)


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranked: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """DCG of the ranking over DCG of the ideal ranking (0 if nothing is relevant)."""
    g = _grades(relevant)
    ideal = dcg_at_k(sorted(g.values(), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg_at_k([g.get(x, 0.0) for x in ranked[:k]], k) / ideal


def mean_metrics(runs: Iterable[tuple[Sequence, Iterable | Mapping]],
                 p_k: int = 5, r_k: int = 10, n_k: int = 10) -> dict[str, float]:
    """Mean precision@p_k, recall@r_k and NDCG@n_k over (ranked, relevant) pairs."""
    runs = list(runs)
    if not runs:
        return {f"precision@{p_k}": 0.0, f"recall@{r_k}": 0.0, f"ndcg@{n_k}": 0.0, "queries": 0}
    n = len(runs)
    return {
        f"precision@{p_k}": sum(precision_at_k(r, g, p_k) for r, g in runs) / n,
        f"recall@{r_k}": sum(recall_at_k(r, g, r_k) for r, g in runs) / n,
        f"ndcg@{n_k}": sum(ndcg_at_k(r, g, n_k) for r, g in runs) / n,
        "queries": n,
    }
