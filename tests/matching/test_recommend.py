"""Recommendations from the registry, kept as data, and fresh after every change."""
import io

import pytest
from django.core.exceptions import PermissionDenied

from matching import selectors, services
from matching.holder import IndexHolder, holder
from matching.models import IndexChange, Recommendation
from registry import services as registry_services
from registry.choices import Status


def test_experts_for_demand_recorded_with_explanation(world):
    good = world.expert(industries=["3973"], disciplines=["F0406"], skills=["集成电路封装", "封装测试"])
    weak = world.expert(industries=["0111"], disciplines=["C1301"], skills=["水稻育种"], research_areas="作物栽培")
    recs = services.recommend_experts_for_demand(demand=world.demand, k=5, actor=world.boss)
    assert [r.expert_id for r in recs][:2] == [good.pk, weak.pk]
    top = Recommendation.objects.filter(demand=world.demand).order_by("rank").first()
    assert top.expert_id == good.pk and top.engine_version and top.requested_by == world.boss
    assert "推荐理由" in top.explanation_zh and "集成电路" in top.explanation_zh
    assert set(top.components) >= {"text", "industry", "discipline", "distance", "rating", "capacity", "acceptance"}
    assert top.matched["matched_industry"]["code"] == "3973"


def test_demands_for_expert(world):
    expert = world.expert(industries=["3973"], skills=["封装"])
    recs = services.recommend_demands_for_expert(expert=expert, k=5)
    assert [r.demand_id for r in recs] == [world.demand.pk]
    assert recs[0].direction == "demands_for_expert"


def test_change_shows_in_next_recommendation(world):
    expert = world.expert(industries=["0111"], disciplines=["C1301"], skills=["水稻育种"])
    first = services.recommend_experts_for_demand(demand=world.demand, k=5, record=False)
    assert first[0].expert_id == expert.pk
    # the expert is suspended by staff of Beijing: gone from the next answer, without a rebuild
    staff = world.make_user(region="11", staff=True)
    builds = holder.builds
    registry_services.record_transition(actor=staff, record=expert, to=Status.SUSPENDED, reason="核查")
    assert services.recommend_experts_for_demand(demand=world.demand, k=5, record=False) == []
    assert holder.builds == builds and holder.applied > 0
    # a new verified expert appears
    newcomer = world.expert(industries=["3973"])
    assert [r.expert_id for r in services.recommend_experts_for_demand(demand=world.demand, k=5, record=False)] == [newcomer.pk]


def test_two_processes_see_the_same_state(world):
    """A second holder stands for another web process or worker: it catches up from the change log."""
    other = IndexHolder()
    expert = world.expert(industries=["3973"])
    assert [m.expert_id for m in other.expert_index().top_k(world.demand.pk, k=5)] == [expert.pk]
    holder.expert_index()                                           # this process builds too
    registry_services.expert_update(actor=expert.user, expert=expert, sharing_modes=["secondment"])
    assert other.expert_index().top_k(world.demand.pk, k=5) == []   # no common mode any more
    assert holder.expert_index().top_k(world.demand.pk, k=5) == []
    assert other.builds == 1


def test_engagement_changes_load_and_headcount(world):
    expert = world.expert(max_engagements=2)
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    before = services.recommend_experts_for_demand(demand=world.demand, k=5, record=False)[0].components["capacity"]
    services.invitation_answer(actor=expert.user, invitation=inv, accept=True, coi_declaration="无",
                               confidentiality_undertaking=True)
    # the only place is filled: the demand is no longer open for recommendations or for the expert
    assert services.recommend_experts_for_demand(demand=world.demand, k=5) == []
    assert services.recommend_demands_for_expert(expert=expert, k=5) == []
    rec = selectors.expert_records(ids=[expert.pk])[0]
    assert rec.active_engagements == 1 and before == 1.0


def test_rewound_log_triggers_rebuild(world):
    world.expert()
    holder.expert_index()
    builds = holder.builds
    IndexChange.objects.all().delete()             # pruned or rolled back past this process's position
    IndexChange.objects.create(kind="expert", object_id=0)
    holder.expert_index()
    assert holder.builds == builds + 1


def test_revoked_matching_consent_excludes_expert(world):
    from registry.choices import ConsentScope

    expert = world.expert()
    registry_services.consent_grant(person=expert.person, scope=ConsentScope.MATCHING)
    assert services.recommend_experts_for_demand(demand=world.demand, k=5, record=False)
    registry_services.consent_revoke(person=expert.person, scope=ConsentScope.MATCHING)
    assert services.recommend_experts_for_demand(demand=world.demand, k=5, record=False) == []


def test_selectors_use_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(6):
        world.expert()
    with django_assert_max_num_queries(12):
        recs = selectors.expert_records()
    assert len(recs) == 6
    with django_assert_max_num_queries(6):
        selectors.demand_records()


def test_batch_assignment_run_keeps_proposals(world, factory):
    for _ in range(3):
        world.expert(max_engagements=1)
    factory.demand(organisation=world.org, status=Status.PUBLISHED, headcount=2)
    staff = world.make_user(region="13", staff=True)
    run = services.assignment_run(actor=staff, k=10, spread=0.05)
    assert run.summary["solver"]["filled"] == 3 and run.summary["solver"]["coverage"] == 1.0
    proposals = list(run.proposals.all())
    assert len(proposals) == 3 and all(p.direction == "batch" for p in proposals)
    assert len({p.expert_id for p in proposals}) == 3           # capacity 1 each
    with pytest.raises(PermissionDenied):
        services.assignment_run(actor=world.boss)              # staff only


def test_invitation_from_recommendation_keeps_features(world):
    expert = world.expert()
    rec = services.recommend_experts_for_demand(demand=world.demand, k=1)[0]
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert, recommendation=rec)
    assert inv.features == rec.components and inv.recommendation == rec


def test_graduates_for_position(world, factory):
    position = factory.demand(organisation=world.org, status=Status.PUBLISHED, kind="position", title="招聘软件工程师",
                              description="负责企业软件开发", disciplines=["F02"], industry="6513", occupation="2-02-10-03",
                              city="131003", required_skills=["软件开发"])
    grad = factory.graduate(preferred_cities=["131000"], major_discipline="F0201", job_intentions="软件开发，数据库",
                            intended_occupations=["2-02-10-03"])
    factory.graduate(preferred_cities=["130100"])              # prefers 石家庄 only
    recs = services.recommend_graduates_for_position(position=position, k=5)
    assert [r.graduate_id for r in recs] == [grad.pk]
    back = services.recommend_positions_for_graduate(graduate=grad, k=5)
    assert [r.demand_id for r in back] == [position.pk]


def test_reindex_command_forces_rebuild(world):
    from django.core.management import call_command

    world.expert()
    holder.expert_index()
    builds = holder.builds
    call_command("reindex_matching", stdout=io.StringIO())
    holder.expert_index()
    assert holder.builds == builds + 1


def test_rematch_all_records_fresh_recommendations(world, factory):
    world.expert()
    world.expert(industries=["3973"])
    factory.demand(organisation=world.org, status=Status.PUBLISHED)
    result = services.rematch_all(k=5)
    assert result == {"demands": 2, "recommendations": 4, "experts": 2}
    assert Recommendation.objects.filter(direction="experts_for_demand").count() == 4
    from notifications import jobs

    assert jobs.nightly_rematch()["recommendations"] == 4
