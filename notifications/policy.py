"""Retry policy, pure (no Django): which failures are worth retrying and how long to wait.

Transient (retried with exponential backoff): no connection, a timeout, HTTP 5xx, HTTP 429, an SMTP 4xx reply.
Permanent (never retried): any other HTTP status outside 2xx (4xx, 3xx redirects), an SMTP 5xx reply, a refused
recipient, a malformed message or URL. After ``max_attempts`` transient failures a row is dead.
"""

from __future__ import annotations

import random
import smtplib
import socket
import ssl
from dataclasses import dataclass


def backoff_seconds(attempts: int, *, base: float, cap: float, jitter: float = 0.1, rng: random.Random | None = None) -> float:
    """Delay before the next try after ``attempts`` failed tries: base, 2·base, 4·base … capped, ± jitter."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    if jitter:
        delay *= 1 + (rng or random).uniform(-jitter, jitter)
    return max(0.0, delay)


def http_status_is_transient(code: int) -> bool:
    return code == 429 or 500 <= code <= 599


def http_status_is_success(code: int) -> bool:
    return 200 <= code <= 299


def exception_is_transient(exc: BaseException) -> bool:
    """Network trouble and temporary SMTP replies are transient; everything else is permanent."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= c < 500 for c in codes)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, ssl.SSLCertVerificationError):
        return False  # a wrong certificate does not fix itself in a minute
    if isinstance(exc, (socket.timeout, TimeoutError, ConnectionError, socket.gaierror)):
        return True
    if isinstance(exc, OSError):
        return True  # the remaining OSErrors are network errors (unreachable host, reset, …)
    return False


@dataclass(frozen=True)
class Outcome:
    """What one send attempt did: ``status`` is the row's status afterwards (or 'skipped')."""

    status: str
    retry_in: float | None = None
    detail: str = ""
