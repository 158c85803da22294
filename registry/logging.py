"""A logging filter that keeps ID numbers and mobile numbers out of logs (PIPL)."""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<![0-9])([1-8][0-9]{5})(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{2}[0-9]{3}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def redact(text: str) -> str:
    text = _ID.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(0)[-4:], text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's problem, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
