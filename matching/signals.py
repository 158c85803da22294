"""Record every change that matters to matching in the IndexChange log (same transaction as the change),
so that every process's index catches up before its next answer (see holder.py).

Bulk ``QuerySet.update()`` bypasses signals: callers that use it must call ``index_touch`` themselves; batched
registry writes (``bulk_create`` / ``bulk_update``) send ``registry.signals.records_saved`` instead.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from registry.models import Consent, Demand, Expert, Graduate
from registry.signals import records_saved

from .models import Engagement, IndexChange, Invitation

_KIND = {Expert: IndexChange.Kind.EXPERT, Demand: IndexChange.Kind.DEMAND, Graduate: IndexChange.Kind.GRADUATE}


def index_touch(kind: str, *object_ids: int) -> None:
    IndexChange.objects.bulk_create([IndexChange(kind=kind, object_id=i) for i in object_ids])


def _record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_touch(_KIND[sender], instance.pk)


def _m2m(sender, instance, action, reverse, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        kind = _KIND.get(type(instance))
        if kind:
            index_touch(kind, instance.pk)
    elif pk_set:
        model = kwargs.get("model")
        kind = _KIND.get(model)
        if kind:
            index_touch(kind, *pk_set)


def _engagement_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_touch(IndexChange.Kind.EXPERT, instance.expert_id)
        index_touch(IndexChange.Kind.DEMAND, instance.demand_id)


def _invitation_saved(sender, instance, raw=False, created=False, **kwargs):
    # an answer changes the expert's acceptance rate
    if not raw and instance.status in (Invitation.Status.ACCEPTED, Invitation.Status.DECLINED):
        index_touch(IndexChange.Kind.EXPERT, instance.expert_id)


def _touch_persons(person_ids) -> None:
    """A matching consent changes whether the person's expert and graduate records may be matched."""
    for model in (Expert, Graduate):
        ids = list(model.objects.filter(person_id__in=person_ids).values_list("pk", flat=True))
        if ids:
            index_touch(_KIND[model], *ids)


def _consent_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.scope != "matching":
        return
    _touch_persons([instance.person_id])


def _records_saved(sender, ids, **kwargs):
    """registry.signals.records_saved: a batched write (no post_save per record) — one IndexChange per record."""
    if sender is Consent:
        _touch_persons(Consent.objects.filter(pk__in=list(ids), scope="matching").values("person_id"))
    elif sender in _KIND and ids:
        index_touch(_KIND[sender], *dict.fromkeys(ids))


def connect() -> None:
    for model in (Expert, Demand, Graduate):
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"matching-index-{model.__name__}")
        post_delete.connect(_record_saved, sender=model, dispatch_uid=f"matching-index-del-{model.__name__}")
        for f in model._meta.many_to_many:
            m2m_changed.connect(_m2m, sender=f.remote_field.through, dispatch_uid=f"matching-index-m2m-{model.__name__}-{f.name}")
    post_save.connect(_engagement_saved, sender=Engagement, dispatch_uid="matching-index-engagement")
    post_save.connect(_invitation_saved, sender=Invitation, dispatch_uid="matching-index-invitation")
    post_save.connect(_consent_saved, sender=Consent, dispatch_uid="matching-index-consent")
    records_saved.connect(_records_saved, dispatch_uid="matching-index-records-saved")
