"""Batch assignment of open demands (headcount) to experts (capacity).

On a candidate graph (each demand's top-k experts), choose pairs so that no
demand gets more experts than its headcount, no expert more engagements than
their free capacity, no pair twice, maximising

    sum of pair scores  -  spread * sum over experts of (a + (a+1) + ... )

where an expert's j-th new engagement costs spread * (active + j): a
diminishing marginal score per extra slot, so a few star experts do not take
everything.  This is a min-cost flow problem (demand -> expert -> slot); its
LP has a totally unimodular constraint matrix, so the simplex optimum is
integral.  Solved with SciPy's HiGHS (`scipy.optimize.linprog`); a greedy
baseline (best pair first) is provided for comparison.

The result is a set of proposals: people confirm them (the engine proposes,
people decide).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


@dataclass
class CandidateGraph:
    demand_ids: np.ndarray      # (D,) external ids
    expert_ids: np.ndarray      # (X,) external ids
    demand_index: np.ndarray    # (E,) edge -> demand position
    expert_index: np.ndarray    # (E,) edge -> expert position
    score: np.ndarray           # (E,) pair score in [0, 1]
    headcount: np.ndarray       # (D,)
    capacity: np.ndarray        # (X,) max concurrent engagements
    active: np.ndarray          # (X,) current engagements

    @property
    def free(self) -> np.ndarray:
        return np.maximum(self.capacity - self.active, 0)

    @property
    def n_edges(self) -> int:
        return int(self.score.size)

    @classmethod
    def from_edges(cls, edges: list[tuple[int, int, float]], headcount: dict[int, int],
                   capacity: dict[int, int], active: dict[int, int] | None = None) -> "CandidateGraph":
        """Small graphs by hand: edges (demand id, expert id, score)."""
        active = active or {}
        d_ids = np.array(sorted(headcount), np.int64)
        x_ids = np.array(sorted(capacity), np.int64)
        d_pos = {int(d): i for i, d in enumerate(d_ids)}
        x_pos = {int(x): i for i, x in enumerate(x_ids)}
        return cls(
            demand_ids=d_ids, expert_ids=x_ids,
            demand_index=np.array([d_pos[d] for d, _, _ in edges], np.int64),
            expert_index=np.array([x_pos[x] for _, x, _ in edges], np.int64),
            score=np.array([s for _, _, s in edges], np.float64),
            headcount=np.array([headcount[int(d)] for d in d_ids], np.int64),
            capacity=np.array([capacity[int(x)] for x in x_ids], np.int64),
            active=np.array([active.get(int(x), 0) for x in x_ids], np.int64))


@dataclass
class AssignmentResult:
    method: str
    pairs: list[tuple[int, int, float]]          # (demand id, expert id, score)
    total_score: float
    objective: float                             # total score minus the load-spreading cost
    filled: int
    headcount: int
    experts_used: int
    max_load: int                                # most new engagements given to one expert
    seconds: float
    status: str = "optimal"
    edges: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # chosen edge positions
    extra: dict = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Share of the demands' headcount filled."""
        return self.filled / self.headcount if self.headcount else 0.0

    def summary(self) -> dict:
        return {"method": self.method, "total_score": round(self.total_score, 3),
                "objective": round(self.objective, 3), "filled": self.filled,
                "headcount": self.headcount, "coverage": round(self.coverage, 4),
                "experts_used": self.experts_used, "max_load": self.max_load,
                "seconds": round(self.seconds, 3), "status": self.status}


def spreading_cost(graph: CandidateGraph, edges: np.ndarray, spread: float) -> float:
    """Load-spreading cost of a set of chosen edges."""
    if edges.size == 0 or spread == 0:
        return 0.0
    loads = np.bincount(graph.expert_index[edges], minlength=graph.expert_ids.size)
    a = graph.active.astype(np.float64)
    # sum_{j<load} (a + j) = load*a + load*(load-1)/2
    return float(spread * (loads * a + loads * (loads - 1) / 2).sum())


def _result(method: str, graph: CandidateGraph, chosen: np.ndarray, spread: float,
            seconds: float, status: str, **extra) -> AssignmentResult:
    chosen = np.asarray(chosen, dtype=np.int64)
    total = float(graph.score[chosen].sum())
    loads = np.bincount(graph.expert_index[chosen], minlength=graph.expert_ids.size) \
        if chosen.size else np.zeros(0, np.int64)
    order = np.lexsort((graph.expert_ids[graph.expert_index[chosen]],
                        graph.demand_ids[graph.demand_index[chosen]]))
    pairs = [(int(graph.demand_ids[graph.demand_index[e]]), int(graph.expert_ids[graph.expert_index[e]]),
              float(graph.score[e])) for e in chosen[order]]
    return AssignmentResult(
        method=method, pairs=pairs, total_score=total,
        objective=total - spreading_cost(graph, chosen, spread), filled=int(chosen.size),
        headcount=int(graph.headcount.sum()), experts_used=int((loads > 0).sum()),
        max_load=int(loads.max()) if loads.size else 0, seconds=seconds, status=status,
        edges=chosen, extra=extra)


