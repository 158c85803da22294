"""Score components on hand-made cases: each in [0, 1], ordered as the domain says."""
import numpy as np
import pytest

from matching.engine import COMPONENTS, ExpertIndex, mode_mask
from matching.engine.scores import (
    DISCIPLINE_LEVEL_SCORE,
    INDUSTRY_LEVEL_SCORE,
    combine,
    free_capacity,
    mode_distance,
    path_proximity,
    rating_score,
    title_fit,
)
from matching.engine.taxonomy import haversine_km

from .conftest import build, make_demand, make_expert


def comps_of(idx, demand, k=100):
    return {m.expert_id: m.components for m in idx.top_k(demand, k=k)}


def test_all_components_in_unit_interval(tax):
    idx = build(tax, [make_expert(1), make_expert(2, rating_avg=5, rating_count=40)])
    for m in idx.top_k(make_demand(), k=50):
        assert 0.0 <= m.score <= 1.0
        for name in COMPONENTS:
            assert m.components[name] is None or 0.0 <= m.components[name] <= 1.0


def test_industry_proximity_class_group_division_section(tax):
    # demand 3973 集成电路制造 (C > 39 > 397 > 3973)
    experts = [make_expert(1, industry_codes=("3973",)),   # same class
               make_expert(2, industry_codes=("3974",)),   # same group 397
               make_expert(3, industry_codes=("3911",)),   # same division 39
               make_expert(4, industry_codes=("3612",)),   # same section C
               make_expert(5, industry_codes=("6513",))]   # another section
    c = comps_of(build(tax, experts), make_demand())
    got = [c[i]["industry"] for i in range(1, 6)]
    assert got == pytest.approx([1.0, INDUSTRY_LEVEL_SCORE[2], INDUSTRY_LEVEL_SCORE[1], INDUSTRY_LEVEL_SCORE[0], 0.0])


def test_industry_broader_demand_contains_expert(tax):
    # a demand stated at division level 39 is fully met by an expert in class 3973
    c = comps_of(build(tax, [make_expert(1, industry_codes=("3973",)), make_expert(2, industry_codes=("39",))]),
                 make_demand(industry_code="39"))
    assert c[1]["industry"] == 1.0 and c[2]["industry"] == 1.0
    # the reverse: an expert declared only at division level vs a class-level demand shares the division
    c = comps_of(build(tax, [make_expert(2, industry_codes=("39",))]), make_demand(industry_code="3973"))
    assert c[2]["industry"] == INDUSTRY_LEVEL_SCORE[1]


def test_discipline_proximity_on_nsfc_prefixes(tax):
    # demand F0406 (F > F04 > F0406): expert F040601 lies under it; F0402 is a sibling; F02 same department
    experts = [make_expert(1, discipline_codes=("F040601",)), make_expert(2, discipline_codes=("F0402",)),
               make_expert(3, discipline_codes=("F0205",)), make_expert(4, discipline_codes=("E0705",))]
    c = comps_of(build(tax, experts), make_demand(discipline_codes=("F0406",)))
    got = [c[i]["discipline"] for i in range(1, 5)]
    assert got == pytest.approx([1.0, DISCIPLINE_LEVEL_SCORE[1], DISCIPLINE_LEVEL_SCORE[0], 0.0])


def test_discipline_best_of_several_demand_codes(tax):
    c = comps_of(build(tax, [make_expert(1, discipline_codes=("E0705",))]),
                 make_demand(discipline_codes=("F0406", "E0705")))
    assert c[1]["discipline"] == 1.0


def test_path_proximity_reference():
    assert path_proximity(["C", "39", "397", "3973"], ["C", "39", "397", "3974"], INDUSTRY_LEVEL_SCORE) == 0.75
    assert path_proximity(["C", "39"], ["C", "39", "397", "3973"], INDUSTRY_LEVEL_SCORE) == 1.0
    assert path_proximity(["C"], ["D"], INDUSTRY_LEVEL_SCORE) == 0.0


def test_title_fit():
    # meeting the minimum exactly < above it < top title; no minimum: higher title still better
    fit = title_fit(np.array([3, 4]), 3)
    assert fit[0] == pytest.approx(0.8) and fit[1] == pytest.approx(1.0)
    free = title_fit(np.array([0, 2, 4]), 0)
    assert list(free) == sorted(free) and free[0] == pytest.approx(0.5) and free[2] == 1.0


def test_distance_part_time_sensitive_remote_indifferent(tax):
    # 廊坊 demand; one expert in 北京朝阳 (~50 km), one in 天津滨海 (~120 km)
    near = make_expert(1, home_division="110105")
    far = make_expert(2, home_division="120116")
    d_pt = make_demand(modes=mode_mask(["part_time"]))
    c = comps_of(build(tax, [near, far]), d_pt)
    assert c[1]["distance"] > c[2]["distance"] > 0
    rem = mode_mask(["remote"])
    c = comps_of(build(tax, [make_expert(1, home_division="110105", modes=rem),
                             make_expert(2, home_division="120116", modes=rem)]), make_demand(modes=rem))
    assert c[1]["distance"] == c[2]["distance"] == 1.0


