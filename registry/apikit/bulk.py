"""Idempotent requests and bulk upserts by the partner's own ids.

Idempotency (``Idempotency-Key`` header, any write): the first answer is stored with a hash of the method,
path and body. The same key with the same request replays the stored answer — its status, body and the headers in
:data:`REPLAYED_HEADERS` (the first answer's ``ETag`` and ``Location``) — with ``Idempotent-Replayed: true``; the
same key with another request is a 422; a request still running under the key is a 409. Errors raised before an
answer (401, 403, 400, …) are not stored, so a corrected retry may reuse the key. Keys are kept for
:data:`IDEMPOTENCY_TTL`.

Bulk upsert (``POST …/bulk``, at most :data:`MAX_ROWS` rows): each row is found by ``external_id`` among the
calling partner's records (``source_partner`` = the partner) and updated, else created — through the same
registry services as every other write, so the errors are the forms'. Transactions: the call is one database
transaction and each row runs in its own savepoint inside it — by default a bad row is rolled back to its
savepoint, reported and skipped, and the good rows are committed together at the end. With ``?atomic=true``
any row error rolls every row back (answer 422, the good rows marked ``rolled_back``). Kinds with a batched
service (``Upsert.upsert_many``: experts, graduates, demands) validate every row first and write the good rows together
in a few statements, with the same per-row results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response

from registry.api_models import IdempotencyRecord
from registry.services import code_cache

from .auth import Caller
from .errors import Conflict, ProblemException, Unprocessable, django_errors, drf_errors, text

MAX_ROWS = 1000
IDEMPOTENCY_TTL = dt.timedelta(hours=24)
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADERS = ("ETag", "Location")


def _body_hash(request) -> str:
    files = getattr(request, "FILES", None) or {}
    if files:  # multipart: the form fields, and each uploaded file by name, size and content
        fields = {k: request.POST.getlist(k) for k in sorted(request.POST)}
        uploads = {k: [_file_digest(f) for f in files.getlist(k)] for k in sorted(files)}
        body = json.dumps({"fields": fields, "files": uploads}, sort_keys=True, ensure_ascii=False, default=str)
    else:
        body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def _file_digest(upload) -> list:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return [upload.name, upload.size, digest.hexdigest()]


def idempotent(request, caller: Caller, handler: Callable[[], Response]) -> Response:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key:
        return handler()
    if len(key) > 200:
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [text("invalid")]})
    owner, digest = caller.owner, _body_hash(request)
    IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = IdempotencyRecord.objects.create(
                    owner=owner, key=key, method=request.method, path=request.get_full_path()[:300], body_hash=digest, status_code=0, response={},
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        else:
            return _run_and_store(existing, handler)
    if existing is None or existing.body_hash != digest:
        raise Unprocessable("idempotency_mismatch")
    if existing.status_code == 0:
        raise Conflict("idempotency_in_progress")
    return Response(existing.response, status=existing.status_code, headers={**existing.headers, "Idempotent-Replayed": "true"})


def _run_and_store(record: IdempotencyRecord, handler) -> Response:
    try:
        response = handler()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    if response.status_code >= 500 or response.status_code in (401, 403, 429):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return response
    headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response=json.loads(json.dumps(response.data, default=str)),
                                                          headers=headers)
    return response


@dataclass
class Upsert:
    """How to upsert one kind of record."""

    model: type
    serializer_class: type
    create: Callable  # (caller, data) -> obj
    update: Callable  # (caller, obj, data) -> obj
    # the batched path, when the kind has one: (caller, [(obj or None, data)], atomic=, validate_only=) -> per row
    # the saved obj or the exception create/update would have raised; validate_only: write nothing
    upsert_many: Callable | None = None


def parse_rows(request) -> list:
    rows = request.data.get("rows") if isinstance(request.data, dict) else None
    if not isinstance(rows, list):
        raise exceptions.ValidationError({"rows": [text("required")]})
    if len(rows) > MAX_ROWS:
        raise ProblemException("too_many_rows", status_code=413, limit=MAX_ROWS, count=len(rows))
    return rows


ROW_ERRORS = (DjangoValidationError, ProblemException, DjangoPermissionDenied, exceptions.PermissionDenied, IntegrityError)


def row_errors(exc: Exception) -> list[dict]:
    """The ``errors`` of a row's result for what its create / update raised."""
    if isinstance(exc, DjangoValidationError):
        return django_errors(exc)
    if isinstance(exc, ProblemException):
        return [{"field": None, "code": exc.problem_code, "message": str(exc.detail)}]
    if isinstance(exc, IntegrityError):
        return [{"field": "external_id", "code": "conflict", "message": text("conflict")}]
    return [{"field": None, "code": "permission_denied", "message": str(exc) or text("permission_denied")}]


