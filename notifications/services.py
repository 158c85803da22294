"""Writes of the notifications app. Other apps call ``notify`` (one person) or ``notify_many`` (a fan-out)
and ``webhook_publish`` (partner systems); tasks call the ``*_send`` functions with a row id.

The outbox rows (Delivery, WebhookDelivery) are the truth. A send:
  1. locks the row (SELECT … FOR UPDATE SKIP LOCKED) if it is still pending, inside a transaction;
  2. performs the side effect (SMTP / HTTP POST);
  3. records the result (sent, or the error with the next attempt time, or failed/dead) on the row;
  4. commits.
A second copy of the task (broker redelivery, a retry, the sweeper) finds the row locked or no longer pending
and does nothing. A worker killed before 4 leaves the row pending (its transaction dies with its connection),
so the message is sent again: at-least-once for the external side effect, with a window of one attempt.
docs/notifications.md discusses the choice.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registry.services import Errors

from . import policy, selectors, signing
from .models import (
    Channel,
    Delivery,
    FailedTask,
    Kind,
    Notification,
    NotificationPreference,
    OutboxStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from .policy import Outcome

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # deliveries per task in a fan-out
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# --- enqueueing ------------------------------------------------------------------------------------


def _enqueue_deliveries(ids: list[int]) -> None:
    """After commit: hand the rows to the broker. If the broker is down the rows stay pending and the
    outbox sweeper enqueues them later, so a failure here loses nothing."""
    from . import tasks

    try:
        if len(ids) == 1:
            tasks.deliver.delay(ids[0])
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                tasks.deliver_batch.delay(ids[start:start + BATCH_SIZE])
    except Exception:
        log.exception("could not enqueue %d deliveries; the outbox sweeper will retry them", len(ids))


def _enqueue_webhooks(ids: list[int]) -> None:
    from . import tasks

    try:
        for pk in ids:
            tasks.deliver_webhook.delay(pk)
    except Exception:
        log.exception("could not enqueue %d webhook deliveries; the outbox sweeper will retry them", len(ids))


# --- notify ----------------------------------------------------------------------------------------


def _validate(*, kind: str, title: str, dedupe_key: str, link: str, payload) -> Errors:
    errors = Errors()
    if kind not in Kind.values:
        errors.add("kind", f"未知的通知类型：{kind}", "unknown_kind")
    if not (title or "").strip():
        errors.add("title", "请填写通知标题", "required")
    elif len(title) > 200:
        errors.add("title", "通知标题不超过200个字符", "max_length")
    if not (dedupe_key or "").strip():
        errors.add("dedupe_key", "必须提供去重键，以保证同一事件只通知一次", "required")
    elif len(dedupe_key) > 200:
        errors.add("dedupe_key", "去重键不超过200个字符", "max_length")
    if len(link or "") > 500:
        errors.add("link", "链接不超过500个字符", "max_length")
    if payload is not None and not isinstance(payload, dict):
        errors.add("payload", "附加数据必须是键值对象", "invalid")
    else:
        try:
            json.dumps(payload or {})
        except (TypeError, ValueError):
            errors.add("payload", "附加数据必须可以序列化为 JSON", "invalid")
    return errors


def _deliveries_for(notification: Notification, channels: set[str]) -> list[Delivery]:
    user = notification.recipient
    rows = []
    if Channel.EMAIL in channels and user.email:
        rows.append(Delivery(notification=notification, channel=Channel.EMAIL, address=user.email, next_attempt_at=notification.created))
    return rows


@transaction.atomic
def notify(*, recipient, kind: str, title: str, body: str, link: str = "", payload: dict | None = None, dedupe_key: str) -> Notification | None:
    """Tell one person about one event, once.

    Writes the Notification and one outbox row per enabled sending channel, and enqueues the sending when the
    surrounding transaction commits (a rolled-back change sends nothing). A second call with the same
    ``dedupe_key`` returns the first notification and sends nothing. Returns None for an inactive recipient.
    The returned notification's ``is_new`` tells whether this call created it.
    """
    errors = _validate(kind=kind, title=title, dedupe_key=dedupe_key, link=link, payload=payload)
    if recipient is None or not getattr(recipient, "pk", None):
        errors.add("recipient", "请指定接收人", "required")
    errors.raise_if_any()
    if not recipient.is_active:
        return None
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        existing.is_new = False
        return existing
    channels = selectors.enabled_channels(user=recipient, kind=kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, title=title.strip(), body=body or "", link=link or "", payload=payload or {},
                in_inbox=Channel.IN_APP in channels, dedupe_key=dedupe_key,
            )
    except IntegrityError:
        # a concurrent notify() with the same key won the race
        existing = Notification.objects.get(dedupe_key=dedupe_key)
        existing.is_new = False
        return existing
    notification.is_new = True
    rows = Delivery.objects.bulk_create(_deliveries_for(notification, channels))
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: _enqueue_deliveries(ids))
    return notification


@transaction.atomic
def notify_many(*, recipients: Iterable, kind: str, title: str, body: str, link: str = "", payload: dict | None = None, dedupe_key: str) -> int:
    """The same event to many people (a fan-out): one notification each, keyed ``{dedupe_key}:{user id}``.

    Rows are written in bulk and the sending is enqueued in batches of BATCH_SIZE after commit. Returns the number of
    new notifications (recipients who already had this one, and inactive ones, are left out).
    """
    errors = _validate(kind=kind, title=title, dedupe_key=dedupe_key, link=link, payload=payload)
    errors.raise_if_any()
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    keys = {pk: f"{dedupe_key}:{pk}" for pk in users}
    if len(max(keys.values(), key=len)) > 200:
        raise ValidationError({"dedupe_key": [ValidationError("去重键过长", code="max_length")]})
    done = set(Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
    todo = [pk for pk in users if keys[pk] not in done]
    stored: dict[int, dict[tuple[str, str], bool]] = {}
    for pref in NotificationPreference.objects.filter(user_id__in=todo, kind=kind):
        stored.setdefault(pref.user_id, {})[(pref.kind, pref.channel)] = pref.enabled
    channels = {pk: selectors.enabled_channels(user=users[pk], kind=kind, stored=stored.get(pk, {})) for pk in todo}
    emails = {pk: users[pk].email for pk in todo if Channel.EMAIL in channels[pk] and users[pk].email}
    try:
        with transaction.atomic():
            insert = _insert_fan_out_pg if connection.vendor == "postgresql" else _insert_fan_out_orm
            ids = insert(kind=kind, title=title.strip(), body=body or "", link=link or "", payload=payload or {}, dedupe_key=dedupe_key,
                         users=users, todo=todo, channels=channels, emails=emails)
    except IntegrityError:
        # someone notified part of the same audience concurrently: fall back to one by one (each idempotent)
        return sum(1 for pk in todo if (n := notify(recipient=users[pk], kind=kind, title=title, body=body, link=link, payload=payload,
                                                    dedupe_key=keys[pk])) and n.is_new)
    if ids:
        transaction.on_commit(lambda: _enqueue_deliveries(ids))
    return len(todo)


def _insert_fan_out_orm(*, kind, title, body, link, payload, dedupe_key, users, todo, channels, emails) -> list[int]:
    now = timezone.now()
    notifications = Notification.objects.bulk_create([
        Notification(recipient=users[pk], kind=kind, title=title, body=body, link=link, payload=payload,
                     in_inbox=Channel.IN_APP in channels[pk], dedupe_key=f"{dedupe_key}:{pk}", created=now)
        for pk in todo
    ], batch_size=1000)
    if notifications and notifications[0].pk is None:  # a backend that does not return ids
        notifications = list(Notification.objects.filter(dedupe_key__in=[f"{dedupe_key}:{pk}" for pk in todo]))
    rows = Delivery.objects.bulk_create([
        Delivery(notification=n, channel=Channel.EMAIL, address=emails[n.recipient_id], next_attempt_at=now)
        for n in notifications if n.recipient_id in emails
    ], batch_size=1000)
    if rows and rows[0].pk is None:
        return list(Delivery.objects.filter(notification__in=notifications).values_list("pk", flat=True))
    return [row.pk for row in rows]


def _insert_fan_out_pg(*, kind, title, body, link, payload, dedupe_key, users, todo, channels, emails) -> list[int]:
    """PostgreSQL: the fan-out's rows differ only in recipient, so two INSERT … SELECT FROM unnest(arrays) write them
    (10,000 notifications in well under a second, where per-row ORM inserts took seconds of CPU)."""
    qn = connection.ops.quote_name
    now = timezone.now()
    notification_table, delivery_table = qn(Notification._meta.db_table), qn(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {notification_table} (recipient_id, kind, title, body, link, payload, created, read_at, in_inbox, dedupe_key) "
            f"SELECT u.rid, %s, %s, %s, %s, %s::jsonb, %s, NULL, u.inbox, %s || u.rid::text "
            f"FROM unnest(%s::bigint[], %s::boolean[]) AS u(rid, inbox) RETURNING id, recipient_id",
            [kind, title, body, link, json.dumps(payload), now, f"{dedupe_key}:", todo, [Channel.IN_APP in channels[pk] for pk in todo]],
        )
        created = cursor.fetchall()
        mailed = [(nid, emails[rid]) for nid, rid in created if rid in emails]
        if not mailed:
            return []
        cursor.execute(
            f"INSERT INTO {delivery_table} (notification_id, channel, address, status, attempts, last_error, next_attempt_at, created, sent_at) "
            f"SELECT u.nid, %s, u.address, %s, 0, '', %s, %s, NULL FROM unnest(%s::bigint[], %s::text[]) AS u(nid, address) RETURNING id",
            [Channel.EMAIL, OutboxStatus.PENDING, now, now, [m[0] for m in mailed], [m[1] for m in mailed]],
        )
        return [row[0] for row in cursor.fetchall()]


# --- inbox -----------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != getattr(user, "pk", None):
        raise PermissionDenied("只能将自己的通知标记为已读")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, kind: str, channel: str, enabled: bool) -> NotificationPreference:
    errors = Errors()
    if kind not in Kind.values:
        errors.add("kind", f"未知的通知类型：{kind}", "unknown_kind")
    if channel not in Channel.values:
        errors.add("channel", f"未知的通知渠道：{channel}", "unknown_channel")
    if not isinstance(enabled, bool):
        errors.add("enabled", "请选择开启或关闭", "invalid")
    errors.raise_if_any()
    pref, _ = NotificationPreference.objects.update_or_create(user=user, kind=kind, channel=channel, defaults={"enabled": enabled})
    return pref


# --- sending: e-mail -------------------------------------------------------------------------------


def _record_failure(row, exc_text: str, *, transient: bool, now, retry_after: float | None = None) -> Outcome:
    """The row after a failed attempt (attempts already counted): pending with a next attempt, failed, or dead."""
    row.last_error = exc_text[:2000]
    if not transient:
        row.status = OutboxStatus.FAILED
        row.next_attempt_at = None
        return Outcome(OutboxStatus.FAILED, detail=row.last_error)
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.status = OutboxStatus.DEAD
        row.next_attempt_at = None
        log.error("%s #%s is dead after %d attempts: %s", type(row).__name__, row.pk, row.attempts, row.last_error[:200])
        return Outcome(OutboxStatus.DEAD, detail=row.last_error)
    delay = policy.backoff_seconds(row.attempts, base=settings.NOTIFICATIONS_BACKOFF_BASE, cap=settings.NOTIFICATIONS_BACKOFF_MAX)
    if retry_after is not None:
        delay = min(max(delay, retry_after), settings.NOTIFICATIONS_BACKOFF_MAX)
    row.next_attempt_at = now + timedelta(seconds=delay)
    return Outcome(OutboxStatus.PENDING, retry_in=delay, detail=row.last_error)


# The claim and the final update run once per message: plain SQL built once per model, because the ORM's
# per-query compilation was most of a worker's CPU per message (bench/bench_notifications.py).
_SQL: dict[tuple[type, str], tuple[str, list]] = {}


def _claim_sql(model) -> tuple[str, list]:
    key = (model, "claim")
    if key not in _SQL:
        fields = list(model._meta.concrete_fields)
        lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
        qn = connection.ops.quote_name
        _SQL[key] = (f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(model._meta.db_table)} "
                     f"WHERE {qn('id')} = %s AND {qn('status')} = %s{lock}", [f.attname for f in fields])
    return _SQL[key]


def _claim(model, pk: int):
    """The pending row, locked for this transaction; None if it is sent/failed/dead, or being sent by another worker
    (SKIP LOCKED: a duplicate task returns at once instead of waiting for the first to finish)."""
    sql, names = _claim_sql(model)
    params = [int(pk), OutboxStatus.PENDING]
    if connection.vendor != "postgresql":  # other backends need Django's value converters (e.g. SQLite datetimes)
        return next(iter(model.objects.raw(sql, params)), None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    if values is None:
        return None
    fields = model._meta.concrete_fields
    return model.from_db(connection.alias, names, [f.from_db_value(v, None, connection) if v is not None and hasattr(f, "from_db_value") else v
                                                   for f, v in zip(fields, values, strict=True)])


def _store(row, fields: list[str]) -> None:
    """UPDATE the row's ``fields`` (within the claiming transaction)."""
    meta = row._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in columns)} WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns] + [row.pk])


