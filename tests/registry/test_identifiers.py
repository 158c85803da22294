"""The check-character arithmetic of ID numbers (GB 11643) and credit codes (GB 32100), property-based:
every generated valid number passes, every single-character change fails."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import identifiers as ids

provinces = st.sampled_from(sorted(ids.PROVINCE_PREFIXES))
birth_dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31))


@st.composite
def id_numbers(draw) -> str:
    body = draw(provinces) + draw(st.text("0123456789", min_size=4, max_size=4))
    body += draw(birth_dates).strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    return body + ids.id_number_check_char(body)


@st.composite
def credit_codes(draw) -> str:
    body = draw(st.text(ids.CREDIT_ALPHABET, min_size=17, max_size=17))
    return body + ids.credit_code_check_char(body)


@given(id_numbers())
def test_every_generated_id_number_passes(number):
    assert ids.validate_id_number(number) == number


@settings(max_examples=300)
@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789XA"))
def test_every_single_character_change_of_an_id_number_fails(number, position, char):
    changed = number[:position] + char + number[position + 1 :]
    if changed == number:
        return
    with pytest.raises(ids.IdentifierError):
        ids.validate_id_number(changed)


@given(credit_codes())
def test_every_generated_credit_code_passes(code):
    assert ids.validate_credit_code(code) == code


@settings(max_examples=300)
@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ids.CREDIT_ALPHABET + "IOZSV"))
def test_every_single_character_change_of_a_credit_code_fails(code, position, char):
    changed = code[:position] + char + code[position + 1 :]
    if changed == code:
        return
    with pytest.raises(ids.IdentifierError):
        ids.validate_credit_code(changed)


def test_known_real_format_numbers():
    # the GB 11643 example number and a published credit code
    assert ids.validate_id_number("11010519491231002X") == "11010519491231002X"
    assert ids.validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    assert ids.validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "value, code",
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002Y", "id_format"),
        ("99010519491231002X", "id_region"),
        ("110105194913310021", "id_birth_date"),
        ("110105194912310021", "id_check"),
    ],
)
def test_id_number_errors_name_the_reason(value, code):
    with pytest.raises(ids.IdentifierError) as exc:
        ids.validate_id_number(value)
    assert exc.value.code == code
    assert exc.value.message  # a Chinese sentence for the user


def test_birth_date_in_the_future_is_refused():
    body = "11010520990101001"
    with pytest.raises(ids.IdentifierError) as exc:
        ids.validate_id_number(body + ids.id_number_check_char(body), today=dt.date(2026, 11, 23))
    assert exc.value.code == "id_birth_date"


def test_credit_code_forbidden_letters_are_named():
    with pytest.raises(ids.IdentifierError) as exc:
        ids.validate_credit_code("91350100M0001O0Y43")
    assert exc.value.code == "credit_charset" and "O" in exc.value.message


@pytest.mark.parametrize("raw", ["13812345678", "+86 138-1234-5678", "0086 13812345678"])
def test_mobile_normalises(raw):
    assert ids.validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc"])
def test_mobile_rejects(raw):
    with pytest.raises(ids.IdentifierError):
        ids.validate_mobile(raw)


def test_masks():
    assert ids.mask_id_number("110105194912310021") == "110***********0021"
    assert ids.mask_mobile("13812345678") == "138****5678"
    assert ids.mask_email("zhang@example.cn") == "z***@example.cn"
    assert ids.mask_id_number("") == ""


def test_gender_and_birth_from_id():
    assert ids.id_number_gender("11010519491231002X") == "F"
    assert ids.id_number_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
