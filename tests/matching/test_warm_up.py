"""Matching indexes built when a process starts (gunicorn post_worker_init, Celery worker_process_init)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from matching.holder import holder, warm_in_background

pytestmark = pytest.mark.django_db(transaction=True)  # the warm-up thread has its own connection


@pytest.fixture(autouse=True)
def _fresh_holder(reference):
    holder.reset()
    yield
    holder.reset()


def test_warm_up_builds_the_indexes_in_a_thread(factory):
    expert = factory.expert()
    thread = warm_in_background()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert holder.experts is not None and holder.graduates is not None
    assert len(holder.experts) == 1 and holder.experts.experts.locate(expert.pk)[0] is not None  # in the warmed index


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(__file__).resolve().parents[2] / "jjjtalent" / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("enabled", [True, False])
def test_gunicorn_and_celery_start_hooks_warm_when_enabled(enabled, settings, monkeypatch):
    from jjjtalent import celery as celery_app
    from matching import holder as holder_module

    started = []
    monkeypatch.setattr(holder_module, "warm_in_background", lambda: started.append(1))
    settings.MATCHING_WARM_ON_START = enabled
    _gunicorn_conf().post_worker_init(worker=None)
    celery_app._warm_matching()
    assert len(started) == (2 if enabled else 0)
