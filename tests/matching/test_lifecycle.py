"""The engagement lifecycle: both sides say yes, every change has a history row, illegal moves are refused."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching import selectors, services
from matching.models import Engagement, Invitation, LifecycleEvent, Rating
from registry.models import ObjectChange


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errs in exc.error_dict.values() for e in errs}


def accept(world, inv, expert, **kw):
    data = dict(actor=expert.user, invitation=inv, accept=True, coi_declaration="无利益冲突",
                confidentiality_undertaking=True)
    data.update(kw)
    return services.invitation_answer(**data)


def test_invitation_accepted_creates_engagement_with_history(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert, message="诚邀指导封装良率提升")
    assert inv.status == "pending" and inv.features            # the pair's components at invitation time
    inv, eng = accept(world, inv, expert)
    assert inv.status == "accepted" and eng.status == "active"
    assert eng.mode in ("consulting", "remote") and eng.coi_declaration == "无利益冲突" and eng.confidentiality_undertaking
    assert eng.start_date <= eng.end_date == world.demand.period_end
    actions = list(selectors.history(inv).values_list("action", "from_status", "to_status"))
    assert actions == [("invite", "", "pending"), ("accept", "pending", "accepted")]
    assert selectors.history(eng).first().action == "create"
    assert ObjectChange.objects.filter(object_repr__contains="邀请").exists()   # the registry audit too


def test_accepting_a_withdrawn_invitation_is_refused(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    services.invitation_withdraw(actor=world.boss, invitation=inv, reason="需求调整")
    with pytest.raises(ValidationError) as exc:
        accept(world, inv, expert)
    assert codes(exc.value) == {"illegal_transition"}
    assert "已撤回" in str(exc.value)
    assert not Engagement.objects.exists()


def test_only_the_invited_expert_answers(world):
    expert, other = world.expert(), world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    with pytest.raises(PermissionDenied):
        accept(world, inv, other, actor=other.user)
    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=world.boss, invitation=inv, accept=True, coi_declaration="无",
                                   confidentiality_undertaking=True)


def test_only_the_enterprise_invites(world):
    expert = world.expert()
    stranger = world.make_user()
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=stranger, demand=world.demand, expert=expert)


def test_accept_requires_declarations(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    with pytest.raises(ValidationError) as exc:
        accept(world, inv, expert, coi_declaration="")
    assert codes(exc.value) == {"coi_required"}
    with pytest.raises(ValidationError) as exc:
        accept(world, inv, expert, confidentiality_undertaking=False)
    assert codes(exc.value) == {"confidentiality_required"}
    assert Invitation.objects.get(pk=inv.pk).status == "pending"


def test_decline_needs_a_reason_and_is_final(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    with pytest.raises(ValidationError) as exc:
        services.invitation_answer(actor=expert.user, invitation=inv, accept=False)
    assert codes(exc.value) == {"reason_required"}
    inv, eng = services.invitation_answer(actor=expert.user, invitation=inv, accept=False, reason="too_far", note="路程太远")
    assert eng is None and inv.decline_reason == "too_far"
    with pytest.raises(ValidationError) as exc:
        accept(world, inv, expert)
    assert codes(exc.value) == {"illegal_transition"}


def test_exceeding_capacity_by_accepting_is_refused(world, factory):
    from registry.choices import Status

    expert = world.expert(max_engagements=1)
    other_demand = factory.demand(organisation=world.org, status=Status.PUBLISHED, headcount=1)
    first = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    second = services.invitation_create(actor=world.boss, demand=other_demand, expert=expert)
    accept(world, first, expert)
    with pytest.raises(ValidationError) as exc:
        accept(world, second, expert)
    assert codes(exc.value) == {"at_capacity"}
    assert "上限" in str(exc.value)
    assert Invitation.objects.get(pk=second.pk).status == "pending"


def test_filled_demand_refuses_more(world):
    a, b = world.expert(), world.expert()
    ia = services.invitation_create(actor=world.boss, demand=world.demand, expert=a)
    ib = services.invitation_create(actor=world.boss, demand=world.demand, expert=b)
    accept(world, ia, a)
    with pytest.raises(ValidationError) as exc:
        accept(world, ib, b)
    assert codes(exc.value) == {"demand_filled"}


def test_conflict_of_interest_refused(world):
    expert = world.expert(employer=world.org)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    assert codes(exc.value) == {"conflict_of_interest"}


def test_duplicate_pending_invitation_refused(world):
    expert = world.expert()
    services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    assert codes(exc.value) == {"duplicate_invitation"}


def test_no_common_mode_refused(world):
    expert = world.expert(sharing_modes=["secondment"])
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    assert codes(exc.value) == {"no_common_mode"}


def test_expired_invitations(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert,
                                     expires_on=dt.date.today())
    assert services.invitations_expire(today=dt.date.today() + dt.timedelta(days=1)) == 1
    inv.refresh_from_db()
    assert inv.status == "expired"
    with pytest.raises(ValidationError):
        accept(world, inv, expert)


def test_completion_and_ratings_both_ways_once(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    _, eng = accept(world, inv, expert)
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(actor=world.boss, engagement=eng, score=5)
    assert codes(exc.value) == {"not_completed"}
    services.engagement_complete(actor=world.boss, engagement=eng, note="良率提升3个百分点")
    r1 = services.rating_submit(actor=world.boss, engagement=eng, score=5, comment="专业、及时")
    r2 = services.rating_submit(actor=expert.user, engagement=eng, score=4, comment="配合良好")
    assert (r1.side, r2.side) == (Rating.Side.ENTERPRISE, Rating.Side.EXPERT)
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(actor=world.boss, engagement=eng, score=3)
    assert codes(exc.value) == {"already_rated"}
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(actor=expert.user, engagement=eng, score=9)
    assert "out_of_range" in codes(exc.value) or "already_rated" in codes(exc.value)
    expert.refresh_from_db()
    assert expert.rating_avg == 5.0 and expert.rating_count == 1      # the enterprise's rating feeds the expert
    with pytest.raises(ValidationError) as exc:
        services.engagement_complete(actor=world.boss, engagement=eng)
    assert codes(exc.value) == {"illegal_transition"}
    assert [e.action for e in selectors.history(eng)] == ["create", "complete", "rate", "rate"]


def test_rating_out_of_range(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    _, eng = accept(world, inv, expert)
    services.engagement_complete(actor=expert.user, engagement=eng)
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(actor=world.boss, engagement=eng, score=0)
    assert codes(exc.value) == {"out_of_range"}


def test_terminate_needs_reason_and_frees_capacity(world, factory):
    from registry.choices import Status

    expert = world.expert(max_engagements=1)
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    _, eng = accept(world, inv, expert)
    with pytest.raises(ValidationError):
        services.engagement_terminate(actor=expert.user, engagement=eng, reason="")
    services.engagement_terminate(actor=expert.user, engagement=eng, reason="项目暂停")
    other = factory.demand(organisation=world.org, status=Status.PUBLISHED)
    inv2 = services.invitation_create(actor=world.boss, demand=other, expert=expert)
    _, eng2 = accept(world, inv2, expert)
    assert eng2.status == "active"


def test_team_application_to_open_challenge(world, factory):
    from registry.choices import Status

    challenge = factory.demand(organisation=world.org, status=Status.PUBLISHED, kind="open_challenge",
                               challenge_reward=50, challenge_deadline=dt.date.today() + dt.timedelta(days=30),
                               title="揭榜挂帅：高密度封装散热难题", headcount=1)
    lead, member = world.expert(), world.expert()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=lead.user, demand=challenge, team=[member], coi_declaration="无",
                                    confidentiality_undertaking=True)
    assert codes(exc.value) == {"proposal_required"}
    app = services.application_submit(actor=lead.user, demand=challenge, team=[member], proposal="采用微流道散热方案",
                                      coi_declaration="无", confidentiality_undertaking=True)
    with pytest.raises(ValidationError) as exc:
        services.application_answer(actor=world.boss, application=app, accept=True)
    assert codes(exc.value) == {"team_unconfirmed"}
    services.application_member_confirm(actor=member.user, application=app, coi_declaration="无",
                                        confidentiality_undertaking=True)
    app, engagements = services.application_answer(actor=world.boss, application=app, accept=True)
    assert app.status == "accepted" and {e.expert_id for e in engagements} == {lead.pk, member.pk}
    # a team fills one place of the headcount
    assert selectors.demand_filled_units([challenge.pk])[challenge.pk] == 1
    assert [e.action for e in selectors.history(app)] == ["submit", "member_confirm", "accept"]


def test_application_withdraw_and_illegal_answer(world):
    expert = world.expert()
    app = services.application_submit(actor=expert.user, demand=world.demand, coi_declaration="无",
                                      confidentiality_undertaking=True)
    with pytest.raises(PermissionDenied):
        services.application_answer(actor=expert.user, application=app, accept=True)
    services.application_withdraw(actor=expert.user, application=app)
    with pytest.raises(ValidationError) as exc:
        services.application_answer(actor=world.boss, application=app, accept=True)
    assert codes(exc.value) == {"illegal_transition"}


def test_no_engagement_without_both_yes(world):
    # the database refuses an engagement that came from neither an invitation nor an application
    from django.db import IntegrityError, transaction

    expert = world.expert()
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.create(demand=world.demand, organisation=world.org, expert=expert, mode="remote",
                                  start_date=dt.date.today(), end_date=dt.date.today(), coi_declaration="无")


def test_every_transition_leaves_an_event(world):
    expert = world.expert()
    inv = services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
    _, eng = accept(world, inv, expert)
    services.engagement_complete(actor=world.boss, engagement=eng)
    assert LifecycleEvent.objects.filter(actor=world.boss).count() == 2
    assert LifecycleEvent.objects.filter(actor=expert.user).count() == 2


def test_expired_demand_refuses_invitations(world):
    import datetime as dt

    from registry.models import Demand

    Demand.objects.filter(pk=world.demand.pk).update(expires_at=dt.date.today() - dt.timedelta(days=1))
    world.demand.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=world.boss, demand=world.demand, expert=world.expert())
    assert codes(exc.value) == {"demand_expired"}
