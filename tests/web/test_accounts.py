"""Accounts: sign-up, throttled login, password reset by e-mail, per-role navigation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from registry.models import User
from registry.web import throttle, tokens

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_signup_logs_in_and_sends_to_the_chosen_role(client):
    token = tokens.issue()
    r = client.post(reverse("signup"), {"username": "hebei_corp", "email": "hr@corp.cn", "password1": "Qz8!long-enough", "password2": "Qz8!long-enough",
                                        "role": "enterprise", "form_token": token})
    assert r.status_code == 302 and r.url == reverse("portal:org_register")
    assert User.objects.filter(username="hebei_corp").count() == 1
    assert client.get(reverse("portal:dashboard")).status_code == 200
    # the same form sent again (double click) goes where the first went, no second account attempt/error
    client.logout()
    again = client.post(reverse("signup"), {"username": "hebei_corp", "email": "hr@corp.cn", "password1": "Qz8!long-enough", "password2": "Qz8!long-enough",
                                            "role": "enterprise", "form_token": token})
    assert again.status_code == 302 and User.objects.filter(username="hebei_corp").count() == 1


def test_signup_errors_keep_input_and_explain_in_chinese(client):
    User.objects.create_user("taken", "taken@x.cn", "pw-Jjj-2026!")
    r = client.post(reverse("signup"), {"username": "ab", "email": "TAKEN@x.cn", "password1": "Qz8!long-enough", "password2": "different-Qz8!",
                                        "role": "expert", "form_token": tokens.issue()})
    assert r.status_code == 200
    html = r.content.decode()
    assert "用户名至少4个字符" in html and "该邮箱已注册" in html and "输入的两个密码不一致" in html
    assert 'value="TAKEN@x.cn"' in html and 'value="ab"' in html
    assert 'aria-invalid="true"' in html


def test_login_is_throttled_per_username_and_address(client, make_user):
    make_user(username="alice")
    url = reverse("login")
    for i in range(throttle.MAX_FAILURES - 1):
        r = client.post(url, {"username": "alice", "password": "wrong"})
        assert "用户名或密码不正确" in r.content.decode()
        assert f"还可尝试 {throttle.MAX_FAILURES - 1 - i} 次" in r.content.decode()
    r = client.post(url, {"username": "alice", "password": "wrong"})
    assert "已暂时锁定" in r.content.decode()
    # even the right password is refused while locked
    r = client.post(url, {"username": "alice", "password": "pw-Jjj-2026!"})
    assert r.status_code == 200 and "已暂时锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session
    # another address is not locked out by someone else's failures
    r = client.post(url, {"username": "alice", "password": "pw-Jjj-2026!"}, REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 302


def test_successful_login_resets_the_counter(client, make_user):
    make_user(username="bob")
    for _ in range(3):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "bob", "password": "pw-Jjj-2026!"}).status_code == 302
    assert throttle.failures("bob", "127.0.0.1") == 0


def test_password_reset_by_email(client, make_user):
    user = make_user(username="carol")
    user.email = "carol@example.cn"
    user.save()
    r = client.post(reverse("password_reset"), {"email": "carol@example.cn"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    r = client.get(link, follow=True)
    form_url = r.redirect_chain[-1][0]
    r = client.post(form_url, {"new_password1": "Brand-new-pw-2026", "new_password2": "Brand-new-pw-2026"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-pw-2026")


def test_navigation_follows_roles(client, factory, make_user, staff_he):
    anon = client.get(reverse("home")).content.decode()
    assert "审核队列" not in anon and "登录" in anon
    client.force_login(staff_he)
    assert "审核队列" in client.get(reverse("home")).content.decode()
    member = make_user()
    factory.organisation(actor=member)
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "我的单位" in html and "发布需求" in html and "审核队列" not in html


def test_english_is_switchable(client):
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = r.content.decode()
    assert '<html lang="en">' in html
    assert "Beijing–Tianjin–Hebei Talent Sharing" in html
