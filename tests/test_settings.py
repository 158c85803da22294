"""The project's modes: production passes check --deploy with no warnings and refuses to start without secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # a clean environment: no secrets, and none of the test process's switches (e.g. DJANGO_ALLOW_ASYNC_UNSAFE)
    dropped = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PII_HMAC_KEY", "TALENT_CARD_SIGNING_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "jjjtalent.settings.production",
    "SECRET_KEY": "k" * 10 + "production-secret-for-the-deploy-check-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "m0q5Yc7S2bJ0oQx9G0y4o1cZQm9XkqG2p5t9Y7hC3uE=",
    "PII_HMAC_KEY": "deploy-check-hmac",
    "ALLOWED_HOSTS": "talent.example.cn",
    "TALENT_CARD_SIGNING_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}


def test_production_passes_check_deploy_without_warnings():
    result = _run(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


import pytest


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PII_HMAC_KEY", "TALENT_CARD_SIGNING_KEY"])
def test_production_refuses_to_start_without_secrets(missing):
    env = dict(PRODUCTION)
    env.pop(missing)
    result = _run(env, "check")
    assert result.returncode != 0 and missing in result.stderr


def test_embedded_default_runs_tasks_eagerly_without_redis():
    code = (
        "import os; os.environ.pop('REDIS_URL', None); os.environ.pop('DATABASE_URL', None);"
        "import django; os.environ['DJANGO_SETTINGS_MODULE']='jjjtalent.settings.local'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'], s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "django.db.backends.sqlite3", "zh-hans", "Asia/Shanghai"], out.stderr


def test_every_periodic_job_names_a_registered_task():
    from django.conf import settings

    from jjjtalent.celery import app

    app.loader.import_default_modules()
    unknown = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert not unknown, f"beat entries without a task: {unknown}"