def _not_due(row, now) -> bool:
    # a copy of a retry that arrives well before the row's next attempt (e.g. from the sweeper) waits its turn
    return row.next_attempt_at is not None and row.next_attempt_at > now + timedelta(seconds=2)


def _email_message(delivery: Delivery, connection) -> mail.EmailMessage:
    n = delivery.notification
    body = n.body
    if n.link:
        link = n.link if n.link.startswith(("http://", "https://")) else settings.SITE_URL.rstrip("/") + "/" + n.link.lstrip("/")
        body = f"{body}\n\n{link}"
    body += "\n\n——\n京津冀人才共享平台 · 您可以在“通知设置”中关闭此类邮件。"
    return mail.EmailMessage(subject=f"[京津冀人才] {n.title}", body=body, to=[delivery.address], connection=connection,
                             headers={"X-JJJ-Notification": str(n.pk)})


def delivery_send(*, delivery_id: int, connection=None, notification: Notification | None = None) -> Outcome:
    """One attempt at one e-mail outbox row. Safe to call any number of times for the same row.
    ``notification`` may be passed preloaded (a batch loads them in one query; a notification never changes)."""
    with transaction.atomic():
        delivery = _claim(Delivery, delivery_id)
        if delivery is None:
            return Outcome("skipped")
        now = timezone.now()
        if _not_due(delivery, now):
            return Outcome("skipped", detail="not due")
        if notification is None or notification.pk != delivery.notification_id:
            notification = Notification.objects.get(pk=delivery.notification_id)
        delivery.notification = notification
        delivery.attempts += 1
        try:
            if delivery.channel != Channel.EMAIL:
                raise ValueError(f"unknown channel {delivery.channel}")
            conn = connection or mail.get_connection(fail_silently=False, timeout=settings.NOTIFICATIONS_SEND_TIMEOUT)
            _email_message(delivery, conn).send()
        except Exception as exc:  # classified: transient ones are retried, the rest recorded as failed
            outcome = _record_failure(delivery, f"{type(exc).__name__}: {exc}", transient=policy.exception_is_transient(exc), now=now)
        else:
            delivery.status, delivery.sent_at, delivery.last_error, delivery.next_attempt_at = OutboxStatus.SENT, timezone.now(), "", None
            outcome = Outcome(OutboxStatus.SENT)
        _store(delivery, ["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return outcome


def deliveries_send(*, delivery_ids: Iterable[int]) -> dict[int, Outcome]:
    """A batch of e-mail rows over one mail connection; each row in its own transaction."""
    outcomes: dict[int, Outcome] = {}
    delivery_ids = list(delivery_ids)
    pending = dict(Delivery.objects.filter(pk__in=delivery_ids, status=OutboxStatus.PENDING).values_list("pk", "notification_id"))
    for pk in delivery_ids:
        if pk not in pending:
            outcomes[pk] = Outcome("skipped")  # already sent, failed or dead: no lock, no connection needed
    if not pending:
        return outcomes
    notifications = Notification.objects.in_bulk(set(pending.values()))
    connection = mail.get_connection(fail_silently=False, timeout=settings.NOTIFICATIONS_SEND_TIMEOUT)
    try:
        for pk in delivery_ids:
            if pk in pending:
                outcomes[pk] = delivery_send(delivery_id=pk, connection=connection, notification=notifications.get(pending[pk]))
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken SMTP connection must not hide the results
            log.warning("closing the mail connection failed", exc_info=True)
    return outcomes


# --- webhooks --------------------------------------------------------------------------------------


def webhook_url_problem(url: str) -> str:
    """Why this URL may not receive webhooks ('' if it may)."""
    try:
        parts = urllib.parse.urlsplit(url or "")
    except ValueError:
        return "回调地址格式不正确"
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        if settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL:
            return ""
        return "生产环境不允许 http 回调地址，请使用 HTTPS"
    return "回调地址必须使用 HTTPS"


def webhook_endpoint_validate(*, url: str, kinds, secret: str) -> None:
    errors = Errors()
    problem = webhook_url_problem(url)
    if problem:
        errors.add("url", problem, "insecure_url")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        errors.add("kinds", "订阅的事件类型应为代码列表", "invalid")
    else:
        unknown = [k for k in kinds if k not in Kind.values]
        if unknown:
            errors.add("kinds", f"未知的事件类型：{'、'.join(unknown)}", "unknown_kind")
        if not kinds:
            errors.add("kinds", "请至少订阅一种事件类型", "required")
    if len(secret or "") < 16:
        errors.add("secret", "签名密钥至少16个字符", "too_short")
    errors.raise_if_any()


@transaction.atomic
def webhook_endpoint_create(*, partner: str, url: str, secret: str, kinds: list[str], active: bool = True) -> WebhookEndpoint:
    webhook_endpoint_validate(url=url, kinds=kinds, secret=secret)
    if not (partner or "").strip():
        raise ValidationError({"partner": [ValidationError("请填写合作方名称", code="required")]})
    return WebhookEndpoint.objects.create(partner=partner.strip(), url=url, secret=secret, kinds=kinds, active=active)


@transaction.atomic
def webhook_publish(*, event: str, payload: dict, event_key: str) -> list[WebhookDelivery]:
    """An event for partner systems: one log row per active endpoint subscribed to ``event``, sent after commit.
    ``event_key`` makes it idempotent. The payload must hold no personal data (ids, codes and titles only)."""
    if event not in Kind.values:
        raise ValidationError({"event": [ValidationError(f"未知的事件类型：{event}", code="unknown_kind")]})
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event in (e.kinds or [])]
    rows = []
    now = timezone.now()
    for endpoint in endpoints:
        row, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, event_key=event_key[:200], defaults={"event": event, "payload": payload, "next_attempt_at": now})
        if created:
            rows.append(row)
    ids = [r.pk for r in rows]
    if ids:
        transaction.on_commit(lambda: _enqueue_webhooks(ids))
    return rows


