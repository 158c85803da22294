"""京津冀人才卡 card numbers, no Django.

Format (16 characters): ``JJJ`` + region (2 digits: 11 北京, 12 天津, 13 河北 — the issuing region)
+ year of issue (4 digits) + serial (6 digits) + one check character, e.g. ``JJJ112026000001`` + check.

Check character: ISO/IEC 7064 MOD 37,36 (the hybrid system for alphanumeric strings, M = 36) over the
first 15 characters, alphabet ``0-9A-Z`` (values 0–35). It detects every single substitution and every
adjacent transposition. Validation runs the same recurrence over all 16 characters and expects 1.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
PREFIX = "JJJ"
_RE = re.compile(r"^JJJ(11|12|13)(\d{4})(\d{6})([0-9A-Z])$")


class CardNumberError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _mod37_36(chars: str) -> int:
    m = 36
    p = m
    for ch in chars:
        s = (p + VALUE[ch]) % m or m
        p = (s * 2) % (m + 1)
    return p


def check_char(body: str) -> str:
    body = body.upper()
    bad = sorted({c for c in body if c not in VALUE})
    if bad:
        raise CardNumberError("card_charset", f"卡号含有不允许的字符：{'、'.join(bad)}")
    p = _mod37_36(body)
    return ALPHABET[(1 - p) % 36]


def is_valid_check(number: str) -> bool:
    number = number.upper()
    if not number or any(c not in VALUE for c in number):
        return False
    m = 36
    p = m
    for ch in number[:-1]:
        s = (p + VALUE[ch]) % m or m
        p = (s * 2) % (m + 1)
    return (p + VALUE[number[-1]]) % m == 1


def make(region: str, year: int, serial: int) -> str:
    if region not in ("11", "12", "13"):
        raise CardNumberError("card_region", f"发卡地区应为11、12或13，当前为“{region}”")
    if not 0 < serial < 1_000_000:
        raise CardNumberError("card_serial", "卡号序号应在1到999999之间")
    body = f"{PREFIX}{region}{year:04d}{serial:06d}"
    return body + check_char(body)


def normalize(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def validate(value: str) -> str:
    number = normalize(value)
    if len(number) != 16:
        raise CardNumberError("card_length", f"人才卡号应为16位，当前为{len(number)}位")
    if not _RE.match(number):
        raise CardNumberError("card_format", "人才卡号格式应为 JJJ + 地区码(2位) + 年份(4位) + 序号(6位) + 校验位")
    if not is_valid_check(number):
        raise CardNumberError("card_check", "人才卡号校验位不正确，请核对后重新输入")
    return number
