"""Review panels (职称评审专家资源共享): balanced, conflict-free, reproducible, audited."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching import panels, services
from matching.models import ReviewPanel
from registry.models import ObjectChange


def test_quotas_balance_regions_where_the_pool_allows():
    assert panels.region_quotas({"11": 10, "12": 10, "13": 10}, 7) == {"11": 3, "12": 2, "13": 2}
    assert panels.region_quotas({"11": 10, "12": 1, "13": 2}, 7) == {"11": 4, "12": 1, "13": 2}
    assert panels.region_quotas({"11": 5}, 5) == {"11": 5}
    with pytest.raises(panels.PoolTooSmall):
        panels.region_quotas({"11": 2, "12": 1}, 5)


def test_draw_is_reproducible_and_seed_dependent():
    pool = [(i, ("11", "12", "13")[i % 3]) for i in range(1, 61)]
    a = panels.draw_panel(pool, 9, seed=42)
    assert a == panels.draw_panel(list(reversed(pool)), 9, seed=42)      # order of the pool does not matter
    assert a != panels.draw_panel(pool, 9, seed=43)
    assert len(set(a)) == 9
    regions = [dict(pool)[e] for e in a]
    assert regions.count("11") == regions.count("12") == regions.count("13") == 3


@pytest.fixture
def pool(factory):
    from registry.choices import Status

    employer = factory.organisation(division="110108", name="北京某大学")
    experts = []
    for i, home in enumerate(["110108", "110105", "110102", "120104", "120116", "120101", "130102", "130602"]):
        experts.append(factory.expert(home_division=home, disciplines=["F0201"] if i % 2 else ["F02"],
                                      title_level="senior", employer=employer if i == 0 else None,
                                      employer_name="北京某大学" if i == 0 else f"单位{i}"))
    factory.expert(disciplines=["H01"], title_level="senior")                       # other field
    factory.expert(disciplines=["F02"], title_level="intermediate")                 # title too low
    factory.expert(disciplines=["F02"], title_level="senior", status=Status.SUBMITTED)  # not verified
    return experts, employer


def test_panel_draw(pool, staff_he):
    experts, employer = pool
    panel = services.review_panel_draw(actor=staff_he, discipline="F02", size=6, reason="2026年河北省计算机高级职称评审",
                                       candidate_employers=[employer], seed=2026)
    members = list(panel.seats.order_by("position"))
    assert len(members) == 6
    assert experts[0].pk not in {m.expert_id for m in members}                  # conflict: same employer
    assert panel.region_counts == {"11": 2, "12": 2, "13": 2}                   # balanced across regions
    assert len(panel.pool) == 7 and panel.seed == 2026 and panel.drawn_by == staff_he
    assert services.review_panel_verify(panel=panel)
    again = services.review_panel_draw(actor=staff_he, discipline="F02", size=6, reason="复核",
                                       candidate_employers=[employer], seed=2026)
    assert [m.expert_id for m in again.seats.order_by("position")] == [m.expert_id for m in members]
    assert ObjectChange.objects.filter(object_repr__contains="评审专家组").exists()


def test_panel_refusals(pool, staff_he, make_user):
    with pytest.raises(PermissionDenied):
        services.review_panel_draw(actor=make_user(), discipline="F02", size=3, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.review_panel_draw(actor=staff_he, discipline="F02", size=30, reason="批次")
    assert "不足以组成" in str(exc.value)
    with pytest.raises(ValidationError):
        services.review_panel_draw(actor=staff_he, discipline="F02", size=3, reason="")
    assert not ReviewPanel.objects.exists()


def test_panel_by_industry_and_name_conflict(pool, staff_he):
    panel = services.review_panel_draw(actor=staff_he, discipline="F02", industry="39", size=3, reason="电子信息类",
                                       candidate_employers=["单位1"], seed=1)
    assert len(panel.seats.all()) == 3
    names = set(panel.seats.values_list("expert__employer_name", flat=True))
    assert "单位1" not in names
