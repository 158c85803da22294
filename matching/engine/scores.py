"""Score components, each in [0, 1], as vectorised pure functions.

Both directions (experts for a demand, demands for an expert) call these same
functions, so a pair gets the same score whichever side asks.
"""
from __future__ import annotations

import numpy as np

from .modes import MODE_CODES, MODE_HALF_LIFE_KM

EARTH_RADIUS_KM = 6371.0088

COMPONENTS = ("text", "industry", "discipline", "title", "distance",
              "rating", "capacity", "acceptance")

# Default weights, equal to settings.MATCHING_WEIGHTS (which the Django side passes in;
# see docs/matching.md).  Only ratios matter: the total is a weighted mean.
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.35,
    "industry": 0.15,
    "discipline": 0.15,
    "title": 0.10,
    "distance": 0.10,
    "rating": 0.05,
    "capacity": 0.05,
    "acceptance": 0.05,
}

# Weight of the deepest shared ancestor, by its level (root level first).
# Sharing the demand's own code (or the expert's code lying under it) is 1.0.
INDUSTRY_LEVEL_SCORE = (0.25, 0.50, 0.75, 1.00)     # section, division, group, class
DISCIPLINE_LEVEL_SCORE = (0.20, 0.50, 0.75, 1.00)   # department, 1st, 2nd, 3rd level
OCCUPATION_LEVEL_SCORE = (0.25, 0.50, 0.75, 1.00)   # major, middle, minor group, occupation

# Ratings: Bayesian average with this prior (mean on the 1..5 scale, weight in ratings).
RATING_PRIOR_MEAN = 3.5
RATING_PRIOR_COUNT = 5.0

# Title fit: meeting the minimum exactly scores 1 - TITLE_GAP_WITH_MIN; having no
# title when none is asked scores 1 - TITLE_GAP_NO_MIN; the top title scores 1.
TITLE_GAP_WITH_MIN = 0.2
TITLE_GAP_NO_MIN = 0.5
TITLE_MAX = 4


def proximity_table(level_scores: tuple[float, ...]) -> np.ndarray:
    """table[depth, lvl + 1]: score when a code of `depth` levels (1..4) shares
    its ancestor at level `lvl` (-1 = nothing shared) with the other side."""
    t = np.zeros((len(level_scores) + 1, len(level_scores) + 1), dtype=np.float32)
    for depth in range(1, len(level_scores) + 1):
        for lvl in range(depth):
            t[depth, lvl + 1] = 1.0 if lvl == depth - 1 else level_scores[lvl]
    return t


INDUSTRY_TABLE = proximity_table(INDUSTRY_LEVEL_SCORE)
DISCIPLINE_TABLE = proximity_table(DISCIPLINE_LEVEL_SCORE)
OCCUPATION_TABLE = proximity_table(OCCUPATION_LEVEL_SCORE)


def tree_proximity(shared_level: np.ndarray | int, depth: np.ndarray | int,
                   table: np.ndarray = INDUSTRY_TABLE) -> np.ndarray:
    """Proximity from the level of the deepest shared ancestor (-1 = none)."""
    return table[np.asarray(depth), np.asarray(shared_level) + 1]


def path_proximity(path_a: list[str], path_b: list[str], level_scores: tuple[float, ...]) -> float:
    """Scalar reference version: `path_a` is the asked code's path (root first),
    `path_b` the other side's; used in tests and explanations."""
    shared = -1
    for i, (x, y) in enumerate(zip(path_a, path_b)):
        if x != y:
            break
        shared = i
    if shared < 0:
        return 0.0
    return 1.0 if shared == len(path_a) - 1 else level_scores[shared]


def title_fit(title: np.ndarray, min_title: np.ndarray | int) -> np.ndarray:
    """1 at the top title, 1 - gap at the minimum (gap larger when no minimum is set)."""
    title = np.asarray(title, dtype=np.float32)
    m = np.asarray(min_title, dtype=np.float32)
    gap = np.where(m > 0, TITLE_GAP_WITH_MIN, TITLE_GAP_NO_MIN)
    span = np.maximum(TITLE_MAX - m, 1.0)
    fit = 1.0 - gap * (TITLE_MAX - title) / span
    return np.clip(fit, 0.0, 1.0).astype(np.float32)


