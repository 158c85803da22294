"""Template helpers of the portals: role navigation, labels of codes, drafts to forget."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from .. import domain
from ..web import roles

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    items = roles.navigation(user)
    # the longest matching prefix is the current page
    exact_only = {"/", "/portal/"}  # home and the dashboard are prefixes of everything
    best = max((url for _l, url in items if path == url or (url not in exact_only and path.startswith(url))), key=len, default="")
    return [{"label": label, "url": url, "current": url == best} for label, url in items]


@register.filter
def mode_labels(codes) -> str:
    table = domain.labels(domain.SHARING_MODES)
    return "、".join(_(table[c]) for c in (codes or []) if c in table)


@register.filter
def join_list(values, sep="、") -> str:
    return sep.join(str(v) for v in (values or []))


@register.filter
def names(queryset) -> str:
    return "、".join(o.name for o in queryset.all())


@register.filter
def draft_key(message) -> str:
    """The browser-side draft a success message says is now saved (extra tag ``clear-draft:<key>``)."""
    for tag in (message.extra_tags or "").split():
        if tag.startswith("clear-draft:"):
            return tag.split(":", 1)[1]
    return ""


@register.filter
def message_class(message) -> str:
    return " ".join(t for t in message.tags.split() if not t.startswith("clear-draft:"))


@register.filter
def get_item(mapping, key):
    value = mapping.get(key, {})
    return value.items() if isinstance(value, dict) else value


@register.filter
def get_item_value(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
