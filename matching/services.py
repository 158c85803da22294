"""Writes of matching and the engagement lifecycle, one function per use case (keyword-only, atomic).

The engine proposes, people decide (PIPL art. 24): an engagement is created only when the enterprise said
yes (by inviting, or by accepting an application) and the expert said yes (by accepting, or by applying).
Every transition goes through a function here, writes a LifecycleEvent, and is refused with a
``ValidationError`` (Chinese message, machine ``code``) when illegal.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext

from registry import domain, permissions
from registry.choices import Status
from registry.models import Demand, Discipline, Expert, Graduate, Industry, Organisation

from . import lifecycle, panels, selectors
from .engine import ENGINE_VERSION, assign_greedy, assign_optimal
from .engine.modes import MODE_BIT, MODE_CODES, MODE_LABELS_ZH
from .holder import holder
from .models import (
    Application,
    ApplicationMember,
    AssignmentRun,
    Engagement,
    Invitation,
    LifecycleEvent,
    Rating,
    Recommendation,
    ReviewPanel,
    ReviewPanelMember,
)


def _refuse(code: str, message: str, field: str = "__all__"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


def _check(table, current: str, target: str, what: str) -> None:
    try:
        lifecycle.check_transition(table, current, target)
    except lifecycle.TransitionError:
        _refuse("illegal_transition",
                f"{what}当前为“{lifecycle.LABELS_ZH.get(current, current)}”，不能变更为“{lifecycle.LABELS_ZH.get(target, target)}”",
                "status")


def _event(obj, action: str, *, actor, from_status: str = "", to_status: str = "", note: str = "", data=None) -> LifecycleEvent:
    field = {Invitation: "invitation", Application: "application", Engagement: "engagement"}[type(obj)]
    user = actor if getattr(actor, "is_authenticated", False) else None
    return LifecycleEvent.objects.create(**{field: obj}, action=action, from_status=from_status, to_status=to_status,
                                         actor=user, actor_name=getattr(user, "username", "") if user else "",
                                         note=note[:2000], data=data or {})


def _acts_for_organisation(actor, demand: Demand) -> bool:
    """A member of the demanding organisation, or staff of the demand's region."""
    return permissions.is_owner(actor, demand) or permissions.can_staff_change(actor, demand)


def _is_expert_self(actor, expert: Expert) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and expert.person.user_id == actor.pk)


def _expert_of(actor) -> Expert:
    expert = Expert.objects.filter(person__user=actor).first() if getattr(actor, "is_authenticated", False) else None
    if expert is None:
        raise PermissionDenied(gettext("只有在专家人才库登记的专家本人可以执行此操作"))
    return expert


def _modes(mask_or_list) -> int:
    if isinstance(mask_or_list, int):
        return mask_or_list
    return domain.modes_to_mask(mask_or_list or [])


def _common_mode(demand: Demand, expert: Expert, wanted: str | None) -> str:
    common = _modes(demand.sharing_modes) & _modes(expert.sharing_modes)
    if wanted:
        if wanted not in MODE_BIT:
            _refuse("unknown_mode", f"未知的合作方式：{wanted}", "mode")
        if not common & MODE_BIT[wanted]:
            _refuse("mode_not_common", f"“{MODE_LABELS_ZH[wanted]}”不是双方都接受的合作方式", "mode")
        return wanted
    if not common:
        _refuse("no_common_mode", "需求方与专家没有共同接受的合作方式", "mode")
    return next(code for code in MODE_CODES if common & MODE_BIT[code])


def _demand_is_open(demand: Demand) -> None:
    if demand.status != Status.PUBLISHED:
        _refuse("demand_not_published", "需求未发布或已关闭，不能进行对接", "demand")
    today = timezone.localdate()
    if demand.period_end < today or (demand.expires_at and demand.expires_at < today):
        _refuse("demand_expired", "需求已过期，不能进行对接", "demand")
    filled = selectors.demand_filled_units([demand.pk]).get(demand.pk, 0)
    if filled >= demand.headcount:
        _refuse("demand_filled", f"该需求的{demand.headcount}个名额已满", "demand")


