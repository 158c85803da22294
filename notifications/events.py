"""One function per event: who is told, in what words (Chinese), with which dedupe key.

Receivers (receivers.py) and periodic jobs (jobs.py) call these. The functions take plain values, not other
apps' models, so that an app whose models are still changing (matching, services) can be wired with a
three-line receiver. Functions marked HOOK are not yet connected to a signal: see receivers.py.
"""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse

from .models import Kind
from .services import notify, notify_many, webhook_publish


def link_to(name: str, *args) -> str:
    """A URL by name, or '' while the page does not exist yet (other apps' pages land separately)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def absolute(path: str) -> str:
    """A site path as a full URL (for text read outside the site, e.g. an e-mail body)."""
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def _new(notification) -> bool:
    """True if notify() wrote a new notification (False for a repeat of the same event, or an inactive recipient)."""
    return bool(notification is not None and notification.is_new)


def _users(recipients) -> list:
    return [u for u in recipients if u is not None]


# --- registry ----------------------------------------------------------------------------------------


def demand_status_changed(*, demand, status: str, status_label: str, changed_at: dt.datetime) -> int:
    """The demand's organisation members (and its creator) hear of every status change; partners subscribed to
    demand_published / demand_expired get a webhook."""
    from registry.models import OrganisationMembership

    recipients = {m.user for m in OrganisationMembership.objects.filter(organisation_id=demand.organisation_id).select_related("user")}
    if demand.created_by_id:
        recipients.add(demand.created_by)
    kind = {"published": Kind.DEMAND_PUBLISHED, "expired": Kind.DEMAND_EXPIRED}.get(status, Kind.DEMAND_STATUS)
    title = {
        Kind.DEMAND_PUBLISHED: f"您的需求“{demand.title}”已发布",
        Kind.DEMAND_EXPIRED: f"您的需求“{demand.title}”已过期",
    }.get(kind, f"您的需求“{demand.title}”状态变更为：{status_label}")
    body = {
        Kind.DEMAND_PUBLISHED: "需求已进入人才需求目录，系统将为您推荐匹配的京津专家。",
        Kind.DEMAND_EXPIRED: "需求已超过有效期，不再向专家展示。如仍需要，请修改结束日期后重新提交发布。",
    }.get(kind, f"需求当前状态：{status_label}。")
    key = f"demand:{demand.pk}:{status}:{int(changed_at.timestamp())}"
    payload = {"demand_id": demand.pk, "status": status}
    sent = notify_many(recipients=_users(recipients), kind=kind, title=title, body=body, link=link_to("portal:demand_manage", demand.pk),
                       payload=payload, dedupe_key=key)
    if kind in (Kind.DEMAND_PUBLISHED, Kind.DEMAND_EXPIRED):
        webhook_publish(event=kind, event_key=key, payload={
            "demand_id": demand.pk, "title": demand.title, "kind": demand.kind, "status": status,
            "industry": demand.industry_id, "city": demand.city_id, "organisation": demand.organisation.name,
            "period_start": demand.period_start.isoformat(), "period_end": demand.period_end.isoformat(),
            "changed_at": changed_at.isoformat(),
        })
    return sent


RECORD_NAMES = {"expert": "专家人才库", "graduate": "高校毕业生信息库", "highleveltalent": "高层次人才库"}


def person_record_status_changed(*, record, status: str, status_label: str, changed_at: dt.datetime) -> int:
    """An expert, graduate or high-level talent hears of a status change of their own record (if they have an account)."""
    person = getattr(record, "person", None)
    user = getattr(person, "user", None) if person is not None else None
    if user is None:
        return 0
    name = RECORD_NAMES.get(record._meta.model_name, str(record._meta.verbose_name))
    if status == "verified":
        kind, title, body = Kind.RECORD_VERIFIED, f"您在{name}的登记已审核通过", "您的信息已进入共享库，可被河北用人单位检索和邀请。"
    else:
        kind, title = Kind.RECORD_STATUS, f"您在{name}的登记状态变更为：{status_label}"
        body = "如为退回修改，请根据审核意见完善后重新提交。" if status == "draft" else f"当前状态：{status_label}。"
    key = f"{record._meta.label_lower}:{record.pk}:{status}:{int(changed_at.timestamp())}:{user.pk}"
    profile = {"expert": "portal:expert_profile", "graduate": "portal:graduate_profile", "highleveltalent": "portal:talent_home"}.get(record._meta.model_name)
    return int(_new(notify(recipient=user, kind=kind, title=title, body=body, link=link_to(profile) if profile else "",
                           payload={"record": record._meta.model_name, "id": record.pk, "status": status},
                      dedupe_key=key)))


def demand_expiring(*, demand, days_left: int) -> int:
    from registry.models import OrganisationMembership

    recipients = {m.user for m in OrganisationMembership.objects.filter(organisation_id=demand.organisation_id).select_related("user")}
    if demand.created_by_id:
        recipients.add(demand.created_by)
    end = demand.expires_at or demand.period_end
    return notify_many(
        recipients=_users(recipients), kind=Kind.DEMAND_EXPIRING, title=f"您的需求“{demand.title}”将于{end:%Y年%m月%d日}到期",
        body=f"距到期还有{days_left}天。如需延长，请修改结束日期。", link=link_to("portal:demand_manage", demand.pk),
        payload={"demand_id": demand.pk, "ends": end.isoformat()}, dedupe_key=f"demand_expiring:{demand.pk}:{end.isoformat()}",
    )


def weekly_digest(*, user, demands, week: str) -> bool:
    """The week's recommended demands for an expert who opted in."""
    if not demands:
        return False
    lines = [f"· {d.title}（{d.city.name}，{d.organisation.name}） {absolute(link_to('portal:demand_detail', d.pk))}" for d in demands]
    return _new(notify(
        recipient=user, kind=Kind.WEEKLY_DIGEST, title=f"本周为您推荐{len(demands)}条河北人才需求",
        body="\n".join(lines), link=link_to("portal:demand_catalogue"), payload={"demand_ids": [d.pk for d in demands], "week": week},
        dedupe_key=f"weekly_digest:{user.pk}:{week}",
    ))


