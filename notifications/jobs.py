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
DIGEST_DAYS = 7
DIGEST_MAX = 10


def expiries(*, today: dt.date | None = None) -> dict[str, int]:
    """Published demand ending within DEMAND_EXPIRY_NOTICE_DAYS → its organisation. (Talent cards: the services
    app's daily task sends ``talent_card_expiring`` 30 and 7 days ahead; receivers.py turns it into a notice.)"""
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
    return {"demands": sent}


def application_deadlines(*, today: dt.date | None = None) -> dict[str, int]:
    """Applications due within 1 working day, and overdue ones → the staff member handling each (once per case and
    due date; overdue ones once a day). Uses services.selectors.application_deadline_alerts."""
    try:
        from services import selectors as service_selectors
    except ImportError:
        service_selectors = None
    alerts = getattr(service_selectors, "application_deadline_alerts", None)
    if alerts is None:
        log.warning("application deadlines: services.selectors.application_deadline_alerts is not available")
        return {"due": 0, "overdue": 0, "no_handler": 0}
    counts = {"due": 0, "overdue": 0, "no_handler": 0}
    for row in alerts(today=today or timezone.localdate()):
        if row.get("handler") is None:
            counts["no_handler"] += 1  # nobody has acted yet: the region's queue shows it as due
            continue
        if events.application_deadline(application_id=row["application_id"], handler=row["handler"], item_name=row["item_name"],
                                       due=row["due"], overdue=row["overdue"],
                                       link=events.link_to("portal:staff_application", row["application_id"])):
            counts["overdue" if row["overdue"] else "due"] += 1
    return counts


def _recommended_demands(expert, *, since: dt.datetime) -> list:
    """New demand for the expert's digest: the matching engine's recommendations (``matching.services.
    recommend_demands_for_expert``, unsaved) published since ``since`` when the matching app offers them; else
    published demand of the period in the expert's industries (same GB/T 4754 大类) and in the Hebei cities they serve."""
    from registry.selectors import published_demands

    try:
        from matching import services as matching_services  # optional until the matching branch lands
    except ImportError:
        matching_services = None
    recommend = getattr(matching_services, "recommend_demands_for_expert", None)
    if recommend is not None:
        ranked = [r.demand_id for r in recommend(expert=expert, k=DIGEST_MAX * 5, record=False)]
        fresh = {d.pk: d for d in published_demands().filter(pk__in=ranked, published_at__gte=since)}
        return [fresh[pk] for pk in ranked if pk in fresh][:DIGEST_MAX]

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
    counts = {"sent": 0, "already_sent": 0, "nothing_new": 0}
    users = selectors.users_opted_in(kind=Kind.WEEKLY_DIGEST)
    experts = Expert.objects.filter(person__user__in=users, status=Status.VERIFIED).select_related("person__user").prefetch_related("industries", "served_cities")
    for expert in experts:
        demands = _recommended_demands(expert, since=since)
        if not demands:
            counts["nothing_new"] += 1
        elif events.weekly_digest(user=expert.person.user, demands=demands, week=label):
            counts["sent"] += 1
        else:
            counts["already_sent"] += 1
    return counts


def nightly_rematch() -> dict[str, int]:
    """The nightly re-matching: refresh the matching index and the stored recommendations."""
    from matching import services as matching_services

    result = matching_services.rematch_all()
    return result if isinstance(result, dict) else {"rematched": int(result or 0)}
