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
