"""Check-character arithmetic and masking of Chinese identifiers. Pure Python, no Django.

- 居民身份证号码 (GB 11643-1999): 17 digits + an ISO 7064 MOD 11-2 check character (0-9 or X).
- 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-symbol alphabet with a MOD 31 check character.
- Mainland mobile numbers: 11 digits starting 13-19.

Validators raise :class:`IdentifierError` with a machine code and a Chinese message; the Django layer
turns it into a ValidationError on the right field.
"""

from __future__ import annotations

import datetime as _dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits of a GB/T 2260 province code.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_VALUE = {ch: i for i, ch in enumerate(CREDIT_ALPHABET)}

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


class IdentifierError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- 居民身份证号码 ---------------------------------------------------------------

def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    return _SEPARATORS.sub("", (value or "")).upper()


def validate_id_number(value: str, *, today: _dt.date | None = None) -> str:
    """Return the normalised 18-character number or raise IdentifierError."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise IdentifierError("id_length", f"身份证号应为18位，当前为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentifierError("id_format", "身份证号前17位应为数字，最后一位为数字或X")
    if number[:2] not in PROVINCE_PREFIXES:
        raise IdentifierError("id_region", f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码")
    try:
        birth = _dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError("id_birth_date", f"身份证号中的出生日期“{number[6:14]}”无效") from None
    today = today or _dt.date.today()
    if birth > today or birth.year < 1900:
        raise IdentifierError("id_birth_date", f"身份证号中的出生日期“{number[6:14]}”超出合理范围")
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError("id_check", "身份证号校验位不正确，请核对后重新输入")
    return number


def id_number_birth_date(number: str) -> _dt.date:
    return _dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_gender(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd = male)."""
    return "M" if int(number[16]) % 2 else "F"


# --- 统一社会信用代码 -------------------------------------------------------------

def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_VALUE[c] * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return _SEPARATORS.sub("", (value or "")).upper()


def validate_credit_code(value: str) -> str:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise IdentifierError("credit_length", f"统一社会信用代码应为18位，当前为{len(code)}位")
    bad = sorted({c for c in code if c not in CREDIT_VALUE})
    if bad:
        raise IdentifierError(
            "credit_charset",
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用I、O、Z、S、V）",
        )
    if code[17] != credit_code_check_char(code[:17]):
        raise IdentifierError("credit_check", "统一社会信用代码校验位不正确，请核对后重新输入")
    return code


# --- mobile -----------------------------------------------------------------------

def normalize_mobile(value: str) -> str:
    number = _SEPARATORS.sub("", value or "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    return number


def validate_mobile(value: str) -> str:
    number = normalize_mobile(value)
    if not _MOBILE_RE.match(number):
        raise IdentifierError("mobile_format", "手机号应为以1开头的11位数字（如 13812345678）")
    return number


# --- masking (PIPL: show no more than needed) ------------------------------------

def mask_id_number(number: str) -> str:
    """110***********1234 — region prefix and last four only."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_mobile(number: str) -> str:
    """138****5678."""
    if not number:
        return ""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_email(address: str) -> str:
    if not address or "@" not in address:
        return "*" * len(address or "")
    local, domain = address.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_name(name: str) -> str:
    """张** — used where a name must not be shown in full (public directory of a non-consenting person)."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
