"""Reads of notifications, for the inbox page, the REST API and the admin."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Channel, Delivery, Kind, Notification, NotificationPreference, OPT_IN_KINDS, OutboxStatus, WebhookDelivery


def notifications_for_user(*, user, unread_only: bool = False, kind: str | None = None) -> QuerySet[Notification]:
    """A person's inbox, newest first."""
    qs = Notification.objects.filter(recipient=user, in_inbox=True).order_by("-created", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).count()


def default_enabled(kind: str, channel: str) -> bool:
    """Without a preference row: every kind on in-app and e-mail, except opt-in kinds (the weekly digest)."""
    return kind not in OPT_IN_KINDS


def preferences_for_user(*, user) -> dict[tuple[str, str], bool]:
    """(kind, channel) → enabled, for every kind and channel, defaults filled in."""
    stored = {(p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)}
    return {(k, c): stored.get((k, c), default_enabled(k, c)) for k in Kind.values for c in Channel.values}


def enabled_channels(*, user, kind: str, stored: dict[tuple[str, str], bool] | None = None) -> set[str]:
    """The channels on which ``user`` receives ``kind``. ``stored`` lets a fan-out pass preloaded rows."""
    if stored is None:
        stored = {(p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user, kind=kind)}
    return {c for c in Channel.values if stored.get((kind, c), default_enabled(kind, c))}


def users_opted_in(*, kind: str) -> QuerySet:
    """Users who switched ``kind`` on for at least one channel (the digest's audience)."""
    from django.contrib.auth import get_user_model

    ids = NotificationPreference.objects.filter(kind=kind, enabled=True).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def deliveries_needing_attention() -> QuerySet[Delivery]:
    return Delivery.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.DEAD]).select_related("notification")


def webhook_deliveries_needing_attention() -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.DEAD]).select_related("endpoint")
