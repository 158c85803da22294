"""Registry events other apps listen to (notifications, the matching index)."""

from django.dispatch import Signal

# sent after commit when an expert, graduate, talent or demand changes status: record, status, actor
record_status_changed = Signal()
