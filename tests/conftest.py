from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def celery_mode(request):
    """Tasks run eagerly in unit tests even when REDIS_URL is set (CI); tests marked needs_services talk to the
    real broker and a real worker."""
    from jjjtalent.celery import app

    eager = request.node.get_closest_marker("needs_services") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference classifications once into the test database."""
    from registry.reference import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def reference(db):
    """The reference data, reloaded if a transactional test flushed it."""
    from registry.models import Division
    from registry.reference import load_reference

    if not Division.objects.filter(code="130600").exists():
        load_reference()


@pytest.fixture
def make_user(db):
    from registry.models import User

    counter = {"n": 0}

    def make(*, region: str = "", staff: bool = False, superuser: bool = False, perms: tuple[str, ...] = (), username: str | None = None):
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}", password="pw-Jjj-2026!", region=region, is_staff=staff or superuser, is_superuser=superuser
        )
        if perms:
            from django.contrib.auth.models import Permission

            for perm in perms:
                app, codename = perm.split(".")
                user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
        return user

    return make


@pytest.fixture
def staff_bj(make_user):
    return make_user(region="11", staff=True, username="staff_bj")


@pytest.fixture
def staff_tj(make_user):
    return make_user(region="12", staff=True, username="staff_tj")


@pytest.fixture
def staff_he(make_user):
    return make_user(region="13", staff=True, username="staff_he")


@pytest.fixture
def factory(reference):
    """Builders of valid registry records through the services (so tests exercise the real write path)."""
    from tests.support.factory import Factory

    return Factory()


@pytest.fixture
def today():
    return dt.date.today()