def unit_vectors(lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """(n, 3) points on the unit sphere; NaN rows stay NaN."""
    lng_r = np.radians(np.asarray(lng, dtype=np.float64))
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    c = np.cos(lat_r)
    return np.stack([c * np.cos(lng_r), c * np.sin(lng_r), np.sin(lat_r)], axis=-1)


def distance_km(xyz: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Great-circle distance (haversine-equivalent) from rows of `xyz` to one point,
    or row-wise when `point` has the same shape."""
    if point.ndim == 1:
        dot = xyz @ point
    else:
        dot = np.einsum("ij,ij->i", xyz, point)
    return (EARTH_RADIUS_KM * np.arccos(np.clip(dot, -1.0, 1.0))).astype(np.float32)


def _mode_tables() -> tuple[np.ndarray, np.ndarray]:
    """For every set of common modes (a bitmask), the mode that tolerates distance best
    (largest half-life; remote modes infinite; ties to the earlier mode) and its half-life."""
    n = 1 << len(MODE_CODES)
    half = np.zeros(n, dtype=np.float32)
    which = np.full(n, -1, dtype=np.int8)
    for mask in range(1, n):
        best_i, best_h = -1, -1.0
        for i, code in enumerate(MODE_CODES):
            if mask >> i & 1:
                h = MODE_HALF_LIFE_KM[code]
                h = np.inf if h is None else h
                if h > best_h:
                    best_i, best_h = i, h
        half[mask], which[mask] = best_h, best_i
    return half, which


_BEST_HALF, _BEST_MODE = _mode_tables()


def mode_distance(common_modes: np.ndarray, dist_km: np.ndarray, candidate_modes: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Best distance score over the modes both sides accept, and which mode gives it.

    Each mode halves its score every MODE_HALF_LIFE_KM km; modes done from
    afar (remote guidance, crowdsourcing) score 1 at any distance.  The decay
    is monotone in the half-life, so the best mode is the most tolerant common
    one (a table lookup).  Returns (score, mode index; -1 where no common mode).
    `candidate_modes` is accepted for compatibility and not needed."""
    common = np.asarray(common_modes, dtype=np.int64) & ((1 << len(MODE_CODES)) - 1)
    d = np.nan_to_num(np.asarray(dist_km, dtype=np.float32), nan=0.0)
    half = _BEST_HALF[common]
    which = _BEST_MODE[common]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.exp2(-d / half).astype(np.float32)
    score = np.where(which < 0, np.float32(0.0), score)
    return score, which


def rating_score(rating_avg: np.ndarray, rating_count: np.ndarray) -> np.ndarray:
    """Bayesian average rating mapped from 1..5 to 0..1 (no ratings -> prior)."""
    avg = np.asarray(rating_avg, dtype=np.float32)
    cnt = np.asarray(rating_count, dtype=np.float32)
    mean = (avg * cnt + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (cnt + RATING_PRIOR_COUNT)
    return np.clip((mean - 1.0) / 4.0, 0.0, 1.0).astype(np.float32)


def free_capacity(capacity: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Share of the expert's concurrent-engagement capacity still free."""
    cap = np.asarray(capacity, dtype=np.float32)
    act = np.asarray(active, dtype=np.float32)
    return np.clip((cap - act) / np.maximum(cap, 1.0), 0.0, 1.0).astype(np.float32)


def combine(components: dict[str, np.ndarray], weights: dict[str, float],
            defined: dict[str, bool | np.ndarray] | None = None) -> np.ndarray:
    """Weighted mean of the components defined for a pair, so the total stays in
    [0, 1].  A component is undefined when the demand gives nothing to compare
    (no industry code, no discipline, no text, no location): its weight is left
    out rather than counted as zero.  `defined` maps a component to a bool or a
    per-row bool array (missing = defined)."""
    total = None
    wsum = None
    for name, value in components.items():
        w = float(weights.get(name, 0.0))
        if w <= 0:
            continue
        ok = True if defined is None else defined.get(name, True)
        ok_f = np.asarray(ok, dtype=np.float32)
        part = np.asarray(value, dtype=np.float32) * (w * ok_f)
        total = part if total is None else total + part
        wsum = w * ok_f if wsum is None else wsum + w * ok_f
    if total is None:
        raise ValueError("no component has a positive weight")
    return (total / np.maximum(wsum, 1e-9)).astype(np.float32)


def normalise_weights(weights: dict[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    if weights:
        unknown = set(weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown score components: {sorted(unknown)}")
        w.update({k: float(v) for k, v in weights.items()})
    if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return w
