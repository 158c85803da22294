"""An e-mail backend for the worker integration tests and the benchmark: each message is one JSON line appended
to $JJJ_SINK_FILE, written with O_APPEND so lines from threads and processes never interleave.

Phases: with $JJJ_SINK_DELAY set, "start" when sending begins and, that many seconds later (the window in which a
test kills the worker), "sent"; without it only "sent". $JJJ_SINK_LATENCY_MS simulates the round trip to an SMTP server (I/O, releases the GIL)."""

from __future__ import annotations

import json
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


def _append(path: str, record: dict) -> None:
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


class SinkEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["JJJ_SINK_FILE"]
        delay = float(os.environ.get("JJJ_SINK_DELAY", "0") or 0)
        latency = float(os.environ.get("JJJ_SINK_LATENCY_MS", "0") or 0) / 1000
        for message in email_messages:
            key = message.extra_headers.get("X-JJJ-Notification", "")
            if delay:
                _append(path, {"phase": "start", "notification": key, "pid": os.getpid()})
                time.sleep(delay)
            if latency:
                time.sleep(latency)
            _append(path, {"phase": "sent", "notification": key, "to": message.to, "at": time.time(), "pid": os.getpid()})
        return len(email_messages)


def read(path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []
