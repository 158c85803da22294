"""Partner webhooks in eager mode: URL policy, signature, retry on transient codes only, dead, replay."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications import services, signing
from notifications.models import Kind, OutboxStatus, WebhookDelivery

pytestmark = pytest.mark.django_db
SECRET = "partner-secret-0123456789"


def _endpoint(url, kinds=(Kind.DEMAND_PUBLISHED,)):
    return services.webhook_endpoint_create(partner="保定人才网", url=url, secret=SECRET, kinds=list(kinds))


def _publish(key="demand:1:published:1"):
    return services.webhook_publish(event=Kind.DEMAND_PUBLISHED, event_key=key, payload={"demand_id": 1, "title": "芯片封装良率提升"})


def _due_again(row):
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_endpoint_url_policy(settings):
    with pytest.raises(ValidationError) as exc:
        services.webhook_endpoint_create(partner="x", url="http://partner.example.cn/hook", secret=SECRET, kinds=[Kind.DEMAND_PUBLISHED])
    assert "HTTPS" in exc.value.message_dict["url"][0]
    assert _endpoint("https://partner.example.cn/hook").pk
    assert _endpoint("http://127.0.0.1:9/hook").pk  # allowed in tests (NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL)
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCAL = False
    with pytest.raises(ValidationError) as exc:
        _endpoint("http://127.0.0.1:9/hook")
    assert "生产环境" in exc.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as exc:
        services.webhook_endpoint_create(partner="", url="https://a.cn/", secret="short", kinds=["nope"])
    assert set(exc.value.message_dict) == {"secret", "kinds"}


def test_signed_post_accepted_once(webhook_receiver, django_capture_on_commit_callbacks):
    server = webhook_receiver()
    _endpoint(server.url)
    _endpoint(server.url, kinds=[Kind.DEMAND_EXPIRED])  # not subscribed to this event
    with django_capture_on_commit_callbacks(execute=True):
        rows = _publish()
    assert len(rows) == 1 and len(server.requests) == 1
    request = server.requests[0]
    headers = request["headers"]
    assert signing.verify(SECRET, request["body"], headers["x-jjj-timestamp"], headers["x-jjj-signature"])
    assert headers["x-jjj-event"] == "demand_published" and headers["x-jjj-delivery"] == str(rows[0].pk)
    document = json.loads(request["body"])
    assert document["data"]["title"] == "芯片封装良率提升" and document["id"] == rows[0].pk
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.status_codes) == (OutboxStatus.SENT, 1, [200])
    with django_capture_on_commit_callbacks(execute=True):
        assert _publish() == []  # the same event key: nothing new
    assert len(server.requests) == 1


def test_transient_codes_retried_then_dead(webhook_receiver, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    server = webhook_receiver([503, 429, 500])
    _endpoint(server.url)
    (row,) = _publish()
    outcomes = []
    for _ in range(3):
        outcomes.append(services.webhook_delivery_send(delivery_id=row.pk))
        _due_again(row)
    row.refresh_from_db()
    assert [o.status for o in outcomes] == ["pending", "pending", "dead"]
    assert outcomes[0].retry_in is not None and outcomes[-1].retry_in is None
    assert row.status == OutboxStatus.DEAD and row.status_codes == [503, 429, 500] and row.last_error == "HTTP 500"
    assert services.webhook_delivery_send(delivery_id=row.pk).status == "skipped"
    assert len(server.requests) == 3


def test_client_errors_are_not_retried(webhook_receiver):
    server = webhook_receiver([400])
    _endpoint(server.url)
    (row,) = _publish()
    outcome = services.webhook_delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert outcome.status == OutboxStatus.FAILED and outcome.retry_in is None
    assert (row.status, row.status_codes, row.last_error) == (OutboxStatus.FAILED, [400], "HTTP 400")


def test_no_answer_is_transient():
    endpoint = _endpoint("http://127.0.0.1:9/closed-port")
    (row,) = _publish()
    outcome = services.webhook_delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert outcome.status == OutboxStatus.PENDING and row.status_codes == [0]
    assert "Connection refused" in row.last_error or "URLError" in row.last_error
    assert endpoint.deliveries.count() == 1


def test_replay_from_staff_sends_again_with_the_same_delivery_id(webhook_receiver, make_user, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    server = webhook_receiver([502])
    _endpoint(server.url)
    (row,) = _publish()
    services.webhook_delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    with pytest.raises(PermissionDenied):
        services.webhook_delivery_replay(actor=make_user(), delivery=row)
    staff = make_user(staff=True, region="11")
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_replay(actor=staff, delivery=row)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.status_codes == [502, 200]
    assert [r["headers"]["x-jjj-delivery"] for r in server.requests] == [str(row.pk)] * 2


def test_admin_replay_action(webhook_receiver, make_user, client, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    server = webhook_receiver([503])
    _endpoint(server.url)
    (row,) = _publish()
    services.webhook_delivery_send(delivery_id=row.pk)
    admin_user = make_user(superuser=True, region="13")
    client.force_login(admin_user)
    page = client.get("/admin/notifications/webhookdelivery/?status=dead")
    assert page.status_code == 200 and "HTTP 503" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/notifications/webhookdelivery/", {"action": "replay", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200 and "已重新投递 1 条" in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(server.accepted) == 1


def test_admin_replay_refused_without_change_permission(make_user, client):
    endpoint = _endpoint("https://partner.example.cn/hook")
    row = WebhookDelivery.objects.create(endpoint=endpoint, event=Kind.DEMAND_PUBLISHED, event_key="k", payload={}, status=OutboxStatus.DEAD)
    viewer = make_user(staff=True, region="11", perms=("notifications.view_webhookdelivery",))
    client.force_login(viewer)
    assert client.get("/admin/notifications/webhookdelivery/").status_code == 200
    response = client.post("/admin/notifications/webhookdelivery/", {"action": "replay", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert response.status_code in (200, 302, 403)
