"""Who is calling: a partner system by API key (``Authorization: Api-Key <key>`` or ``X-Api-Key``), or a web
user by session. Either way the view sees a :class:`Caller` with scopes, a region and the actor passed to the
registry services — which check per object that the actor may change the record (``registry.permissions``).

A partner's actor is its service account with the key's region, so a Hebei key changes Hebei records only.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from rest_framework import authentication, permissions
from rest_framework.exceptions import AuthenticationFailed

from registry.api_models import SCOPES, PartnerApiKey

from .errors import Forbidden, text

READ_SCOPES = frozenset(s for s in SCOPES if s.endswith(":read") and s != "personal:read")
ALL_SCOPES = frozenset(SCOPES)
# A web user who is not staff (an expert, an organisation's member): reads, and writes its own records
# (the services refuse anything else).
MEMBER_SCOPES = frozenset({"organisations:read", "organisations:write", "experts:read", "demands:read", "demands:write", "experts:write", "matching:read",
                           "matching:write", "services:read", "services:write", "notifications:read"})
LAST_USED_EVERY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    actor: object  # the registry.User passed to services
    scopes: frozenset = field(default_factory=frozenset)
    region: str = ""
    partner: str = ""  # the partner's code for API keys ("" for web users)
    key: PartnerApiKey | None = None

    @property
    def is_partner(self) -> bool:
        return self.key is not None

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def owner(self) -> str:
        """Whose idempotency keys these are."""
        return f"key:{self.partner}" if self.is_partner else f"user:{getattr(self.actor, 'pk', '')}"


def session_scopes(user) -> frozenset:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_SCOPES
    if user.is_staff:
        scopes = set(ALL_SCOPES) - {"personal:read"}
        if user.has_perm("registry.view_personal_data"):
            scopes.add("personal:read")
        return frozenset(scopes)
    return MEMBER_SCOPES


def caller_of(request) -> Caller:
    cached = getattr(request, "_jjj_caller", None)
    if cached is not None:
        return cached
    key = request.auth if isinstance(request.auth, PartnerApiKey) else None
    if key is not None:
        result = Caller(actor=request.user, scopes=frozenset(key.scopes), region=key.region, partner=key.partner_code, key=key)
    else:
        user = request.user
        result = Caller(actor=user, scopes=session_scopes(user), region=getattr(user, "region", "") or "")
    request._jjj_caller = result
    return result


KEY_CACHE_SECONDS = 60


def key_cache_name(prefix: str) -> str:
    return f"jjj:apikey:{prefix}"


# In front of the shared cache, each worker keeps the key rows it used in the last few seconds: a request then
# costs no Redis round trip and no unpickling for its key. The trade-off: a key revoked or changed through
# another worker stays usable on this one for at most ``API_KEY_LOCAL_SECONDS`` (default 5 s); in the worker
# that changed it (and in tests) the change is at once (the signal below drops the local entry).
_local_keys: dict[str, tuple[float, PartnerApiKey]] = {}


def _local_seconds() -> float:
    return getattr(settings, "API_KEY_LOCAL_SECONDS", 5)


def forget_local_key(prefix: str) -> None:
    _local_keys.pop(prefix, None)


def _forget_on_change(sender, instance, **kwargs):
    forget_local_key(instance.prefix)


post_save.connect(_forget_on_change, sender=PartnerApiKey, dispatch_uid="jjj_apikey_local_save")
post_delete.connect(_forget_on_change, sender=PartnerApiKey, dispatch_uid="jjj_apikey_local_delete")


def cached_key(prefix: str) -> PartnerApiKey | None:
    """The key row (with its partner) from this worker's short-lived copy, else the shared cache, else the
    database. Revocation and every other change of a key deletes the shared entry (``registry.services.api_key_revoke``)
    and this worker's copy; other workers' copies expire within ``API_KEY_LOCAL_SECONDS``. Expiry is checked on use."""
    now = time.monotonic()
    hit = _local_keys.get(prefix)
    if hit is not None and hit[0] > now:
        return hit[1]
    name = key_cache_name(prefix)
    key = cache.get(name)
    if key is None:
        key = PartnerApiKey.objects.select_related("partner").filter(prefix=prefix).first()
        if key is not None:
            cache.set(name, key, KEY_CACHE_SECONDS)
    seconds = _local_seconds()
    if key is not None and seconds > 0:
        if len(_local_keys) > 1000:
            _local_keys.clear()
        _local_keys[prefix] = (now + seconds, key)
    return key


def key_from_request(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:8].lower() == "api-key ":
        return header[8:].strip()
    return request.META.get("HTTP_X_API_KEY") or None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Partner API keys. A missing key passes to the next class (session); a wrong one is a 401."""

    keyword = "Api-Key"

    def authenticate(self, request):
        clear = key_from_request(request)
        if clear is None:
            return None
        prefix = PartnerApiKey.split(clear)
        key = cached_key(prefix) if prefix else None
        if key is None or not key.matches(clear) or not key.is_usable or not key.partner.is_active:
            raise AuthenticationFailed(text("invalid_key"))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY:
            PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
            cache.set(key_cache_name(prefix), key, KEY_CACHE_SECONDS)  # the local copy is this same object
        user = key.partner
        user.region = key.region  # the key's region bounds what the services let this actor change
        return user, key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="jjjtalent"'


SessionAuthentication = authentication.SessionAuthentication  # web users keep their session (CSRF on writes)


class ScopePermission(permissions.BasePermission):
    """Reads need the view's ``read_scope``, writes its ``write_scope``; an action may name its own
    (``scopes = {"post": "experts:write"}``). Views with no scope are open to any authenticated caller."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        scope = required_scope(request, view)
        if scope and not caller_of(request).has(scope):
            raise Forbidden("missing_scope", scope=scope)
        return True


def required_scope(request, view) -> str | None:
    method = request.method.lower()
    per_method = getattr(view, "scopes", None) or {}
    if method in per_method:
        return per_method[method]
    if request.method in permissions.SAFE_METHODS:
        return getattr(view, "read_scope", None)
    return getattr(view, "write_scope", None)


def require_region(caller: Caller, region: str) -> None:
    """A partner (or regional staff) writes only its own region's records. Superusers write all."""
    if getattr(caller.actor, "is_superuser", False) and not caller.is_partner:
        return
    if region and region != caller.region:
        raise Forbidden("wrong_region", region=caller.region or "—")
