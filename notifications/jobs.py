"""Periodic jobs (run by Celery beat through tasks.py; callable directly in tests and from a shell)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from . import events, selectors
from .models import Kind

log = logging.getLogger(__name__)

DEMAND_EXPIRY_NOTICE_DAYS = 3
TALENT_CARD_NOTICE_DAYS = 30
DIGEST_DAYS = 7
DIGEST_MAX = 10


def expiries(*, today: dt.date | None = None) -> dict[str, int]:
    """Published demand ending within DEMAND_EXPIRY_NOTICE_DAYS → its organisation; talent cards within 30 days."""
    from registry.choices import Status
    from registry.models import Demand

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=DEMAND_EXPIRY_NOTICE_DAYS)
    demands = Demand.objects.filter(status=Status.PUBLISHED).filter(
        Q(expires_at__isnull=False, expires_at__gte=today, expires_at__lte=horizon)
        | Q(expires_at__isnull=True, period_end__gte=today, period_end__lte=horizon)
    ).select_related("organisation")
    sent = 0
    for demand in demands:
        end = demand.expires_at or demand.period_end
        sent += events.demand_expiring(demand=demand, days_left=(end - today).days)
    cards = 0
    for card in _talent_cards_expiring(today=today, within_days=TALENT_CARD_NOTICE_DAYS):
        cards += events.talent_card_expiring(**card)
    return {"demands": sent, "talent_cards": cards}


def _talent_cards_expiring(*, today: dt.date, within_days: int) -> list[dict]:
    """HOOK for the services app: the talent cards expiring within ``within_days``, as keyword arguments of
    events.talent_card_expiring (card_id, recipient, expires_on, link). Empty until the services app lands."""
    return []


def application_deadlines(*, today: dt.date | None = None) -> dict[str, int]:
    """Cases due within 1 working day, and overdue cases → the staff handling them."""
    due = overdue = 0
    for row in _application_deadline_rows(today=today or timezone.localdate()):
        if events.application_deadline(**row):
            if row["overdue"]:
                overdue += 1
            else:
                due += 1
    return {"due": due, "overdue": overdue}


def _application_deadline_rows(*, today: dt.date) -> list[dict]:
    """HOOK for the services app: open applications due within 1 working day (chinesecalendar) or overdue, as
    keyword arguments of events.application_deadline (application_id, handler, item_name, due, overdue, link)."""
    return []


def _recommended_demands(expert, *, since: dt.datetime) -> list:
    """The matching app's recommendations when it offers them; else published demand of the past week in the
    expert's industries (same GB/T 4754 大类) and in the Hebei cities the expert serves."""
    try:
        from matching import selectors as matching_selectors  # noqa: PLC0415 — optional until the matching branch lands
    except ImportError:
        matching_selectors = None
    recommend = getattr(matching_selectors, "recommended_demands_for_expert", None)
    if recommend is not None:
        return list(recommend(expert=expert, since=since)[:DIGEST_MAX])

    from registry.selectors import published_demands

    qs = published_demands().filter(published_at__gte=since)
    prefixes = {"/".join(i.path.split("/")[:2]) for i in expert.industries.all()}
    if prefixes:
        q = Q()
        for prefix in prefixes:
            q |= Q(industry__path__startswith=prefix + "/") | Q(industry__path=prefix)
        qs = qs.filter(q)
    if not expert.serves_all_hebei:
        qs = qs.filter(city__in=expert.served_cities.all())
    return list(qs[:DIGEST_MAX])


def weekly_digest(*, now: dt.datetime | None = None) -> dict[str, int]:
    """For every verified expert who opted in to the weekly digest."""
    from registry.choices import Status
    from registry.models import Expert

    now = now or timezone.now()
    year, week, _ = timezone.localtime(now).isocalendar()
    label = f"{year}-W{week:02d}"
    since = now - dt.timedelta(days=DIGEST_DAYS)
    sent = skipped = 0
    users = selectors.users_opted_in(kind=Kind.WEEKLY_DIGEST)
    experts = Expert.objects.filter(person__user__in=users, status=Status.VERIFIED).select_related("person__user").prefetch_related("industries", "served_cities")
    for expert in experts:
        if events.weekly_digest(user=expert.person.user, demands=_recommended_demands(expert, since=since), week=label):
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "nothing_new": skipped}


def nightly_rematch() -> dict[str, int]:
    """HOOK: refresh the matching index/recommendations overnight, if the matching app offers ``rematch_all``."""
    try:
        from matching import services as matching_services  # noqa: PLC0415
    except ImportError:
        matching_services = None
    rematch = getattr(matching_services, "rematch_all", None)
    if rematch is None:
        log.info("nightly re-matching: matching.services.rematch_all is not available yet")
        return {"rematched": 0}
    result = rematch()
    return result if isinstance(result, dict) else {"rematched": int(result or 0)}