def webhook_body(row: WebhookDelivery) -> bytes:
    document = {"id": row.pk, "event": row.event, "event_key": row.event_key, "created": row.created.isoformat(), "data": row.payload}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is answered as the 3xx it is (a permanent failure), never followed


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {})


def webhook_delivery_send(*, delivery_id: int) -> Outcome:
    """One attempt at one webhook row: a signed POST; 2xx is accepted, 5xx/429/no answer retried, other codes failed."""
    with transaction.atomic():
        row = _claim(WebhookDelivery, delivery_id)
        if row is None:
            return Outcome("skipped")
        now = timezone.now()
        if _not_due(row, now):
            return Outcome("skipped", detail="not due")
        endpoint = row.endpoint
        row.attempts += 1
        retry_after = None
        problem = webhook_url_problem(endpoint.url) or ("" if endpoint.active else "接收端已停用")
        if problem:
            row.status_codes = [*row.status_codes, 0]
            outcome = _record_failure(row, problem, transient=False, now=now)
        else:
            body = webhook_body(row)
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "jjjtalent-webhooks/1",
                "X-JJJ-Event": row.event,
                "X-JJJ-Delivery": str(row.pk),
                "X-JJJ-Timestamp": str(timestamp),
                "X-JJJ-Signature": signing.sign(endpoint.secret, timestamp, body),
            }
            try:
                code, response_headers = _post(endpoint.url, body, headers, settings.NOTIFICATIONS_SEND_TIMEOUT)
            except Exception as exc:  # no HTTP answer at all: connection refused, timeout, TLS, DNS …
                row.status_codes = [*row.status_codes, 0]
                outcome = _record_failure(row, f"{type(exc).__name__}: {exc}", transient=policy.exception_is_transient(exc)
                                          or isinstance(exc, urllib.error.URLError) and policy.exception_is_transient(exc.reason), now=now)
            else:
                row.status_codes = [*row.status_codes, code]
                if policy.http_status_is_success(code):
                    row.status, row.sent_at, row.last_error, row.next_attempt_at = OutboxStatus.SENT, timezone.now(), "", None
                    outcome = Outcome(OutboxStatus.SENT)
                else:
                    if code == 429:
                        try:
                            retry_after = float(response_headers.get("Retry-After", ""))
                        except ValueError:
                            retry_after = None
                    outcome = _record_failure(row, f"HTTP {code}", transient=policy.http_status_is_transient(code), now=now, retry_after=retry_after)
        _store(row, ["status", "attempts", "last_error", "next_attempt_at", "sent_at", "status_codes"])
        return outcome


