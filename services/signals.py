"""Events of the services app, sent after the transaction commits (see docs/services.md).

- ``application_status_changed``: sender=Application; kwargs ``application``, ``action`` (accept,
  not_accept, request_correction, supplement, start_processing, complete, refuse, withdraw, submit),
  ``from_status`` ("" on submit), ``to_status``, ``actor``, ``missing`` (names of the materials a 补正 notice
  lists; empty for other actions).
- ``talent_card_changed``: sender=TalentCard; kwargs ``card``, ``action`` (issue, renew, suspend,
  reinstate, revoke, expire), ``actor`` (None for the daily expiry run).
- ``talent_card_expiring``: sender=TalentCard; kwargs ``card``, ``days_left`` — sent by the daily
  ``services.tasks.talent_cards_daily`` for active cards 30 and 7 days before ``valid_until``.
- ``recognition_decided``: sender=Recognition; kwargs ``recognition``, ``actor``.
"""

from django.dispatch import Signal

application_status_changed = Signal()
talent_card_changed = Signal()
talent_card_expiring = Signal()
recognition_decided = Signal()
