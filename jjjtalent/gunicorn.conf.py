"""gunicorn settings for production: ``gunicorn -c jjjtalent/gunicorn.conf.py jjjtalent.wsgi``.

Environment: ``WEB_CONCURRENCY`` (workers, default one per core), ``PORT`` (8000), ``GUNICORN_TIMEOUT`` (30 s).
Each worker holds its own matching indexes (about 500 MB for 100,000 experts, docs/matching.md), so workers are
one per core rather than gunicorn's usual 2 × cores + 1, and they are not recycled after N requests (that would
throw the indexes away). Each worker builds them when it starts (``MATCHING_WARM_ON_START``), so the first
recommendation it serves does not wait for the build.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
accesslog = "-"
# no request line in the log beyond the path: query strings may hold personal data (names, numbers)
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker):
    from django.conf import settings

    if getattr(settings, "MATCHING_WARM_ON_START", False):
        from matching.holder import warm_in_background

        warm_in_background()
