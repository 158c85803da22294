"""ETags of single records: ``If-None-Match`` answers 304 on reads, ``If-Match`` guards writes (412 when the
record changed since it was read — lost-update protection on PUT and PATCH).

The tag is a hash of the record's identity and ``updated_at`` (and its person's, for records of a natural
person), so it changes with every write through the services and costs no rendering. Rows without
``updated_at`` (invitations, engagements, service applications, talent cards) hash their stored column values
instead, so any step that changes them changes the tag."""

from __future__ import annotations

import hashlib

from .errors import PreconditionFailed


def etag_of(obj) -> str:
    parts = [obj._meta.label, str(obj.pk)]
    if hasattr(obj, "updated_at"):
        parts.append(str(obj.updated_at or ""))
    else:
        parts.extend(str(getattr(obj, f.attname)) for f in obj._meta.concrete_fields)
    person = getattr(obj, "person", None) if hasattr(obj, "person_id") else None
    if person is not None:
        parts.append(str(person.updated_at))
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(request, tag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return bool(header) and (header.strip() == "*" or tag in _tags(header))


def _if_match(request) -> str:
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    return "" if header == "*" else header


def check_if_match(request, obj) -> None:
    if _if_match(request):
        check_if_match_tag(request, etag_of(obj))


def check_if_match_tag(request, tag: str) -> None:
    """412 unless ``If-Match`` is absent, ``*`` or lists ``tag`` (for resources that are not one row)."""
    header = _if_match(request)
    if header and tag not in _tags(header):
        raise PreconditionFailed("etag_mismatch")


def locked_if_match(request, obj):
    """The row again under a lock (``SELECT … FOR UPDATE``), with ``If-Match`` checked on it: no update is lost
    between the caller's read and this write. Call inside a transaction."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    check_if_match(request, locked)
    return locked
