"""Graduates <-> positions."""
import numpy as np
import pytest

from matching.engine import DemandRecord, GraduateRecord
from matching.engine.graduates import GraduateIndex, shared_level


def grad(id, **kw):
    base = dict(id=id, major_discipline_code="F0201", major_name="计算机软件", degree=2,
                preferred_cities=("130600",), intended_industries=("6513",),
                intended_occupations=("2-02-10-03",), skills=("软件开发", "数据库"))
    base.update(kw)
    return GraduateRecord(**base)


def position(id, **kw):
    base = dict(id=id, org_id=1, kind="position", title="招聘软件开发工程师", description="负责企业管理软件开发",
                required_skills=("软件开发",), industry_code="6513", discipline_codes=("F02",),
                occupation_codes=("2-02-10-03",), city_code="130602", min_degree=1, headcount=2)
    base.update(kw)
    return DemandRecord(**base)


@pytest.fixture
def gi(tax):
    graduates = [grad(1), grad(2, major_discipline_code="H0101", major_name="临床医学", intended_industries=("8411",),
                                intended_occupations=("2-05-01-01",), skills=("临床诊疗",)),
                 grad(3, preferred_cities=("130100",)), grad(4, degree=0), grad(5, seeking=False),
                 grad(6, preferred_cities=())]
    positions = [position(100), position(101, title="招聘临床医生", description="三甲医院临床岗位",
                                          industry_code="8411", discipline_codes=("H01",),
                                          occupation_codes=("2-05-01-01",), required_skills=("临床诊疗",)),
                 position(102, kind="project")]
    return GraduateIndex.build(graduates, tax, positions=positions)


def test_hard_rules(gi):
    got = {m.graduate_id for m in gi.graduates_for_position(100, k=10)}
    assert 3 not in got          # prefers 石家庄 only
    assert 4 not in got          # 专科 below 本科
    assert 5 not in got          # not seeking
    assert {1, 6} <= got         # 6 has no city preference


def test_ranking_and_components(gi):
    res = gi.graduates_for_position(100, k=10)
    assert res[0].graduate_id == 1
    c = res[0].components
    assert c["discipline"] == 1.0 and c["occupation"] == 1.0 and c["industry"] == 1.0 and c["city"] == 1.0
    assert "软件开发" in res[0].matched_terms and "推荐理由" in res[0].explanation_zh
    doctor = [m for m in gi.positions_for_graduate(2, k=5)]
    assert doctor[0].position_id == 101


def test_only_positions_are_indexed(gi):
    assert 102 not in gi.positions
    assert all(m.position_id != 102 for m in gi.positions_for_graduate(1, k=10))


def test_same_score_both_ways(gi):
    fwd = {m.graduate_id: m for m in gi.graduates_for_position(100, k=10)}
    rev = {m.position_id: m for m in gi.positions_for_graduate(1, k=10)}
    assert rev[100].score == pytest.approx(fwd[1].score, abs=1e-5)


def test_updates(gi):
    gi.upsert_graduate(grad(3, preferred_cities=("130600", "130100")))
    assert 3 in {m.graduate_id for m in gi.graduates_for_position(100, k=10)}
    gi.remove_graduate(1)
    assert 1 not in {m.graduate_id for m in gi.graduates_for_position(100, k=10)}
    gi.upsert_position(position(100, is_open=False))
    assert gi.graduates_for_position(100, k=10) == []


def test_shared_level():
    a = np.array([[0, 1, 2, 3], [0, 1, 5, -1], [7, 8, -1, -1]])
    b = np.array([0, 1, 2, 4])
    assert list(shared_level(a, b)) == [2, 1, -1]
