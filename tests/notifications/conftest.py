from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class WebhookReceiver:
    """A partner's webhook endpoint on 127.0.0.1: answers the scripted status codes in turn (then 200) and keeps
    every request it got."""

    def __init__(self, codes=()):
        self.codes = list(codes)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    code = receiver.codes.pop(0) if receiver.codes else 200
                    receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "code": code})
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"ok": code == 200}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/jjj"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["code"] == 200]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver():
    receivers = []

    def make(codes=()):
        r = WebhookReceiver(codes)
        receivers.append(r)
        return r

    yield make
    for r in receivers:
        r.close()


@pytest.fixture
def person_user(make_user):
    """A user with an e-mail address (so the e-mail channel applies)."""

    def make(**kw):
        user = make_user(**kw)
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
        return user

    return make
