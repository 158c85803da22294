"""Every hard rule excludes the pair, in both directions, and says why."""
import datetime as dt

import pytest

from matching.engine import mode_mask

from .conftest import build, make_demand, make_expert


def ids(matches):
    return [m.expert_id for m in matches]


def test_baseline_pair_is_proposed_both_ways(tax):
    idx = build(tax, [make_expert(1)], [make_demand()])
    assert ids(idx.top_k(make_demand(), k=50))[0] == 1
    assert [m.demand_id for m in idx.demands_for_expert(1)] == [100]
    assert idx.why_not(make_demand(), 1) == []


CASES = [
    ("not_verified", dict(verified_active=False), {}),
    ("no_common_mode", dict(modes=mode_mask(["secondment", "team"])), {}),
    ("city_not_served", dict(serves_all_hebei=False, served_prefectures=frozenset({"130100", "130200"})), {}),
    ("unavailable", dict(available_from=dt.date(2025, 1, 1), available_until=dt.date(2026, 2, 28)), {}),
    ("at_capacity", dict(capacity=2, active_engagements=2), {}),
    ("conflict_of_interest", dict(org_id=500), {}),
    ("title_below_minimum", dict(title_level=2), {}),
    ("demand_closed", {}, dict(is_open=False)),
]


@pytest.mark.parametrize("rule,expert_kw,demand_kw", CASES, ids=[c[0] for c in CASES])
def test_rule_excludes_pair(tax, rule, expert_kw, demand_kw):
    demand = make_demand(**demand_kw)
    idx = build(tax, [make_expert(1, **expert_kw), make_expert(2)], [demand])
    assert 1 not in ids(idx.top_k(demand, k=100))
    assert [code for code, _, _ in idx.why_not(demand, 1)] == [rule]
    assert all(m.demand_id != demand.id for m in idx.demands_for_expert(1, k=100))
    if rule != "demand_closed":
        assert 2 in ids(idx.top_k(demand, k=100))       # the rule is specific to the broken field


def test_rule_messages_are_chinese(tax):
    demand = make_demand()
    idx = build(tax, [make_expert(1, org_id=500, title_level=1)], [demand])
    reasons = idx.why_not(demand, 1)
    assert {c for c, _, _ in reasons} == {"conflict_of_interest", "title_below_minimum"}
    assert all("专家" in zh for _, zh, _ in reasons)


def test_served_city_maps_county_to_prefecture(tax):
    # 雄县 (130638) lies in 保定 (130600): an expert serving 保定 serves 雄安's counties
    demand = make_demand(city_code="130638")
    idx = build(tax, [make_expert(1, serves_all_hebei=False, served_prefectures=frozenset({"130600"}))])
    assert ids(idx.top_k(demand, k=5))[0] == 1
    other = make_demand(city_code="131003")      # 廊坊 not served
    assert 1 not in ids(idx.top_k(other, k=100))


def test_open_ended_availability_and_period_overlap(tax):
    # expert available from mid-2026 with no end; demand with no end date: overlap
    demand = make_demand(period_end=None)
    idx = build(tax, [make_expert(1, available_from=dt.date(2027, 6, 1))])
    assert 1 in ids(idx.top_k(demand, k=5))
    # the same expert against a demand ending before the window opens
    assert [c for c, _, _ in idx.why_not(make_demand(period_end=dt.date(2027, 5, 31)), 1)] == ["unavailable"]


def test_no_minimum_title_accepts_untitled(tax):
    demand = make_demand(min_title_level=0)
    idx = build(tax, [make_expert(1, title_level=0)])
    assert 1 in ids(idx.top_k(demand, k=5))


def test_unknown_org_is_no_conflict(tax):
    demand = make_demand(org_id=None)
    idx = build(tax, [make_expert(1, org_id=None)])
    assert 1 in ids(idx.top_k(demand, k=5))
