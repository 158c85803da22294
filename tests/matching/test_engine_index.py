"""The index: ranking, explanations, incremental updates, both directions."""
import numpy as np
import pytest

from matching.engine import ExpertIndex, mode_mask
from matching.engine.index import _top

from .conftest import build, fillers, make_demand, make_expert, replace


def test_ranked_best_first_with_rank_numbers(tax):
    idx = build(tax, [make_expert(1), make_expert(2, industry_codes=("3612",), discipline_codes=("E0705",))])
    res = idx.top_k(make_demand(), k=5)
    assert [m.rank for m in res] == list(range(1, len(res) + 1))
    assert all(a.score >= b.score for a, b in zip(res, res[1:]))
    assert res[0].expert_id == 1


def test_ties_broken_by_smaller_id():
    ids = np.array([5, 3, 9, 1])
    scores = np.array([0.5, 0.5, 0.9, 0.5], dtype=np.float32)
    assert list(ids[_top(ids, scores, 3)]) == [9, 1, 3]


def test_explanation_names_terms_codes_distance_and_mode(tax):
    idx = build(tax, [make_expert(1, home_division="110108", modes=mode_mask(["part_time"]))])
    m = idx.top_k(make_demand(modes=mode_mask(["part_time"])), k=1)[0]
    zh, en = m.explanation_zh, m.explanation_en
    assert "集成电路" in zh and "行业一致" in zh and "F0406" in zh
    assert "海淀区" in zh and "公里" in zh and "兼职" in zh and "正高级" in zh
    assert "km" in en and "same industry" in en
    assert m.matched_industry == {"code": "3973", "name": "集成电路制造", "level": 3, "exact": True}
    assert m.matched_disciplines[0]["code"] == "F0406"
    assert m.mode == "part_time" and 0 < m.distance_km < 100
    assert set(m.to_dict()) >= {"score", "components", "explanation_zh", "engine_version"}


def test_upsert_changes_next_recommendation(tax):
    idx = build(tax, [make_expert(1), make_expert(2, skills=("水处理",), research_areas=(), achievements="",
                                                      industry_codes=("4610",), discipline_codes=("E0802",))])
    d = make_demand()
    assert idx.top_k(d, k=1)[0].expert_id == 1
    version = idx.version
    idx.upsert_expert(make_expert(2, skills=("集成电路封装测试", "芯片封装", "封装测试工艺优化"),
                                  rating_avg=5.0, rating_count=50, capacity=5))
    assert idx.version > version
    assert idx.top_k(d, k=1)[0].expert_id == 2
    # suspend expert 2: gone at once
    idx.upsert_expert(make_expert(2, verified_active=False))
    assert 2 not in [m.expert_id for m in idx.top_k(d, k=50)]


def test_remove_and_add_new_expert(tax):
    idx = build(tax, [make_expert(1)])
    d = make_demand()
    assert idx.remove_expert(1)
    assert 1 not in [m.expert_id for m in idx.top_k(d, k=50)]
    assert not idx.remove_expert(1)
    idx.upsert_expert(make_expert(77))
    assert idx.top_k(d, k=1)[0].expert_id == 77
    assert len(idx) == len(fillers()) + 1


def test_set_load_reaches_capacity(tax):
    idx = build(tax, [make_expert(1, capacity=2)])
    d = make_demand()
    idx.set_load(1, 1)
    assert idx.top_k(d, k=1)[0].components["capacity"] == pytest.approx(0.5)
    idx.set_load(1, 2)
    assert 1 not in [m.expert_id for m in idx.top_k(d, k=50)]
    assert [c for c, _, _ in idx.why_not(d, 1)] == ["at_capacity"]


def test_incremental_equals_full_rebuild(tax):
    base = [make_expert(i, home_division=h, title_level=3 + i % 2, industry_codes=(ind,))
            for i, (h, ind) in enumerate([("110108", "3973"), ("120116", "3974"), ("110105", "3911"),
                                           ("120104", "3612"), ("110114", "3973")], start=1)]
    idx = build(tax, base)
    idx.experts.min_delta = 2              # force merges of the delta segment along the way
    changed = [replace(base[0], skills=("芯片封装",)), replace(base[2], capacity=5, active_engagements=4),
               make_expert(9, home_division="110101"), replace(base[4], verified_active=False)]
    for rec in changed:
        idx.upsert_expert(rec)
    idx.remove_expert(4)
    final = {e.id: e for e in base}
    final.update({e.id: e for e in changed})
    del final[4]
    fresh = build(tax, list(final.values()))
    d = make_demand(min_title_level=0)
    got = [(m.expert_id, round(m.score, 5)) for m in idx.top_k(d, k=20)]
    want = [(m.expert_id, round(m.score, 5)) for m in fresh.top_k(d, k=20)]
    assert got == want
    assert idx.experts.merges >= 2


def test_demand_upsert_and_remove(tax):
    idx = build(tax, [make_expert(1)], [make_demand(100)])
    assert [m.demand_id for m in idx.demands_for_expert(1)] == [100]
    idx.upsert_demand(make_demand(101, title="芯片封装测试", headcount=2))
    assert {m.demand_id for m in idx.demands_for_expert(1)} == {100, 101}
    idx.upsert_demand(make_demand(100, is_open=False))
    assert [m.demand_id for m in idx.demands_for_expert(1)] == [101]
    idx.remove_demand(101)
    assert idx.demands_for_expert(1) == []


def test_demands_for_expert_explanation_speaks_to_the_expert(tax):
    idx = build(tax, [make_expert(1)], [make_demand(100)])
    m = idx.demands_for_expert(1)[0]
    assert m.explanation_zh.startswith("推荐此需求的理由") and "距您" in m.explanation_zh


def test_unknown_ids_raise(tax):
    idx = build(tax, [make_expert(1)])
    with pytest.raises(KeyError):
        idx.top_k(12345)
    with pytest.raises(KeyError):
        idx.demands_for_expert(12345)


def test_query_record_not_in_index_does_not_grow_vocabulary(tax):
    idx = build(tax, [make_expert(1)])
    n = len(idx.vocab)
    idx.top_k(make_demand(title="完全陌生的词汇组合例如量子纠缠光钟"), k=3)
    assert len(idx.vocab) == n


def test_empty_index(tax):
    idx = ExpertIndex.build([], tax)
    assert idx.top_k(make_demand(), k=10) == []
    assert idx.candidate_graph().n_edges == 0


def test_score_pair_matches_top_k(tax):
    idx = build(tax, [make_expert(1), make_expert(2, title_level=2)])
    d = make_demand()
    top = {m.expert_id: m for m in idx.top_k(d, k=50)}
    assert idx.score_pair(d, 1).score == pytest.approx(top[1].score)
    assert idx.score_pair(d, 1).components == pytest.approx(top[1].components)
    assert idx.score_pair(d, 2) is None                 # title below the minimum
