"""Daily housekeeping of talent cards: expire the lapsed ones, announce the ones about to lapse."""

from celery import shared_task
from django.utils import timezone

from . import selectors, services, signals

EXPIRY_WARNING_DAYS = (30, 7)


@shared_task(name="services.talent_cards_daily")
def talent_cards_daily() -> dict:
    today = timezone.localdate()
    expired = services.talent_cards_expire(today=today)
    warned = 0
    for card in selectors.talent_cards_expiring(within_days=max(EXPIRY_WARNING_DAYS), today=today):
        days_left = (card.valid_until - today).days
        if days_left in EXPIRY_WARNING_DAYS:
            signals.talent_card_expiring.send(sender=type(card), card=card, days_left=days_left)
            warned += 1
    return {"expired": expired, "warned": warned}
