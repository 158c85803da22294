"""The pure modules: signatures partners verify, and the retry policy."""

from __future__ import annotations

import random
import smtplib

from notifications import policy, signing

SECRET = "partner-secret-0123456789"


def test_signature_round_trip_and_tampering():
    body = '{"event":"demand_published","data":{"title":"芯片封装"}}'.encode()
    sig = signing.sign(SECRET, 1_767_225_600, body)
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert signing.verify(SECRET, body, "1767225600", sig, now=1_767_225_600 + 10)
    assert not signing.verify(SECRET, body + b" ", "1767225600", sig, now=1_767_225_600)  # body changed
    assert not signing.verify("another-secret-0000000", body, "1767225600", sig, now=1_767_225_600)
    assert not signing.verify(SECRET, body, "1767225601", sig, now=1_767_225_600)  # timestamp is signed too
    assert not signing.verify(SECRET, body, "not-a-number", sig, now=1_767_225_600)
    assert not signing.verify(SECRET, body, "1767225600", "", now=1_767_225_600)


def test_replay_window():
    body = b"{}"
    sig = signing.sign(SECRET, 1000, body)
    assert signing.verify(SECRET, body, "1000", sig, now=1000 + signing.DEFAULT_TOLERANCE)
    assert not signing.verify(SECRET, body, "1000", sig, now=1000 + signing.DEFAULT_TOLERANCE + 1)
    assert not signing.verify(SECRET, body, "1000", sig, now=1000 - signing.DEFAULT_TOLERANCE - 1)  # from the future


def test_backoff_doubles_and_is_capped():
    delays = [policy.backoff_seconds(n, base=30, cap=3600, jitter=0) for n in range(1, 10)]
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 3600
    rng = random.Random(1)
    jittered = policy.backoff_seconds(3, base=30, cap=3600, jitter=0.1, rng=rng)
    assert 108 <= jittered <= 132


def test_transient_and_permanent_failures():
    assert policy.http_status_is_transient(503) and policy.http_status_is_transient(500) and policy.http_status_is_transient(429)
    for code in (400, 401, 403, 404, 410, 422, 301, 302):
        assert not policy.http_status_is_transient(code)
    assert policy.exception_is_transient(ConnectionRefusedError())
    assert policy.exception_is_transient(TimeoutError())
    assert policy.exception_is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert policy.exception_is_transient(smtplib.SMTPResponseException(451, b"try later"))
    assert not policy.exception_is_transient(smtplib.SMTPResponseException(554, b"rejected"))
    assert not policy.exception_is_transient(smtplib.SMTPRecipientsRefused({"a@b.cn": (550, b"no such user")}))
    assert policy.exception_is_transient(smtplib.SMTPRecipientsRefused({"a@b.cn": (452, b"mailbox full")}))
    assert not policy.exception_is_transient(ValueError("bad header"))