# --- matching (HOOK: wire after the matching branch lands) ----------------------------------------------


def invitation_created(*, invitation_id: int, recipient, demand_title: str, organisation_name: str, link: str = "") -> bool:
    """HOOK: an organisation invited an expert to a demand → the expert."""
    return _new(notify(recipient=recipient, kind=Kind.INVITATION_NEW, title=f"{organisation_name}邀请您参与“{demand_title}”",
                  body="请在邀请有效期内接受或谢绝。", link=link, payload={"invitation_id": invitation_id},
                  dedupe_key=f"invitation:{invitation_id}:new"))


def team_member_named(*, application_id: int, recipient, lead_name: str, demand_title: str, link: str = "") -> bool:
    """A lead expert applied to a demand naming this expert in the team (组团服务) → the member, who must confirm.
    An invitation to collaborate like the organisations' (same kind, so the same preference applies)."""
    return _new(notify(recipient=recipient, kind=Kind.INVITATION_NEW, title=f"{lead_name}邀请您组团申请“{demand_title}”",
                  body="请确认是否加入团队；确认时须作出利益冲突声明和保密承诺。", link=link,
                  payload={"application_id": application_id}, dedupe_key=f"application:{application_id}:member:{recipient.pk}"))


def invitation_answered(*, invitation_id: int, recipients, expert_name: str, demand_title: str, accepted: bool, reason: str = "", link: str = "") -> int:
    """HOOK: the expert accepted or declined → the inviting organisation's members."""
    kind = Kind.INVITATION_ACCEPTED if accepted else Kind.INVITATION_DECLINED
    verb = "接受" if accepted else "谢绝"
    body = "请尽快与专家确定合作安排。" if accepted else (f"谢绝原因：{reason}" if reason else "您可以邀请其他推荐专家。")
    return notify_many(recipients=_users(recipients), kind=kind, title=f"{expert_name}已{verb}“{demand_title}”的邀请", body=body,
                           link=link, payload={"invitation_id": invitation_id, "accepted": accepted}, dedupe_key=f"invitation:{invitation_id}:{kind}")