def _expert_is_matchable(expert: Expert) -> None:
    if expert.status != Status.VERIFIED or expert.outside_region:
        _refuse("expert_not_active", "专家尚未通过审核或已暂停服务", "expert")


def _no_conflict(demand: Demand, expert: Expert) -> None:
    if expert.employer_id and expert.employer_id == demand.organisation_id:
        _refuse("conflict_of_interest", "专家就职于需求单位，存在利益冲突，不能对接", "expert")


def _capacity_left(expert: Expert) -> int:
    # lock the expert row while checking and creating, so two acceptances cannot both take the last place
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    active = Engagement.objects.filter(expert=expert, status=Engagement.Status.ACTIVE).count()
    return expert.max_engagements - active


def _declaration(coi_declaration: str, confidentiality_undertaking: bool) -> None:
    if not (coi_declaration or "").strip():
        _refuse("coi_required", "请填写利益冲突声明（如无利益冲突，请写明“无”）", "coi_declaration")
    if not confidentiality_undertaking:
        _refuse("confidentiality_required", "请阅读并作出保密承诺", "confidentiality_undertaking")


def _dates(demand: Demand, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = start or max(today, demand.period_start)
    end = end or demand.period_end
    if end < start:
        _refuse("window_order", f"结束日期（{end}）早于开始日期（{start}）", "end_date")
    return start, end


# --- recommendations ------------------------------------------------------------------------------


def _save_matches(matches, *, direction: str, actor, demand_of, expert_of=None, graduate_of=None, run=None) -> list[Recommendation]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    recs = []
    for m in matches:
        d = m.to_dict()
        recs.append(Recommendation(
            direction=direction, demand_id=demand_of(m), expert_id=expert_of(m) if expert_of else None,
            graduate_id=graduate_of(m) if graduate_of else None, rank=m.rank, score=m.score,
            components=d["components"],
            matched={k: d.get(k) for k in ("matched_terms", "matched_industry", "matched_disciplines", "distance_km", "mode")},
            explanation_zh=m.explanation_zh, explanation_en=m.explanation_en, engine_version=ENGINE_VERSION,
            run=run, requested_by=user))
    return Recommendation.objects.bulk_create(recs)


def recommend_experts_for_demand(*, demand: Demand, k: int = 10, actor=None, record: bool = True) -> list[Recommendation]:
    """The k best experts for a demand, with explanations; kept as Recommendation rows (unless record=False,
    then returned unsaved)."""
    index = holder.expert_index()
    rec = next(iter(selectors.demand_records(ids=[demand.pk])), None)
    if rec is None or not rec.is_open:
        return []
    matches = index.top_k(rec, k=k)
    if not record:
        return [Recommendation(direction=Recommendation.Direction.EXPERTS_FOR_DEMAND, demand_id=demand.pk,
                               expert_id=m.expert_id, rank=m.rank, score=m.score, components=m.components,
                               explanation_zh=m.explanation_zh, explanation_en=m.explanation_en,
                               engine_version=ENGINE_VERSION) for m in matches]
    with transaction.atomic():
        return _save_matches(matches, direction=Recommendation.Direction.EXPERTS_FOR_DEMAND, actor=actor,
                             demand_of=lambda m: m.demand_id, expert_of=lambda m: m.expert_id)


def recommend_demands_for_expert(*, expert: Expert, k: int = 10, actor=None, record: bool = True) -> list[Recommendation]:
    """推荐需求: the k best open demands for an expert."""
    index = holder.expert_index()
    rec = next(iter(selectors.expert_records(ids=[expert.pk])), None)
    if rec is None or not rec.verified_active:
        return []
    matches = index.demands_for_expert(rec, k=k)
    if not record:
        return [Recommendation(direction=Recommendation.Direction.DEMANDS_FOR_EXPERT, demand_id=m.demand_id,
                               expert_id=expert.pk, rank=m.rank, score=m.score, components=m.components,
                               explanation_zh=m.explanation_zh, explanation_en=m.explanation_en,
                               engine_version=ENGINE_VERSION) for m in matches]
    with transaction.atomic():
        return _save_matches(matches, direction=Recommendation.Direction.DEMANDS_FOR_EXPERT, actor=actor,
                             demand_of=lambda m: m.demand_id, expert_of=lambda m: m.expert_id)


def recommend_graduates_for_position(*, position: Demand, k: int = 10, actor=None) -> list[Recommendation]:
    """Graduates for a position-kind demand (高校毕业生就业河北计划)."""
    if position.kind != "position":
        _refuse("not_a_position", "只有岗位类需求可以推荐毕业生", "demand")
    gi = holder.graduate_index()
    rec = next(iter(selectors.demand_records(ids=[position.pk])), None)
    if rec is None or not rec.is_open:
        return []
    matches = gi.graduates_for_position(rec, k=k)
    with transaction.atomic():
        return _save_graduate_matches(matches, Recommendation.Direction.GRADUATES_FOR_POSITION, actor)


def recommend_positions_for_graduate(*, graduate: Graduate, k: int = 10, actor=None) -> list[Recommendation]:
    gi = holder.graduate_index()
    rec = next(iter(selectors.graduate_records(ids=[graduate.pk])), None)
    if rec is None or not rec.seeking:
        return []
    matches = gi.positions_for_graduate(rec, k=k)
    with transaction.atomic():
        return _save_graduate_matches(matches, Recommendation.Direction.POSITIONS_FOR_GRADUATE, actor)


def _save_graduate_matches(matches, direction, actor) -> list[Recommendation]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Recommendation.objects.bulk_create([
        Recommendation(direction=direction, demand_id=m.position_id, graduate_id=m.graduate_id, rank=m.rank,
                       score=m.score, components=m.components, matched={"matched_terms": m.matched_terms},
                       explanation_zh=m.explanation_zh, explanation_en=m.explanation_en,
                       engine_version=ENGINE_VERSION, requested_by=user)
        for m in matches])


@transaction.atomic
def assignment_run(*, actor, k: int = 20, spread: float = 0.05, demand_ids: Iterable[int] | None = None, note: str = "") -> AssignmentRun:
    """Batch assignment of open demands to experts (proposals only: people confirm them by inviting)."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(gettext("只有工作人员可以运行批量匹配"))
    index = holder.expert_index()
    graph = index.candidate_graph(demand_ids=demand_ids, k=k)
    opt = assign_optimal(graph, spread=spread)
    greedy = assign_greedy(graph, spread=spread)
    run = AssignmentRun.objects.create(
        run_by=actor, engine_version=ENGINE_VERSION, note=note[:200],
        params={"k": k, "spread": spread, "demands": len(graph.demand_ids)},
        summary={"solver": opt.summary(), "greedy": greedy.summary()})
    proposals = []
    rank_of: dict[int, int] = {}
    for demand_id, expert_id, _score in opt.pairs:
        rank_of[demand_id] = rank_of.get(demand_id, 0) + 1
        m = index.score_pair(demand_id, expert_id)
        if m is None:       # cannot happen: the graph only holds eligible pairs
            continue
        m.rank = rank_of[demand_id]
        proposals.append(m)
    _save_matches(proposals, direction=Recommendation.Direction.BATCH, actor=actor, run=run,
                  demand_of=lambda m: m.demand_id, expert_of=lambda m: m.expert_id)
    return run


# --- invitations ----------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor, demand: Demand, expert: Expert, message: str = "", proposed_mode: str = "",
                      proposed_terms: str = "", expires_on: dt.date | None = None,
                      recommendation: Recommendation | None = None) -> Invitation:
    """The enterprise invites an expert (its yes). The expert answers with invitation_answer."""
    permissions.require(_acts_for_organisation(actor, demand), gettext("只有需求单位成员或本地区工作人员可以发出邀请"))
    _demand_is_open(demand)
    _expert_is_matchable(expert)
    _no_conflict(demand, expert)
    mode = _common_mode(demand, expert, proposed_mode or None)
    if Invitation.objects.filter(demand=demand, expert=expert, status=Invitation.Status.PENDING).exists():
        _refuse("duplicate_invitation", "已向该专家发出邀请，正在等待答复", "expert")
    if expires_on and expires_on < timezone.localdate():
        _refuse("expired", "答复截止日期不能早于今天", "expires_on")
    features = {}
    if recommendation is not None:
        if recommendation.demand_id != demand.pk or recommendation.expert_id != expert.pk:
            _refuse("recommendation_mismatch", "所选推荐记录与需求或专家不一致", "recommendation")
        features = dict(recommendation.components)
    else:
        match = _pair(demand, expert)
        if match is not None:
            features = {k: v for k, v in match.components.items()}
    try:
        with transaction.atomic():
            inv = Invitation.objects.create(
                demand=demand, expert=expert, recommendation=recommendation, message=message,
                invited_by=actor if getattr(actor, "is_authenticated", False) else None,
                proposed_mode=mode if proposed_mode else "", proposed_terms=proposed_terms,
                expires_on=expires_on, features=features)
    except IntegrityError:
        _refuse("duplicate_invitation", "已向该专家发出邀请，正在等待答复", "expert")
    _event(inv, "invite", actor=actor, to_status=inv.status, note=message)
    return inv


def _pair(demand: Demand, expert: Expert):
    try:
        index = holder.expert_index()
        rec = next(iter(selectors.demand_records(ids=[demand.pk])), None)
        return index.score_pair(rec, expert.pk) if rec is not None else None
    except KeyError:
        return None


@transaction.atomic
def invitation_withdraw(*, actor, invitation: Invitation, reason: str = "") -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    permissions.require(_acts_for_organisation(actor, invitation.demand), gettext("只有需求单位成员或本地区工作人员可以撤回邀请"))
    _check(lifecycle.INVITATION, invitation.status, "withdrawn", "邀请")
    before = invitation.status
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.save(update_fields=["status"])
    _event(invitation, "withdraw", actor=actor, from_status=before, to_status=invitation.status, note=reason)
    return invitation


@transaction.atomic
def invitation_answer(*, actor, invitation: Invitation, accept: bool, reason: str = "", note: str = "",
                      coi_declaration: str = "", confidentiality_undertaking: bool = False, mode: str = "",
                      start_date: dt.date | None = None, end_date: dt.date | None = None,
                      terms: str | None = None) -> tuple[Invitation, Engagement | None]:
    """The expert accepts (with the conflict-of-interest declaration and the confidentiality undertaking;
    an engagement is created) or declines (with a reason) an invitation."""
    invitation = Invitation.objects.select_for_update().select_related("demand", "expert__person").get(pk=invitation.pk)
    expert, demand = invitation.expert, invitation.demand
    if not _is_expert_self(actor, expert):
        raise PermissionDenied(gettext("只有受邀专家本人可以答复邀请"))
    target = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    _check(lifecycle.INVITATION, invitation.status, target, "邀请")
    if invitation.expires_on and invitation.expires_on < timezone.localdate():
        _refuse("expired", f"邀请已于{invitation.expires_on}过期，不能再答复", "status")
    before = invitation.status
    engagement = None
    if accept:
        _declaration(coi_declaration, confidentiality_undertaking)
        _demand_is_open(demand)
        _no_conflict(demand, expert)
        if _capacity_left(expert) <= 0:
            _refuse("at_capacity", f"您当前在办的合作已达上限（{expert.max_engagements}项），请先完成或结束其他合作再接受邀请", "expert")
        chosen = _common_mode(demand, expert, mode or invitation.proposed_mode or None)
        start, end = _dates(demand, start_date, end_date)
        engagement = Engagement.objects.create(
            demand=demand, organisation_id=demand.organisation_id, expert=expert, invitation=invitation, mode=chosen,
            start_date=start, end_date=end, terms=invitation.proposed_terms if terms is None else terms,
            coi_declaration=coi_declaration.strip(), confidentiality_undertaking=True)
        _event(engagement, "create", actor=actor, to_status=engagement.status, data={"from": "invitation", "invitation": invitation.pk})
    else:
        if reason not in lifecycle.DECLINE_REASON_CODES:
            _refuse("reason_required", "请选择谢绝原因", "reason")
        invitation.decline_reason, invitation.decline_note = reason, note
    invitation.status = target
    invitation.answered_at = timezone.now()
    invitation.save()
    _event(invitation, "accept" if accept else "decline", actor=actor, from_status=before, to_status=target,
           note=note, data={"reason": reason} if not accept else {"engagement": engagement.pk})
    return invitation, engagement


@transaction.atomic
def invitations_expire(*, today: dt.date | None = None) -> int:
    """Mark pending invitations past their answer date as expired (a periodic task)."""
    today = today or timezone.localdate()
    n = 0
    for inv in Invitation.objects.select_for_update().filter(status=Invitation.Status.PENDING, expires_on__lt=today):
        inv.status = Invitation.Status.EXPIRED
        inv.save(update_fields=["status"])
        _event(inv, "expire", actor=None, from_status=Invitation.Status.PENDING, to_status=inv.status)
        n += 1
    return n


# --- applications (including teams and open challenges) -----------------------------------------


@transaction.atomic
def application_submit(*, actor, demand: Demand, proposal: str = "", team: Iterable[Expert] = (), proposed_mode: str = "",
                       coi_declaration: str = "", confidentiality_undertaking: bool = False) -> Application:
    """An expert applies to a published demand (their yes), alone or leading a team (组团服务); an open
    challenge (揭榜挂帅) needs a proposal before its deadline. Team members confirm for themselves."""
    lead = _expert_of(actor)
    _expert_is_matchable(lead)
    _demand_is_open(demand)
    _no_conflict(demand, lead)
    _declaration(coi_declaration, confidentiality_undertaking)
    if demand.kind == "open_challenge":
        if not (proposal or "").strip():
            _refuse("proposal_required", "揭榜挂帅需求须提交揭榜方案", "proposal")
        if demand.challenge_deadline and demand.challenge_deadline < timezone.localdate():
            _refuse("challenge_closed", f"揭榜已于{demand.challenge_deadline}截止", "demand")
    mode = _common_mode(demand, lead, proposed_mode or None)
    members = [e for e in dict.fromkeys(team) if e.pk != lead.pk]
    for m in members:
        _expert_is_matchable(m)
        _no_conflict(demand, m)
    if Application.objects.filter(demand=demand, expert=lead, status=Application.Status.SUBMITTED).exists():
        _refuse("duplicate_application", "您已申请该需求，正在等待需求单位答复", "demand")
    app = Application.objects.create(demand=demand, expert=lead, proposal=proposal, proposed_mode=mode)
    now = timezone.now()
    ApplicationMember.objects.create(application=app, expert=lead, role=ApplicationMember.Role.LEAD, confirmed_at=now,
                                     coi_declaration=coi_declaration.strip(), confidentiality_undertaking=True)
    for m in members:
        ApplicationMember.objects.create(application=app, expert=m, role=ApplicationMember.Role.MEMBER)
    _event(app, "submit", actor=actor, to_status=app.status, data={"team": [m.pk for m in members]})
    return app


@transaction.atomic
def application_member_confirm(*, actor, application: Application, coi_declaration: str,
                               confidentiality_undertaking: bool) -> ApplicationMember:
    """A team member confirms they join the application, with their own declarations."""
    expert = _expert_of(actor)
    member = ApplicationMember.objects.select_for_update().filter(application=application, expert=expert).first()
    if member is None:
        raise PermissionDenied(gettext("您不是该申请的团队成员"))
    if application.status != Application.Status.SUBMITTED:
        _refuse("illegal_transition", "申请已答复或撤回，不能再确认", "status")
    if member.confirmed_at:
        _refuse("already_confirmed", "您已确认加入该团队", "status")
    _declaration(coi_declaration, confidentiality_undertaking)
    member.confirmed_at = timezone.now()
    member.coi_declaration, member.confidentiality_undertaking = coi_declaration.strip(), True
    member.save()
    _event(application, "member_confirm", actor=actor, from_status=application.status, to_status=application.status,
           data={"expert": expert.pk})
    return member


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    application = Application.objects.select_for_update().select_related("expert__person").get(pk=application.pk)
    if not _is_expert_self(actor, application.expert):
        raise PermissionDenied(gettext("只有申请人本人可以撤回申请"))
    _check(lifecycle.APPLICATION, application.status, "withdrawn", "申请")
    before = application.status
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status"])
    _event(application, "withdraw", actor=actor, from_status=before, to_status=application.status, note=reason)
    return application


@transaction.atomic
def application_answer(*, actor, application: Application, accept: bool, reason: str = "", note: str = "",
                       mode: str = "", start_date: dt.date | None = None, end_date: dt.date | None = None,
                       terms: str = "") -> tuple[Application, list[Engagement]]:
    """The enterprise accepts (engagements for the applicant and each confirmed team member) or declines."""
    application = Application.objects.select_for_update().select_related("demand", "expert").get(pk=application.pk)
    demand = application.demand
    permissions.require(_acts_for_organisation(actor, demand), gettext("只有需求单位成员或本地区工作人员可以答复申请"))
    target = Application.Status.ACCEPTED if accept else Application.Status.DECLINED
    _check(lifecycle.APPLICATION, application.status, target, "申请")
    before = application.status
    engagements: list[Engagement] = []
    if accept:
        team = list(application.team.select_related("expert__person"))
        unconfirmed = [m.expert.person.name for m in team if not m.confirmed_at]
        if unconfirmed:
            _refuse("team_unconfirmed", f"团队成员{'、'.join(unconfirmed)}尚未确认加入，暂不能接受该申请", "team")
        _demand_is_open(demand)
        for m in team:
            _expert_is_matchable(m.expert)
            if _capacity_left(m.expert) <= 0:
                _refuse("at_capacity", f"专家{m.expert.person.name}在办的合作已达上限（{m.expert.max_engagements}项）", "team")
        start, end = _dates(demand, start_date, end_date)
        for m in team:
            chosen = _common_mode(demand, m.expert, mode or application.proposed_mode or None)
            e = Engagement.objects.create(
                demand=demand, organisation_id=demand.organisation_id, expert=m.expert, application=application,
                mode=chosen, start_date=start, end_date=end, terms=terms, coi_declaration=m.coi_declaration,
                confidentiality_undertaking=m.confidentiality_undertaking)
            _event(e, "create", actor=actor, to_status=e.status, data={"from": "application", "application": application.pk})
            engagements.append(e)
    else:
        if reason not in lifecycle.DECLINE_REASON_CODES:
            _refuse("reason_required", "请选择谢绝原因", "reason")
        application.decline_reason, application.decline_note = reason, note
    application.status = target
    application.answered_at = timezone.now()
    application.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save()
    _event(application, "accept" if accept else "decline", actor=actor, from_status=before, to_status=target, note=note,
           data={"engagements": [e.pk for e in engagements]} if accept else {"reason": reason})
    return application, engagements


# --- engagements and ratings ---------------------------------------------------------------------


def _party(actor, engagement: Engagement) -> str | None:
    if _is_expert_self(actor, engagement.expert):
        return Rating.Side.EXPERT
    if permissions.is_owner(actor, engagement.demand):
        return Rating.Side.ENTERPRISE
    return None


@transaction.atomic
def engagement_complete(*, actor, engagement: Engagement, note: str = "") -> Engagement:
    engagement = Engagement.objects.select_for_update().select_related("expert__person", "demand").get(pk=engagement.pk)
    permissions.require(_party(actor, engagement) is not None or permissions.can_staff_change(actor, engagement.demand),
                        gettext("只有合作双方或本地区工作人员可以确认合作完成"))
    _check(lifecycle.ENGAGEMENT, engagement.status, "completed", "合作")
    before = engagement.status
    engagement.status = Engagement.Status.COMPLETED
    engagement.completed_at = timezone.now()
    engagement.completion_note = note
    engagement.save()
    _event(engagement, "complete", actor=actor, from_status=before, to_status=engagement.status, note=note)
    return engagement


@transaction.atomic
def engagement_terminate(*, actor, engagement: Engagement, reason: str) -> Engagement:
    engagement = Engagement.objects.select_for_update().select_related("expert__person", "demand").get(pk=engagement.pk)
    permissions.require(_party(actor, engagement) is not None or permissions.can_staff_change(actor, engagement.demand),
                        gettext("只有合作双方或本地区工作人员可以终止合作"))
    if not (reason or "").strip():
        _refuse("reason_required", "请说明终止合作的原因", "reason")
    _check(lifecycle.ENGAGEMENT, engagement.status, "terminated", "合作")
    before = engagement.status
    engagement.status = Engagement.Status.TERMINATED
    engagement.completed_at = timezone.now()
    engagement.completion_note = reason
    engagement.save()
    _event(engagement, "terminate", actor=actor, from_status=before, to_status=engagement.status, note=reason)
    return engagement


@transaction.atomic
def rating_submit(*, actor, engagement: Engagement, score: int, comment: str = "") -> Rating:
    """A party rates a completed engagement (1–5, once per side). The enterprise's rating feeds the expert's
    average, which the engine's rating component uses."""
    engagement = Engagement.objects.select_related("expert__person", "demand").get(pk=engagement.pk)
    side = _party(actor, engagement)
    if side is None:
        raise PermissionDenied(gettext("只有合作双方可以评价"))
    if engagement.status != Engagement.Status.COMPLETED:
        _refuse("not_completed", "合作完成后才能评价", "engagement")
    if not isinstance(score, int) or not 1 <= score <= 5:
        _refuse("out_of_range", "评分应为1到5的整数", "score")
    if Rating.objects.filter(engagement=engagement, side=side).exists():
        _refuse("already_rated", "您已评价过这次合作，每方只能评价一次", "engagement")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(engagement=engagement, side=side, score=score, comment=comment,
                                           rated_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        _refuse("already_rated", "您已评价过这次合作，每方只能评价一次", "engagement")
    _event(engagement, "rate", actor=actor, from_status=engagement.status, to_status=engagement.status,
           data={"side": side, "score": score})
    if side == Rating.Side.ENTERPRISE:
        expert = Expert.objects.select_for_update().get(pk=engagement.expert_id)
        agg = Rating.objects.filter(engagement__expert=expert, side=Rating.Side.ENTERPRISE).aggregate(avg=Avg("score"), n=Count("id"))
        expert.rating_avg = round(float(agg["avg"] or 0.0), 3)
        expert.rating_count = agg["n"]
        expert.save(update_fields=["rating_avg", "rating_count", "updated_at"])
    return rating


# --- review panels --------------------------------------------------------------------------------


def _panel_pool(*, discipline: Discipline, industry: Industry | None, min_title_rank: int,
                excluded_org_ids: set[int], excluded_names: set[str]) -> list[tuple[int, str]]:
    """Eligible experts of the three regions: verified, in the discipline's subtree (and the industry's, if
    given), at or above the title, and not employed by a candidate's unit."""
    qs = Expert.objects.filter(status=Status.VERIFIED, region__in=[r for r, _, _ in domain.REGIONS],
                               title_rank__gte=min_title_rank)
    qs = qs.filter(disciplines__path__startswith=discipline.path + "/") | qs.filter(disciplines__code=discipline.code)
    if industry is not None:
        qs = qs.filter(industries__path__startswith=industry.path + "/") | qs.filter(industries__code=industry.code)
    rows = qs.distinct().values_list("id", "region", "employer_id", "employer_name")
    return sorted((eid, region) for eid, region, org, name in rows
                  if not (org and org in excluded_org_ids) and (name or "").strip() not in excluded_names)


@transaction.atomic
def review_panel_draw(*, actor, discipline: str | Discipline, size: int, reason: str, industry: str | Industry | None = None,
                      candidate_employers: Iterable[Organisation | int | str] = (), min_title_level: str = "associate_senior",
                      seed: int | None = None) -> ReviewPanel:
    """Draw a title-review panel from the shared pool of the three regions, balanced across regions where the
    pool allows, excluding experts of the candidates' employers; reproducible from the recorded seed and pool."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(gettext("只有工作人员可以抽取评审专家"))
    if not (reason or "").strip():
        _refuse("reason_required", "请填写抽取事由（如评审批次、专业）", "reason")
    if min_title_level not in domain.TITLE_LEVEL_RANK:
        _refuse("unknown_title", f"未知的职称级别：{min_title_level}", "min_title_level")
    disc = discipline if isinstance(discipline, Discipline) else Discipline.objects.filter(code=discipline).first()
    if disc is None:
        _refuse("unknown_code", f"未知的学科代码：{discipline}", "discipline")
    ind = None
    if industry:
        ind = industry if isinstance(industry, Industry) else Industry.objects.filter(code=industry).first()
        if ind is None:
            _refuse("unknown_code", f"未知的行业代码：{industry}", "industry")
    excluded_ids, excluded_names = set(), set()
    for c in candidate_employers:
        if isinstance(c, Organisation):
            excluded_ids.add(c.pk)
            excluded_names.add(c.name)
        elif isinstance(c, int):
            excluded_ids.add(c)
        elif str(c).strip():
            excluded_names.add(str(c).strip())
    excluded_names |= set(Organisation.objects.filter(pk__in=excluded_ids).values_list("name", flat=True))
    pool = _panel_pool(discipline=disc, industry=ind, min_title_rank=domain.TITLE_LEVEL_RANK[min_title_level],
                       excluded_org_ids=excluded_ids, excluded_names=excluded_names)
    seed = secrets.randbits(48) if seed is None else int(seed)
    try:
        chosen = panels.draw_panel(pool, size, seed)
    except panels.PoolTooSmall as exc:
        _refuse("pool_too_small", str(exc), "size")
    region_of = dict(pool)
    counts: dict[str, int] = {}
    for eid in chosen:
        counts[region_of[eid]] = counts.get(region_of[eid], 0) + 1
    panel = ReviewPanel.objects.create(
        drawn_by=actor, reason=reason.strip(), discipline=disc, industry=ind, min_title_level=min_title_level, size=size,
        seed=seed, algorithm=panels.PANEL_ALGORITHM,
        excluded_employers=sorted(excluded_names) + [f"#{i}" for i in sorted(excluded_ids)],
        pool=[[eid, region] for eid, region in pool], region_counts=counts)
    ReviewPanelMember.objects.bulk_create([
        ReviewPanelMember(panel=panel, expert_id=eid, region=region_of[eid], position=i)
        for i, eid in enumerate(chosen, start=1)])
    return panel


def review_panel_verify(*, panel: ReviewPanel) -> bool:
    """Re-draw from the recorded pool and seed: True when it gives the recorded panel."""
    pool = [(int(eid), region) for eid, region in panel.pool]
    again = panels.draw_panel(pool, panel.size, panel.seed)
    recorded = list(panel.seats.order_by("position").values_list("expert_id", flat=True))
    return again == recorded


# --- maintenance ---------------------------------------------------------------------------------


def rematch_all(*, k: int = 10, actor=None, chunk: int = 500) -> dict[str, int]:
    """Nightly re-matching (notifications.jobs.nightly_rematch): rebuild this process's index from the database
    (picks up bulk writes that bypassed the change log and refits the acceptance model on the day's answers),
    then record fresh top-k recommendations for every open demand."""
    holder.reset()
    index = holder.expert_index()
    demand_ids = index.open_demand_ids()
    saved = 0
    for start in range(0, len(demand_ids), chunk):
        matches = [m for did in demand_ids[start:start + chunk] for m in index.top_k(did, k=k)]
        with transaction.atomic():
            saved += len(_save_matches(matches, direction=Recommendation.Direction.EXPERTS_FOR_DEMAND, actor=actor,
                                       demand_of=lambda m: m.demand_id, expert_of=lambda m: m.expert_id))
    return {"demands": len(demand_ids), "recommendations": saved, "experts": len(index)}


@transaction.atomic
def index_changes_prune(*, keep_days: int = 7) -> int:
    """Delete change-log rows older than keep_days (the newest row is always kept). A process whose position
    was pruned rebuilds its index once."""
    from .models import IndexChange

    newest = IndexChange.objects.order_by("-seq").values_list("seq", flat=True).first()
    if newest is None:
        return 0
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    deleted, _ = IndexChange.objects.filter(at__lt=cutoff).exclude(seq=newest).delete()
    return deleted
