"""京津冀人才卡 card numbers, no Django.

Format (16 characters): ``JJJ`` + region (2 digits: 11 北京, 12 天津, 13 河北 — the issuing region)
+ year of issue (4 digits) + serial (6 digits) + one check character, e.g. ``JJJ112026000001`` + check.

Check character: the GB 32100 (统一社会信用代码) algorithm of ``registry.identifiers`` reused over the first
15 characters: weighted sum with weights 3^i mod 31 (1, 3, 9, 27, 19, …), check = (31 − sum mod 31) mod 31,
written in the 31-character alphabet ``0-9A-Y`` without I, O, S, V, Z. Modulus 31 is prime and adjacent
weights differ, so every single substitution and every adjacent transposition of the 15 characters is
detected. (ISO 7064 MOD 37,36 was considered and rejected: it misses ~3% of adjacent transpositions here.)
"""

from __future__ import annotations

import re

from registry import identifiers

ALPHABET = identifiers.CREDIT_ALPHABET
VALUE = identifiers.CREDIT_VALUE
PREFIX = "JJJ"
_RE = re.compile(r"^JJJ(11|12|13)(\d{4})(\d{6})([0-9A-HJ-NP-RTUWXY])$")


class CardNumberError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_char(body: str) -> str:
    body = body.upper()
    if len(body) != 15:
        raise CardNumberError("card_length", "卡号主体应为15位")
    bad = sorted({c for c in body if c not in VALUE})
    if bad:
        raise CardNumberError("card_charset", f"卡号含有不允许的字符：{'、'.join(bad)}")
    return identifiers.credit_code_check_char(body)


def is_valid_check(number: str) -> bool:
    number = (number or "").upper()
    if len(number) != 16 or any(c not in VALUE for c in number):
        return False
    return identifiers.credit_code_check_char(number[:15]) == number[15]


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
