"""Who is acting, from which request: set by the middleware for web requests and by
:func:`acting_as` for commands and tasks, read by the audit log."""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class ChangeContext:
    user: object | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    changes: dict = field(default_factory=dict)  # (content_type_id, pk) -> ObjectChange of this context


_current: ContextVar[ChangeContext | None] = ContextVar("jjjtalent_change_context", default=None)


def current() -> ChangeContext | None:
    return _current.get()


@contextlib.contextmanager
def acting_as(user=None, request_id: str | None = None):
    ctx = ChangeContext(user=user, request_id=request_id or str(uuid.uuid4()))
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
