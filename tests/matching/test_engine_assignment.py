"""Batch assignment: capacities and headcounts respected, better than greedy where greedy is myopic."""
import numpy as np
import pytest

from matching.engine import CandidateGraph, assign_greedy, assign_optimal
from matching.engine.assignment import check_feasible, spreading_cost

from .conftest import build, make_demand, make_expert


def test_solver_beats_greedy_on_a_myopic_case():
    # greedy takes A-X (0.9) and then B can only have Y (0.1): 1.0.
    # The optimum gives X to B and Y to A: 0.85 + 0.8 = 1.65.
    g = CandidateGraph.from_edges([(1, 10, 0.9), (1, 11, 0.8), (2, 10, 0.85), (2, 11, 0.1)],
                                  headcount={1: 1, 2: 1}, capacity={10: 1, 11: 1})
    greedy, opt = assign_greedy(g), assign_optimal(g, spread=0.0)
    assert greedy.total_score == pytest.approx(1.0)
    assert opt.total_score == pytest.approx(1.65)
    assert sorted(opt.pairs) == [(1, 11, pytest.approx(0.8)), (2, 10, pytest.approx(0.85))]
    assert opt.coverage == greedy.coverage == 1.0


def test_solver_beats_greedy_on_coverage():
    # X is everyone's favourite but has one slot; greedy gives X to A and leaves B empty
    g = CandidateGraph.from_edges([(1, 10, 0.9), (1, 11, 0.5), (2, 10, 0.8)],
                                  headcount={1: 1, 2: 1}, capacity={10: 1, 11: 1})
    greedy, opt = assign_greedy(g), assign_optimal(g, spread=0.0)
    assert greedy.coverage == 0.5 and opt.coverage == 1.0
    assert opt.total_score > greedy.total_score


def test_capacity_headcount_and_active_load_respected():
    rng = np.random.default_rng(7)
    edges = [(d, x, float(rng.uniform(0.1, 1.0))) for d in range(1, 41) for x in rng.choice(range(100, 115), 6, replace=False)]
    head = {d: int(rng.integers(1, 4)) for d in range(1, 41)}
    cap = {x: int(rng.integers(1, 4)) for x in range(100, 115)}
    act = {x: int(rng.integers(0, 2)) for x in range(100, 115)}
    g = CandidateGraph.from_edges(edges, head, cap, act)
    for res in (assign_optimal(g, spread=0.05), assign_optimal(g, spread=0.0), assign_greedy(g)):
        check_feasible(g, res.edges)
        per_x = {}
        for _d, x, _ in res.pairs:
            per_x[x] = per_x.get(x, 0) + 1
        assert all(per_x[x] <= cap[x] - act[x] for x in per_x)
        assert len(set((d, x) for d, x, _ in res.pairs)) == len(res.pairs)


def test_solution_is_integral_and_optimal_against_brute_force():
    import itertools
    rng = np.random.default_rng(3)
    edges = [(d, x, round(float(rng.uniform(0, 1)), 3)) for d in range(3) for x in range(10, 14)]
    g = CandidateGraph.from_edges(edges, {0: 1, 1: 2, 2: 1}, {10: 1, 11: 2, 12: 1, 13: 1})
    opt = assign_optimal(g, spread=0.1)
    assert opt.extra["max_fraction"] < 1e-6
    best = -1.0
    for mask in itertools.product([0, 1], repeat=len(edges)):
        chosen = np.flatnonzero(mask)
        try:
            check_feasible(g, chosen)
        except AssertionError:
            continue
        best = max(best, g.score[chosen].sum() - spreading_cost(g, chosen, 0.1))
    assert opt.objective == pytest.approx(best, abs=1e-9)


def test_load_spreading_shares_work_among_experts():
    # one star (0.9 everywhere, 5 slots) and four decent experts (0.8, 1 slot each)
    edges = [(d, 10, 0.9) for d in range(1, 6)] + [(d, 10 + d, 0.8) for d in range(1, 5)]
    g = CandidateGraph.from_edges(edges, {d: 1 for d in range(1, 6)}, {10: 5, 11: 1, 12: 1, 13: 1, 14: 1})
    no_spread = assign_optimal(g, spread=0.0)
    spread = assign_optimal(g, spread=0.15)
    assert no_spread.max_load == 5
    assert spread.max_load == 1          # the star's second slot is worth 0.9 - 0.15 < 0.8
    assert spread.experts_used > no_spread.experts_used
    assert spread.coverage == 1.0


def test_empty_graph():
    g = CandidateGraph.from_edges([], {1: 1}, {})
    assert assign_optimal(g).filled == 0 and assign_greedy(g).coverage == 0.0


def test_candidate_graph_from_index_feeds_the_solver(tax):
    experts = [make_expert(i, capacity=1) for i in range(1, 4)]
    demands = [make_demand(100, headcount=2), make_demand(101, headcount=2)]
    idx = build(tax, experts, demands)
    g = idx.candidate_graph(k=5)
    assert set(g.demand_ids) == {100, 101}
    res = assign_optimal(g, spread=0.02)
    check_feasible(g, res.edges)
    assert res.filled == 4 and res.coverage == 1.0
    assert res.summary()["coverage"] == 1.0
