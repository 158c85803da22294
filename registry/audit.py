"""The audit log: an ObjectChange per create, update, delete and status transition of an audited model,
with personal fields masked, tied to the acting user and request (see registry.context)."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import identifiers
from .context import current

_MASKERS = {
    "id_number": identifiers.mask_id_number,
    "mobile": identifiers.mask_mobile,
    "contact_phone": identifiers.mask_mobile,
    "email": identifiers.mask_email,
}

AUDITED: list[type] = []


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _m2m_value(instance, f) -> list[str]:
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    if f.name in prefetched:
        return sorted(str(o.pk) for o in prefetched[f.name])
    return sorted(str(pk) for pk in getattr(instance, f.name).values_list("pk", flat=True))


def _audited_m2m(instance):
    return [f for f in instance._meta.many_to_many if f.remote_field.through._meta.auto_created is not False]


def snapshot(instance, *, created: bool = False, m2m_from: dict | None = None) -> dict:
    """The audited view of an instance: concrete fields (FKs as ids), M2M as sorted pk lists, personal fields masked.
    ``created``: the instance was just inserted, so its M2M are empty — not queried. ``m2m_from``: a snapshot
    whose M2M values still hold (a save does not change M2M), so they are reused rather than queried again."""
    personal = set(getattr(instance, "PERSONAL_FIELDS", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in ("created_at", "updated_at") or f.name.endswith("_hash"):
            continue
        value = getattr(instance, f.attname)
        if f.name in personal:
            value = _MASKERS.get(f.name, lambda v: "***" if v else "")(value or "")
        data[f.name] = _plain(value)
    if instance.pk:
        for f in _audited_m2m(instance):
            if created:
                data[f.name] = []
            elif m2m_from is not None and isinstance(m2m_from.get(f.name), list):
                data[f.name] = list(m2m_from[f.name])
            else:
                data[f.name] = _m2m_value(instance, f)
    return data


def _user_fields():
    ctx = current()
    user = getattr(ctx, "user", None) if ctx else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    request = getattr(ctx, "request", None) if ctx else None
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    return user, (ctx.request_id if ctx else "")


def change_row(instance, action: str, *, before=None, after=None, message: str = ""):
    """The ObjectChange of one change, not saved (``record`` saves one, ``record_many`` a batch)."""
    from .models import ObjectChange

    user, request_id = _user_fields()
    return ObjectChange(
        user=user,
        user_name=getattr(user, "username", "") if user else "",
        request_id=request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        prechange_data=before,
        postchange_data=after,
        message=message[:300],
    )


def _remember(changes) -> None:
    """Later M2M writes of the same request update these rows instead of adding new ones."""
    ctx = current()
    if ctx is not None:
        for change in changes:
            ctx.changes[(change.content_type_id, change.object_id)] = change


def record(instance, action: str, *, before=None, after=None, message: str = ""):
    change = change_row(instance, action, before=before, after=after, message=message)
    change.save()
    _remember([change])
    return change


@contextlib.contextmanager
def forgotten_on_error():
    """For a block of writes that may be rolled back: if it raises, the change context forgets the ObjectChange
    rows the block recorded (they are gone with the rollback), so later M2M writes record their own."""
    ctx = current()
    kept = dict(ctx.changes) if ctx is not None else None
    try:
        yield
    except BaseException:
        if ctx is not None:
            ctx.changes.clear()
            ctx.changes.update(kept)
        raise


def record_many(changes: list) -> list:
    """Save the ObjectChange rows of a batched write (registry.services' ``*_upsert_many``) in one statement."""
    from .models import ObjectChange

    changes = ObjectChange.objects.bulk_create([c for c in changes if c is not None])
    _remember(changes)
    return changes


def _save_change(instance, *, created: bool, before):
    """(action, before, after) of a save of ``instance`` (``before``: its snapshot before the save), None when
    nothing audited changed."""
    before = None if created else before
    after = snapshot(instance, created=created, m2m_from=before)
    if not created and before == after:
        return None
    action = "create" if created else ("transition" if before and before.get("status") != after.get("status") else "update")
    return action, before, after


def saved_change(instance, *, created: bool, before=None, m2m: dict | None = None, message: str = ""):
    """The ObjectChange (not saved) that a save of ``instance`` followed by writing its M2M fields (``m2m``:
    field → the related objects it now holds) leaves under a change context, as the signals below would record it
    one by one: the save's row with the new M2M values, or — when only M2M changed — an update row without a
    before-snapshot. None when nothing audited changed. For batched writes, which send no signals."""
    change = _save_change(instance, created=created, before=before)
    values = {name: sorted(str(o.pk) for o in objs) for name, objs in (m2m or {}).items()}
    if change is None:
        old = before or {}
        if all(old.get(name) == value for name, value in values.items()):
            return None
        change = ("update", None, snapshot(instance, m2m_from=before))
    action, before, after = change
    return change_row(instance, action, before=before, after={**after, **values}, message=message)


def _on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk or instance._state.adding:
        instance._audit_before = None
        return
    try:
        old = sender.objects.get(pk=instance.pk)
    except sender.DoesNotExist:
        instance._audit_before = None
        return
    instance._audit_before = snapshot(old)


def _on_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    change = _save_change(instance, created=created, before=getattr(instance, "_audit_before", None))
    if change is not None:
        action, before, after = change
        record(instance, action, before=before, after=after, message=getattr(instance, "_audit_message", ""))


def _on_post_delete(sender, instance, **kwargs):
    record(instance, "delete", before=snapshot(instance), after=None)


def _on_m2m_changed(sender, instance, action, reverse, pk_set=None, **kwargs):
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if type(instance) not in AUDITED:
        return
    ctx = current()
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    existing = ctx.changes.get((ct.id, str(instance.pk))) if ctx else None
    field = next((f for f in _audited_m2m(instance) if f.remote_field.through is sender), None)
    if existing is not None and field is not None and isinstance(existing.postchange_data, dict):
        # Only the changed field, not a re-snapshot of every M2M. The change already holds the field's value
        # (from the save's snapshot or an earlier signal) and Django passes the ids actually added/removed.
        known = existing.postchange_data.get(field.name)
        if action == "post_clear":
            value = []
        elif isinstance(known, list) and pk_set is not None:
            ids = {str(pk) for pk in pk_set}
            value = sorted(set(known) | ids) if action == "post_add" else sorted(set(known) - ids)
        else:
            value = _m2m_value(instance, field)
        existing.postchange_data = {**existing.postchange_data, field.name: value}
        existing.save(update_fields=["postchange_data"])
    else:
        record(instance, "update", before=None, after=snapshot(instance))


def register(*models):
    for model in models:
        AUDITED.append(model)
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"audit-pre-{model.__name__}")
        post_save.connect(_on_post_save, sender=model, dispatch_uid=f"audit-post-{model.__name__}")
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"audit-del-{model.__name__}")
        for f in model._meta.many_to_many:
            m2m_changed.connect(_on_m2m_changed, sender=f.remote_field.through, dispatch_uid=f"audit-m2m-{model.__name__}-{f.name}")
