"""Helpers shared by the portal views: the guarded create (one-time token + service errors on fields)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import tokens
from .forms import apply_errors


def success(request, message: str, *, draft: str | None = None) -> None:
    """A success message; ``draft`` names the browser-side draft (localStorage) to forget now that it is saved."""
    messages.success(request, message, extra_tags=f"clear-draft:{draft}" if draft else "")


class _Probe(Exception):
    """Raised to roll back a trial write made only to collect the service's errors."""


def _probe(form, write) -> None:
    """The form has errors of its own (a bad date, a missing choice): still run the service on what did parse,
    inside a transaction that is always rolled back, so the person sees every problem at once."""
    try:
        with transaction.atomic():
            write(form)
            raise _Probe
    except _Probe:
        return
    except ValidationError as exc:
        failed = set(form.errors)
        if hasattr(exc, "error_dict"):
            exc = ValidationError({k: v for k, v in exc.error_dict.items() if k not in failed})
            if not exc.error_dict:
                return
        apply_errors(form, exc)
    except Exception:  # noqa: BLE001 -- a probe never turns a form error into a server error
        return


def guarded_write(request, form, write: Callable[[object], str], *, message: str, draft: str | None = None, probe: bool = True):
    """Validate ``form``, then ``write(form) -> url`` inside a transaction, at most once per form token.

    Returns a redirect on success (or when the same form was already sent), None to re-render the form with its
    errors next to the fields and everything typed kept."""
    token = request.POST.get(form.add_prefix(tokens.FIELD), "")
    if not tokens.valid(token):
        form.is_valid()
        form.add_error(None, _("表单已失效，请刷新页面后重新提交（已填写的内容会自动恢复）。"))
        return None
    previous = tokens.claim(token)
    if previous == tokens.PENDING:
        form.is_valid()
        form.add_error(None, _("该表单正在提交，请勿重复点击；稍后刷新页面查看结果。"))
        return None
    if previous:
        messages.info(request, _("该表单已经提交过，没有重复创建。"), extra_tags=f"clear-draft:{draft}" if draft else "")
        return redirect(previous)
    if not form.is_valid():
        tokens.release(token)
        if probe:  # not for uploads: a trial write would leave files behind
            _probe(form, write)
        return None
    try:
        with transaction.atomic():
            url = write(form)
    except ValidationError as exc:
        tokens.release(token)
        apply_errors(form, exc)
        return None
    except PermissionDenied:
        tokens.release(token)
        raise
    except Exception:
        tokens.release(token)
        raise
    # Recorded now, not on commit: nothing runs in the view after this write but the redirect, so the request's
    # transaction (ATOMIC_REQUESTS) commits what we just wrote.
    tokens.complete(token, url)
    success(request, message, draft=draft)
    return redirect(url)


def service_update(form, write: Callable[[object], None]) -> bool:
    """An edit: validate, call the service, map its errors. True when saved."""
    if not form.is_valid():
        _probe(form, write)
        return False
    try:
        with transaction.atomic():
            write(form)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True
