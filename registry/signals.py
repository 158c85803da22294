"""Registry events other apps listen to (notifications, the matching index)."""

from django.dispatch import Signal

# sent after commit when an expert, graduate, talent or demand changes status: record, status, actor
record_status_changed = Signal()

# sent inside the transaction by batched writes (bulk_create / bulk_update send no post_save): model, ids of the
# records created or changed — e.g. registry.services.experts_upsert_many; the matching index listens
records_saved = Signal()