def test_distance_is_great_circle_on_division_coordinates(tax):
    idx = build(tax, [make_expert(1, home_division="110108")])
    m = idx.top_k(make_demand(city_code="130102"), k=1)[0]    # 海淀 -> 石家庄长安区
    a, b = tax.divisions["110108"], tax.divisions["130102"]
    assert m.distance_km == pytest.approx(haversine_km(a.lng, a.lat, b.lng, b.lat), rel=1e-3)
    assert 250 < m.distance_km < 300


def test_mode_distance_picks_best_common_mode():
    pt, rm = mode_mask(["part_time"]), mode_mask(["remote"])
    score, which = mode_distance(np.array([pt, pt | rm, 0]), np.array([100.0, 100.0, 10.0]))
    assert score[0] == pytest.approx(0.5)         # part-time halves at 100 km
    assert score[1] == 1.0 and which[1] == 5      # remote wins
    assert score[2] == 0.0 and which[2] == -1     # no common mode


def test_rating_bayesian_average():
    r = rating_score(np.array([0.0, 5.0, 5.0, 2.0]), np.array([0, 1, 40, 40]))
    assert r[0] == pytest.approx((3.5 - 1) / 4)   # prior when unrated
    assert r[2] > r[1] > r[0] > r[3]              # many 5s beat one 5; poor ratings fall below the prior


def test_free_capacity():
    assert list(free_capacity(np.array([4, 4, 1]), np.array([0, 3, 0]))) == pytest.approx([1.0, 0.25, 1.0])


def test_ratings_and_capacity_raise_rank(tax):
    idx = build(tax, [make_expert(1, rating_avg=4.9, rating_count=30, capacity=4),
                      make_expert(2, rating_avg=2.0, rating_count=30, capacity=4, active_engagements=3)])
    order = [m.expert_id for m in idx.top_k(make_demand(), k=2)]
    assert order == [1, 2]


def test_text_relevance_and_matched_terms(tax):
    idx = build(tax, [make_expert(1), make_expert(2, skills=("水处理工艺",), research_areas=(),
                                                      achievements="从事工业废水处理研究。")])
    c = comps_of(idx, make_demand())
    assert c[1]["text"] > c[2]["text"]
    m = idx.top_k(make_demand(), k=1)[0]
    assert "集成电路" in m.matched_terms and "封装" in "".join(m.matched_terms)


def test_taxonomy_terms_stay_whole(tax):
    idx = ExpertIndex.build([make_expert(1, skills=("新能源汽车电池管理",), industry_codes=("3612",)),
                             make_expert(2, skills=("汽车维修",), industry_codes=("8111",))], tax)
    assert "新能源汽车" in idx.tokenizer.tokens("新能源汽车电池管理系统")
    assert "集成电路" in idx.tokenizer.tokens("集成电路封装测试")
    m = idx.top_k(make_demand(title="新能源汽车电池管理系统开发", description="", required_skills=(),
                              industry_code="3612", discipline_codes=()), k=1)[0]
    assert m.expert_id == 1 and "新能源汽车" in m.matched_terms


def test_combine_leaves_out_undefined_components():
    comps = {"text": np.array([1.0]), "industry": np.array([0.0])}
    w = {"text": 1.0, "industry": 1.0}
    assert combine(comps, w)[0] == pytest.approx(0.5)
    assert combine(comps, w, {"industry": False})[0] == pytest.approx(1.0)


def test_demand_without_codes_marks_components_undefined(tax):
    idx = build(tax, [make_expert(1)])
    m = idx.top_k(make_demand(industry_code="", discipline_codes=()), k=1)[0]
    assert m.components["industry"] is None and m.components["discipline"] is None
    assert 0 < m.score <= 1


def test_weights_change_ranking(tax):
    near_weak = make_expert(1, home_division="110105", skills=("质量管理",), research_areas=(), achievements="",
                            industry_codes=("3612",), discipline_codes=("E0705",))
    far_strong = make_expert(2, home_division="120116")
    d = make_demand(modes=mode_mask(["part_time"]))
    text_heavy = build(tax, [near_weak, far_strong], weights={"distance": 0.0})
    dist_heavy = build(tax, [near_weak, far_strong], weights={
        "distance": 10.0, "text": 0.0, "industry": 0.0, "discipline": 0.0})
    assert text_heavy.top_k(d, k=1)[0].expert_id == 2
    assert dist_heavy.top_k(d, k=1)[0].expert_id == 1


def test_bad_weights_refused(tax):
    with pytest.raises(ValueError):
        build(tax, [make_expert(1)], weights={"charisma": 1.0})
    with pytest.raises(ValueError):
        build(tax, [make_expert(1)], weights={c: 0.0 for c in COMPONENTS})


def test_same_score_both_directions(tax):
    experts = [make_expert(1), make_expert(2, home_division="120116", industry_codes=("3974",), title_level=3,
                                           rating_avg=4.0, rating_count=3, active_engagements=1)]
    demands = [make_demand(100), make_demand(101, title="芯片测试设备维护", industry_code="3562",
                                             discipline_codes=("F0402", "E0501"), min_title_level=0)]
    idx = build(tax, experts, demands)
    for d in demands:
        fwd = {m.expert_id: m for m in idx.top_k(d.id, k=50)}
        for e in (1, 2):
            rev = {m.demand_id: m for m in idx.demands_for_expert(e, k=50)}
            assert rev[d.id].score == pytest.approx(fwd[e].score, abs=1e-5)
            assert rev[d.id].components == pytest.approx(fwd[e].components, abs=1e-5)
