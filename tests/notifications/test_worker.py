"""Integration: a real `celery worker` process consumes real tasks from the real Redis and writes to the real
PostgreSQL test database. Skips without the servers; fails under JJJ_REQUIRE_SERVICES=1."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from notifications import services, signing
from notifications.models import Delivery, Kind, OutboxStatus, WebhookDelivery
from tests.notifications import sink
from tests.support import servers
from tests.support.worker import Worker, database_url, reset_broker

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]
SECRET = "partner-secret-0123456789"


@pytest.fixture
def workers(tmp_path):
    """Start workers on demand, against the test database and the real Redis; all stopped at the end."""
    redis_url = servers.redis_url()
    servers.postgres()
    reset_broker(redis_url)
    started: list[Worker] = []
    sink_file = tmp_path / "sent.jsonl"

    def start(**env) -> Worker:
        base = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": redis_url, "JJJ_SINK_FILE": str(sink_file),
                "NOTIFICATIONS_BACKOFF_BASE": "0.5", "NOTIFICATIONS_BACKOFF_MAX": "5", "CELERY_VISIBILITY_TIMEOUT": "60"}
        worker = Worker(env={**base, **{k: str(v) for k, v in env.items()}}, log_path=tmp_path / f"worker{len(started)}.log", concurrency=4)
        started.append(worker)
        return worker.wait_ready()

    start.sink_file = sink_file
    yield start
    for worker in started:
        worker.stop()
    reset_broker(redis_url)


def wait_for(predicate, timeout: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n--- worker log ---\n{worker.log()[-4000:]}" if worker else ""))


def test_delivered_exactly_once_when_the_worker_is_killed_mid_task(workers, person_user):
    first = workers(JJJ_SINK_DELAY=30)  # the send hangs long enough to be killed in the middle
    user = person_user()
    with transaction.atomic():
        n = services.notify(recipient=user, kind=Kind.DEMAND_PUBLISHED, title="您的需求已发布", body="", dedupe_key="fault-1")
    key = str(n.pk)

    def phases():
        return [r["phase"] for r in sink.read(workers.sink_file) if r["notification"] == key]

    wait_for(lambda: "start" in phases(), 30, "the worker to start sending", first)
    first.kill()  # SIGKILL in the middle of the task: its message is unacknowledged, its transaction aborted
    assert phases() == ["start"]
    d = Delivery.objects.get(notification=n)
    assert (d.status, d.attempts) == (OutboxStatus.PENDING, 0)  # the claim died with the worker's connection

    second = workers(CELERY_VISIBILITY_TIMEOUT=1)  # the restarted worker redelivers the abandoned message
    wait_for(lambda: Delivery.objects.filter(pk=d.pk, status=OutboxStatus.SENT).exists(), 30, "the redelivered task", second)
    assert phases() == ["start", "sent"]  # begun by the killed worker, sent once by the restarted one
    (sent,) = [r for r in sink.read(workers.sink_file) if r["phase"] == "sent"]
    assert sent["pid"] == second.process.pid != first.process.pid

    # a duplicate of the task (a redelivery after success, a retry, the sweeper) sends nothing
    from notifications import tasks

    assert tasks.deliver.delay(d.pk).get(timeout=20) == "skipped"
    assert tasks.deliver_batch.delay([d.pk]).get(timeout=20) == {"skipped": 1}
    assert phases().count("sent") == 1
    d.refresh_from_db()
    assert (d.status, d.attempts) == (OutboxStatus.SENT, 1)


def test_webhook_fails_twice_then_succeeds_exactly_one_accepted(workers, webhook_receiver):
    worker = workers()
    server = webhook_receiver([503, 503])
    services.webhook_endpoint_create(partner="保定人才网", url=server.url, secret=SECRET, kinds=[Kind.DEMAND_PUBLISHED])
    with transaction.atomic():
        (row,) = services.webhook_publish(event=Kind.DEMAND_PUBLISHED, event_key="demand:42:published",
                                          payload={"demand_id": 42, "title": "氢能装备检测"})
    wait_for(lambda: WebhookDelivery.objects.filter(pk=row.pk, status=OutboxStatus.SENT).exists(), 30, "the webhook to be accepted", worker)
    time.sleep(1.5)  # room for any duplicate to show up
    row.refresh_from_db()
    assert [r["code"] for r in server.requests] == [503, 503, 200]
    assert len(server.accepted) == 1
    assert (row.attempts, row.status_codes) == (3, [503, 503, 200])
    accepted = server.accepted[0]
    assert signing.verify(SECRET, accepted["body"], accepted["headers"]["x-jjj-timestamp"], accepted["headers"]["x-jjj-signature"])
    assert {r["headers"]["x-jjj-delivery"] for r in server.requests} == {str(row.pk)}


def test_rolled_back_change_enqueues_nothing(workers, person_user):
    worker = workers()
    user = person_user()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.notify(recipient=user, kind=Kind.DEMAND_PUBLISHED, title="不会发出", body="", dedupe_key="rollback-1")
            raise RuntimeError("rolled back")
    with transaction.atomic():
        n = services.notify(recipient=user, kind=Kind.DEMAND_PUBLISHED, title="会发出", body="", dedupe_key="commit-1")
    wait_for(lambda: Delivery.objects.filter(notification=n, status=OutboxStatus.SENT).exists(), 20, "the committed notification", worker)
    assert [r["notification"] for r in sink.read(workers.sink_file) if r["phase"] == "sent"] == [str(n.pk)]