def bulk_upsert(*, caller: Caller, rows: list, spec: Upsert, atomic: bool) -> tuple[int, dict]:
    """Returns (HTTP status, body) with one result per row, in order."""
    results: list[dict] = []
    pending: list[tuple[dict, object, dict]] = []  # (result, existing record or None, data) of the rows that passed the serializer
    seen: set[str] = set()
    ids = [str(r.get("external_id", "")).strip() for r in rows if isinstance(r, dict)]
    existing = {o.external_id: o for o in spec.model.objects.filter(source_partner=caller.partner, external_id__in=[i for i in ids if i])}

    def prepare(index: int, row) -> dict:
        external_id = str(row.get("external_id", "")).strip() if isinstance(row, dict) else ""
        result = {"index": index, "external_id": external_id, "status": "error", "id": None, "errors": []}
        if not isinstance(row, dict):
            result["errors"] = [{"field": None, "code": "invalid", "message": text("invalid")}]
            return result
        if not external_id:
            result["errors"] = [{"field": "external_id", "code": "required", "message": text("external_id_required")}]
            return result
        if external_id in seen:
            result["errors"] = [{"field": "external_id", "code": "duplicate", "message": text("duplicate_external_id", value=external_id)}]
            return result
        seen.add(external_id)
        obj = existing.get(external_id)
        try:
            data = dict(validator(partial=obj is not None).run_validation(row))
        except exceptions.ValidationError as exc:  # what serializer.is_valid() would report as its errors
            result["errors"] = drf_errors(exc.detail)
            return result
        data.pop("external_id", None)
        pending.append((result, obj, data if obj is not None else {**data, "external_id": external_id}))
        return result

    validators: dict[bool, object] = {}

    def validator(*, partial: bool):
        """One serializer per call and mode, each row validated with it: a serializer deep-copies its declared
        fields when first used, which per row would cost more than the rest of a batched row."""
        if partial not in validators:
            validators[partial] = spec.serializer_class(partial=partial)
        return validators[partial]

    def one(obj, data):
        try:
            with transaction.atomic():
                return spec.update(caller, obj, data) if obj is not None else spec.create(caller, data)
        except ROW_ERRORS as exc:
            return exc

    def settle(result: dict, created: bool, outcome) -> None:
        if isinstance(outcome, Exception):
            result["errors"] = row_errors(outcome)
        else:
            result.update(status="created" if created else "updated", id=outcome.pk)

    for index, row in enumerate(rows):
        results.append(prepare(index, row))

    # One transaction for the call (no commit per row). Batched kinds validate every row and write the good ones
    # together; the others run each row in its own savepoint. Reference codes are read once per call
    # (registry.services.code_cache), not once per row.
    with transaction.atomic(), code_cache():
        if spec.upsert_many is not None:
            refused = len(pending) < len(results)  # rows already answered with an error
            outcomes = spec.upsert_many(caller, [(obj, data) for _result, obj, data in pending], atomic=atomic, validate_only=atomic and refused)
        else:
            outcomes = [one(obj, data) for _result, obj, data in pending]
        for (result, obj, _data), outcome in zip(pending, outcomes):
            settle(result, obj is None, outcome)
        failed = any(r["status"] == "error" for r in results)
        if atomic and failed:
            transaction.set_rollback(True)
    if atomic:
        if failed:
            for r in results:
                if r["status"] != "error":
                    r.update(status="rolled_back", id=None, errors=[{"field": None, "code": "rolled_back", "message": text("rolled_back")}])
    summary = {s: sum(1 for r in results if r["status"] == s) for s in ("created", "updated", "error", "rolled_back")}
    body = {"atomic": atomic, **{k: summary[k] for k in ("created", "updated")}, "failed": summary["error"], "rolled_back": summary["rolled_back"], "results": results}
    status_code = 422 if atomic and summary["error"] else 200
    return status_code, body
