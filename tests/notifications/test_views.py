"""The inbox page, mark read and the unread count."""

from __future__ import annotations

import pytest

from notifications import services
from notifications.models import Kind


@pytest.fixture
def two_users(make_user):
    alice, bob = make_user(username="alice"), make_user(username="bob")
    for i, user in enumerate((alice, bob)):
        services.notify(recipient=user, kind=Kind.INVITATION_NEW, title=f"{user.username}的邀请", body="请查看邀请详情",
                        link="/demands/9/", dedupe_key=f"inv-{i}")
    return alice, bob


def test_inbox_shows_only_own_notifications(client, two_users):
    alice, _ = two_users
    client.force_login(alice)
    page = client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200 and "站内通知" in html
    assert "alice的邀请" in html and "bob的邀请" not in html
    assert "您有 1 条未读通知" in html


def test_unread_count_and_mark_read(client, two_users):
    alice, bob = two_users
    client.force_login(alice)
    assert client.get("/notifications/unread-count/").json() == {"unread": 1}
    mine = alice.notifications.get()
    response = client.post(f"/notifications/{mine.pk}/read/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["unread"] == 0
    assert client.get("/notifications/unread-count/").json() == {"unread": 0}
    theirs = bob.notifications.get()
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_follow_link_and_mark_all(client, two_users):
    alice, _ = two_users
    client.force_login(alice)
    n = alice.notifications.get()
    response = client.post(f"/notifications/{n.pk}/read/", {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == "/demands/9/"
    services.notify(recipient=alice, kind=Kind.RATING_REQUESTED, title="请评价", body="", dedupe_key="r-1")
    response = client.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"  # no open redirect
    assert client.get("/notifications/unread-count/").json() == {"unread": 0}


def test_anonymous_and_wrong_methods(client, two_users):
    assert client.get("/notifications/unread-count/").status_code == 401
    client.force_login(two_users[0])
    assert client.get("/notifications/read-all/").status_code == 405