# --- staff: replay, sweeping, failures -------------------------------------------------------------


def _require_staff(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff):
        raise PermissionDenied("仅工作人员可以重新投递")


@transaction.atomic
def delivery_replay(*, actor, delivery: Delivery) -> Delivery:
    """Send a failed or dead e-mail row again, with a fresh set of attempts."""
    _require_staff(actor)
    if delivery.status not in (OutboxStatus.FAILED, OutboxStatus.DEAD):
        raise ValidationError({"status": [ValidationError("只有失败或已停止的投递可以重新投递", code="not_replayable")]})
    Delivery.objects.filter(pk=delivery.pk).update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _enqueue_deliveries([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def webhook_delivery_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a webhook again (failed, dead, or — at a partner's request — already sent). The delivery id stays the
    same, so a partner that dedupes on X-JJJ-Delivery processes it once. The attempt log is kept."""
    _require_staff(actor)
    if delivery.status == OutboxStatus.PENDING:
        raise ValidationError({"status": [ValidationError("该投递正在等待发送，无需重新投递", code="not_replayable")]})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), sent_at=None)
    transaction.on_commit(lambda: _enqueue_webhooks([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def outbox_sweep(*, grace_seconds: float = 120) -> dict[str, int]:
    """Re-enqueue pending rows whose attempt is overdue by ``grace_seconds``: their message was lost (broker down at
    commit, a worker that died with a retry in memory). Extra copies are harmless: a send claims the row."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    email_ids = list(Delivery.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=cutoff).values_list("pk", flat=True)[:5000])
    hook_ids = list(WebhookDelivery.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=cutoff).values_list("pk", flat=True)[:5000])
    if email_ids:
        _enqueue_deliveries(email_ids)
    if hook_ids:
        _enqueue_webhooks(hook_ids)
    return {"deliveries": len(email_ids), "webhooks": len(hook_ids)}


def failed_task_record(*, task_name: str, task_id: str = "", args=None, kwargs=None, exception: str, traceback: str = "") -> FailedTask:
    def jsonable(value, default):
        try:
            json.dumps(value)
            return value
        except (TypeError, ValueError):
            return default if value is None else repr(value)

    return FailedTask.objects.create(
        task_name=task_name[:200], task_id=(task_id or "")[:100], args=jsonable(list(args or []), []), kwargs=jsonable(dict(kwargs or {}), {}),
        exception=exception[:4000], traceback=(traceback or "")[-20000:],
    )
