"""Cursor pagination: stable pages for browsing and for sync feeds (no COUNT, no deep OFFSET)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """``?cursor=`` from ``next`` / ``previous``; ``?page_size=`` up to 500. Ordering by ``?ordering=`` among the
    view's ``ordering_fields`` (default: most recently updated first). For incremental sync use
    ``?ordering=updated_at&updated_since=<last seen>`` and follow ``next`` until it is null."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-updated_at", "-id")
    cursor_query_description = "分页游标（取自上一页的 next / previous） / The pagination cursor value (from next / previous)."
    page_size_query_description = "每页条数（最多500） / Number of results per page (at most 500)."

    def get_ordering(self, request, queryset, view):
        from rest_framework.filters import OrderingFilter

        if getattr(view, "ordering", None) and not any(issubclass(b, OrderingFilter) for b in getattr(view, "filter_backends", [])):
            ordering = view.ordering  # the view's own order when it offers no ?ordering=
        else:
            ordering = super().get_ordering(request, queryset, view)
        # a unique tie-breaker keeps positions exact even when many rows share a timestamp
        if isinstance(ordering, str):
            ordering = (ordering,)
        ordering = tuple(ordering)
        first = ordering[0]
        tie = "-id" if first.startswith("-") else "id"
        if first.lstrip("-") not in ("id", "code") and len(ordering) == 1:
            ordering = (first, tie)
        return ordering


    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound, ValidationError

        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: ["无效的分页游标 / Invalid cursor"]}) from None


class CodeCursorPagination(ApiCursorPagination):
    """Reference codes, in code order."""

    ordering = ("code",)
    page_size = 100
    max_page_size = 1000


class SqlPageSource:
    """What :meth:`CursorPagination.paginate_queryset` needs of a queryset (``order_by``, ``filter`` on the
    position, a slice), answered by one call of ``fetch(position=…, position_op=…, descending=…, offset=…,
    limit=…)`` returning ``(id, updated_at, payload)`` rows. So a hand-written statement pages with exactly the
    cursors, links and edge cases of DRF's paginator. Supports the list order ``updated_at, id`` (either way)."""

    def __init__(self, fetch, *, descending: bool = True, position=None, position_op: str | None = None):
        self._fetch, self.descending, self.position, self.position_op = fetch, descending, position, position_op

    def order_by(self, *ordering):
        if tuple(ordering) not in (("-updated_at", "-id"), ("updated_at", "id")):
            raise ValueError(f"unsupported ordering {ordering}")
        return SqlPageSource(self._fetch, descending=ordering[0].startswith("-"), position=self.position, position_op=self.position_op)

    def filter(self, **kwargs):
        ((lookup, value),) = kwargs.items()
        ops = {"updated_at__lt": "<", "updated_at__gt": ">"}
        if lookup not in ops:
            raise ValueError(f"unsupported filter {lookup}")
        return SqlPageSource(self._fetch, descending=self.descending, position=value, position_op=ops[lookup])

    def __getitem__(self, page: slice) -> list[dict]:
        rows = self._fetch(position=self.position, position_op=self.position_op, descending=self.descending,
                           offset=page.start or 0, limit=page.stop - (page.start or 0))
        return [{"id": pk, "updated_at": updated_at, "payload": payload} for pk, updated_at, payload in rows]