def engagement_changed(*, engagement_id: int, recipients, demand_title: str, started: bool, link: str = "") -> int:
    """HOOK: an engagement started or completed → the expert and the organisation's members."""
    kind = Kind.ENGAGEMENT_STARTED if started else Kind.ENGAGEMENT_COMPLETED
    title = f"“{demand_title}”合作已{'开始' if started else '完成'}"
    return notify_many(recipients=_users(recipients), kind=kind, title=title, body="", link=link,
                           payload={"engagement_id": engagement_id}, dedupe_key=f"engagement:{engagement_id}:{kind}")


def rating_requested(*, engagement_id: int, recipient, counterpart_name: str, demand_title: str, link: str = "") -> bool:
    """HOOK: a completed engagement asks each side to rate the other."""
    return _new(notify(recipient=recipient, kind=Kind.RATING_REQUESTED, title=f"请评价与{counterpart_name}在“{demand_title}”中的合作",
                  body="您的评价将帮助平台改进推荐。", link=link, payload={"engagement_id": engagement_id},
                  dedupe_key=f"rating:{engagement_id}:{recipient.pk}"))


# --- services (wired in receivers.py and jobs.py) ------------------------------------------------------


def application_status_changed(*, application_id: int, recipient, item_name: str, status: str, status_label: str, changed_at: dt.datetime,
                               missing: list[str] | None = None, link: str = "") -> bool:
    """Each status change of a 同事同标 application → the applicant. A 补正 (correction) notice lists
    every missing material."""
    if missing:
        body = "请补正以下材料后重新提交：\n" + "\n".join(f"{i}. {m}" for i, m in enumerate(missing, 1))
        return _new(notify(recipient=recipient, kind=Kind.APPLICATION_CORRECTION, title=f"您申请的“{item_name}”需要补正材料", body=body, link=link,
                      payload={"application_id": application_id, "status": status, "missing": list(missing)},
                      dedupe_key=f"application:{application_id}:{status}:{int(changed_at.timestamp())}"))
    return _new(notify(recipient=recipient, kind=Kind.APPLICATION_STATUS, title=f"您申请的“{item_name}”状态变更为：{status_label}", body="",
                  link=link, payload={"application_id": application_id, "status": status},
                  dedupe_key=f"application:{application_id}:{status}:{int(changed_at.timestamp())}"))


def application_deadline(*, application_id: int, handler, item_name: str, due: dt.date, overdue: bool, link: str = "") -> bool:
    """A case due within 1 working day, or overdue → the staff member handling it (once per case and day)."""
    if overdue:
        kind, title = Kind.APPLICATION_OVERDUE, f"办件“{item_name}”已超过办理时限（{due:%m月%d日}）"
    else:
        kind, title = Kind.APPLICATION_DUE, f"办件“{item_name}”将于{due:%m月%d日}到期（1个工作日内）"
    from django.utils import timezone

    today = timezone.localdate()
    return _new(notify(recipient=handler, kind=kind, title=title, body="请及时办理。", link=link, payload={"application_id": application_id, "due": due.isoformat()},
                  dedupe_key=f"{kind}:{application_id}:{due.isoformat()}:{today.isoformat() if overdue else ''}"))


def talent_card_expiring(*, card_id: int, recipient, expires_on: dt.date, days_left: int | None = None, link: str = "") -> bool:
    """A 京津冀人才卡 about to expire → its holder (the services app announces 30 and 7 days before)."""
    left = f"（还有{days_left}天）" if days_left is not None else ""
    return _new(notify(recipient=recipient, kind=Kind.TALENT_CARD_EXPIRING, title=f"您的京津冀人才卡将于{expires_on:%Y年%m月%d日}到期{left}",
                  body="请在到期前办理续期，以免影响人才卡服务。", link=link, payload={"card_id": card_id, "expires_on": expires_on.isoformat(), "days_left": days_left},
                  dedupe_key=f"talent_card_expiring:{card_id}:{expires_on.isoformat()}:{days_left}"))
