"""Uploads kept across a form's re-render.

Browsers never re-send a chosen file, so after a validation error every file input is empty again. A file that
passed its own check (type, size: the form's ``check_uploads``) on a form that failed for another reason is kept
in the default storage under ``pending-uploads/<random>/`` and remembered in the session under the form's
one-time token. The next POST of the same form (same token, same session) gets it back as if uploaded again,
unless the person picked another file for that input or ticked “remove” (``drop_upload``). Success discards the
kept copies (the service stored its own); copies left by abandoned forms are purged after ``tokens.TTL``.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
import posixpath
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from . import tokens

SESSION_KEY = "pending_uploads"
DIR = "pending-uploads"
DROP_FIELD = "drop_upload"
log = logging.getLogger(__name__)


class KeptUpload(UploadedFile):
    """A kept file handed back to the form: it is not saved again."""

    kept = True


def _entries(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _save_entries(request, entries: dict) -> None:
    request.session[SESSION_KEY] = {t: e for t, e in entries.items() if e}
    request.session.modified = True


def kept(request, token: str | None) -> dict[str, dict]:
    """Input name → {"name", "size"} of the files kept for this form."""
    return _entries(request).get(token, {}) if tokens.valid(token) else {}


def _delete(info: dict) -> None:
    try:
        default_storage.delete(info["path"])
    except OSError:  # already gone: nothing to keep
        log.warning("pending upload already removed")


def restore(request, token: str | None, files: MultiValueDict, *, drop: list[str] = ()) -> MultiValueDict:
    """``files`` plus the kept files of this form for the inputs left empty; the ones in ``drop`` (or replaced by a
    new file) are deleted."""
    if not tokens.valid(token):
        return files
    entries = _entries(request)
    mine = dict(entries.get(token, {}))
    if not mine:
        return files
    merged = files.copy()
    for name, info in list(mine.items()):
        if name in drop or files.get(name):
            _delete(info)
            del mine[name]
            continue
        try:
            handle = default_storage.open(info["path"], "rb")
        except OSError:
            del mine[name]
            continue
        merged[name] = KeptUpload(file=handle, name=info["name"], content_type=info.get("content_type"), size=info["size"])
    entries[token] = mine
    _save_entries(request, entries)
    return merged


def keep(request, token: str | None, form) -> None:
    """After a failed validation: keep each freshly uploaded file whose own input has no error."""
    if not tokens.valid(token):
        return
    cleaned = getattr(form, "cleaned_data", {}) or {}
    entries = _entries(request)
    mine = dict(entries.get(token, {}))
    for name in form.fields:
        upload = cleaned.get(name)
        if not isinstance(upload, UploadedFile) or getattr(upload, "kept", False) or form.errors.get(name):
            continue
        upload.seek(0)
        base = posixpath.basename(upload.name.replace("\\", "/")) or "file"
        ext = posixpath.splitext(base)[1][:10]
        path = default_storage.save(f"{DIR}/{uuid.uuid4().hex}/{uuid.uuid4().hex}{ext}", upload)
        upload.seek(0)
        mine[name] = {"path": path, "name": base[:200], "size": upload.size, "at": timezone.now().isoformat(),
                      "content_type": upload.content_type or mimetypes.guess_type(base)[0] or "application/octet-stream"}
    entries[token] = mine
    _save_entries(request, entries)
    purge_stale()


def discard(request, token: str | None, files: MultiValueDict | None = None) -> None:
    """After success: close and delete the kept copies of this form."""
    for f in (files or {}).values() if files else ():
        if getattr(f, "kept", False):
            f.close()
    if not tokens.valid(token):
        return
    entries = _entries(request)
    for info in entries.pop(token, {}).values():
        _delete(info)
    _save_entries(request, entries)


def purge_stale(*, now: dt.datetime | None = None) -> int:
    """Delete kept copies older than a form token lives (abandoned forms). Returns how many folders went."""
    now = now or timezone.now()
    try:
        folders, _files = default_storage.listdir(DIR)
    except (OSError, NotImplementedError):
        return 0
    gone = 0
    for folder in folders:
        inner = f"{DIR}/{folder}"
        try:
            _d, names = default_storage.listdir(inner)
            if any((now - default_storage.get_modified_time(f"{inner}/{n}")).total_seconds() < tokens.TTL for n in names):
                continue
            for n in names:
                default_storage.delete(f"{inner}/{n}")
            if hasattr(default_storage, "path"):
                os.rmdir(default_storage.path(inner))
            gone += 1
        except (OSError, NotImplementedError):
            continue
    return gone