def check_feasible(graph: CandidateGraph, chosen: np.ndarray) -> None:
    """Raise AssertionError if a chosen edge set breaks a capacity, a headcount or repeats a pair."""
    chosen = np.asarray(chosen, dtype=np.int64)
    per_d = np.bincount(graph.demand_index[chosen], minlength=graph.demand_ids.size)
    per_x = np.bincount(graph.expert_index[chosen], minlength=graph.expert_ids.size)
    assert (per_d <= graph.headcount).all(), "a demand got more experts than its headcount"
    assert (per_x <= graph.free).all(), "an expert got more engagements than their free capacity"
    key = graph.demand_index[chosen] * (graph.expert_ids.size + 1) + graph.expert_index[chosen]
    assert np.unique(key).size == key.size, "a pair was chosen twice"


def assign_greedy(graph: CandidateGraph, spread: float = 0.0) -> AssignmentResult:
    """Baseline: take pairs best score first while headcount and capacity allow."""
    t0 = time.perf_counter()
    order = np.lexsort((graph.expert_index, graph.demand_index, -graph.score))
    left_d = graph.headcount.astype(np.int64).copy()
    left_x = graph.free.astype(np.int64).copy()
    seen = set()
    chosen = []
    di, xi = graph.demand_index, graph.expert_index
    for e in order.tolist():
        d, x = di[e], xi[e]
        if left_d[d] > 0 and left_x[x] > 0 and (d, x) not in seen:
            seen.add((d, x))
            left_d[d] -= 1
            left_x[x] -= 1
            chosen.append(e)
    return _result("greedy", graph, np.array(chosen, np.int64), spread, time.perf_counter() - t0, "heuristic")


def assign_optimal(graph: CandidateGraph, spread: float = 0.05, method: str = "highs-ds",
                   time_limit: float | None = None) -> AssignmentResult:
    """Maximise total score minus the load-spreading cost (see module docstring)."""
    t0 = time.perf_counter()
    n_e = graph.n_edges
    n_d = graph.demand_ids.size
    n_x = graph.expert_ids.size
    if n_e == 0:
        return _result("highs", graph, np.zeros(0, np.int64), spread, 0.0, "empty")
    # collapse duplicate edges (keep the best score)
    key = graph.demand_index * (n_x + 1) + graph.expert_index
    by_key = np.lexsort((-graph.score, key))
    _, first = np.unique(key[by_key], return_index=True)
    edge_order = by_key[first]

    di = graph.demand_index[edge_order]
    xi = graph.expert_index[edge_order]
    s = graph.score[edge_order].astype(np.float64)
    # slots: an expert never needs more slots than edges
    degree = np.bincount(xi, minlength=n_x)
    n_slots = np.minimum(graph.free, degree).astype(np.int64)
    slot_expert = np.repeat(np.arange(n_x), n_slots)
    slot_j = np.arange(slot_expert.size) - np.repeat(np.cumsum(n_slots) - n_slots, n_slots)
    slot_cost = spread * (graph.active[slot_expert] + slot_j).astype(np.float64)

    m = edge_order.size
    n_var = m + slot_expert.size
    c = np.concatenate([-s, slot_cost])
    # rows 0..n_d-1: demand headcount; rows n_d..n_d+n_x-1: expert flow x - y <= 0
    rows = np.concatenate([di, n_d + xi, n_d + slot_expert])
    cols = np.concatenate([np.arange(m), np.arange(m), m + np.arange(slot_expert.size)])
    vals = np.concatenate([np.ones(m), np.ones(m), -np.ones(slot_expert.size)])
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(n_d + n_x, n_var))
    b = np.concatenate([graph.headcount.astype(np.float64), np.zeros(n_x)])
    options = {"presolve": True}
    if time_limit:
        options["time_limit"] = float(time_limit)
    res = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method=method, options=options)
    status = "optimal" if res.status == 0 else f"status {res.status}: {res.message}"
    x = res.x[:m] if res.x is not None else np.zeros(m)
    frac = float(np.abs(x - np.round(x)).max()) if m else 0.0
    used = "highs"
    if res.x is not None and frac > 1e-6:
        # not expected (totally unimodular), but never return a fractional plan
        res2 = milp(c, constraints=LinearConstraint(A, -np.inf, b), integrality=np.ones(n_var),
                    bounds=Bounds(0, 1))
        x = res2.x[:m]
        used = "highs-milp"
    chosen = edge_order[np.flatnonzero(x > 0.5)]
    result = _result(used, graph, chosen, spread, time.perf_counter() - t0, status,
                     variables=int(n_var), constraints=int(n_d + n_x), max_fraction=frac)
    return result
