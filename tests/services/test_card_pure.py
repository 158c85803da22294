"""Card numbers (ISO 7064 MOD 37,36) and signed tokens (Ed25519), without the database."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services import cardnumber, cardtoken

KEY = cardtoken.private_key_from_seed(bytes(range(32)))
OTHER = cardtoken.private_key_from_seed(bytes(range(1, 33)))
TODAY = dt.date(2026, 11, 23)


def test_card_number_format_and_check():
    number = cardnumber.make("11", 2026, 1)
    assert len(number) == 16 and number.startswith("JJJ112026000001")
    assert cardnumber.validate(number.lower()) == number
    assert cardnumber.validate(f"{number[:7]}-{number[7:]}") == number


def test_check_character_detects_every_single_substitution_and_adjacent_transposition():
    for serial in (1, 42, 999_999):
        number = cardnumber.make("13", 2026, serial)
        for i in range(3, 16):
            for ch in cardnumber.ALPHABET:
                if ch != number[i]:
                    assert not cardnumber.is_valid_check(number[:i] + ch + number[i + 1:]), (number, i, ch)
        for i in range(15):
            if number[i] != number[i + 1]:
                swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
                assert not cardnumber.is_valid_check(swapped)


@pytest.mark.parametrize("bad, code", [
    ("JJJ11202600000", "card_length"),
    ("JJJ142026000001A", "card_format"),
    ("XXX112026000001A", "card_format"),
])
def test_card_number_errors(bad, code):
    with pytest.raises(cardnumber.CardNumberError) as exc:
        cardnumber.validate(bad)
    assert exc.value.code == code


def test_wrong_check_char_is_refused():
    number = cardnumber.make("12", 2026, 7)
    wrong = number[:-1] + ("A" if number[-1] != "A" else "B")
    with pytest.raises(cardnumber.CardNumberError) as exc:
        cardnumber.validate(wrong)
    assert exc.value.code == "card_check"


def _token(key=KEY, **kw):
    data = dict(number=cardnumber.make("11", 2026, 5), tier="A", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2028, 12, 31), services=["JJJ-YL-003"])
    data.update(kw)
    return cardtoken.sign(private_key=key, **data)


def test_token_round_trip_holds_no_personal_data():
    token = _token()
    claims = cardtoken.verify(token, KEY.public_key(), today=TODAY)
    assert claims.number.startswith("JJJ112026000005") and claims.tier == "A" and claims.valid_until == dt.date(2028, 12, 31)
    payload = json.loads(cardtoken._b64d(token.split(".")[1]))
    assert set(payload) == {"v", "kid", "n", "t", "f", "u", "s", "iat"}
    # verification from the published PEM, as a partner would do it
    pem = cardtoken.public_key_pem(KEY.public_key())
    assert cardtoken.verify(token, cardtoken.load_public_key(pem), today=TODAY).number == claims.number


def test_tampered_token_fails():
    token = _token()
    prefix, body, sig = token.split(".")
    payload = json.loads(cardtoken._b64d(body))
    payload["t"] = "A" if payload["t"] != "A" else "D"
    payload["u"] = "2099-12-31"
    forged = ".".join([prefix, cardtoken._b64e(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()), sig])
    with pytest.raises(cardtoken.CardTokenError) as exc:
        cardtoken.verify(forged, KEY.public_key(), today=TODAY)
    assert exc.value.code == "token_signature"
    # a flipped signature byte
    raw = bytearray(cardtoken._b64d(sig))
    raw[0] ^= 1
    with pytest.raises(cardtoken.CardTokenError) as exc:
        cardtoken.verify(".".join([prefix, body, cardtoken._b64e(bytes(raw))]), KEY.public_key(), today=TODAY)
    assert exc.value.code == "token_signature"


def test_token_signed_by_another_key_fails():
    with pytest.raises(cardtoken.CardTokenError) as exc:
        cardtoken.verify(_token(key=OTHER), KEY.public_key(), today=TODAY)
    assert exc.value.code == "token_key"
    # a rotated key list accepts both
    assert cardtoken.verify(_token(key=OTHER), [KEY.public_key(), OTHER.public_key()], today=TODAY)


@pytest.mark.parametrize("today, code", [(dt.date(2029, 1, 1), "card_expired"), (dt.date(2025, 12, 31), "card_not_yet_valid")])
def test_token_outside_validity_fails(today, code):
    with pytest.raises(cardtoken.CardTokenError) as exc:
        cardtoken.verify(_token(), KEY.public_key(), today=today)
    assert exc.value.code == code


@pytest.mark.parametrize("garbage", ["", "hello", "JJJC1.!!!.???", "JJJC2.a.b", "JJJC1.e30.AAAA"])
def test_garbage_is_refused_not_crashing(garbage):
    with pytest.raises(cardtoken.CardTokenError):
        cardtoken.verify(garbage, KEY.public_key(), today=TODAY)


def test_key_loading_forms():
    seed = bytes(range(32))
    assert cardtoken.key_id(cardtoken.load_private_key(seed.hex()).public_key()) == cardtoken.key_id(KEY.public_key())
    import base64

    assert cardtoken.key_id(cardtoken.load_private_key(base64.b64encode(seed).decode()).public_key()) == cardtoken.key_id(KEY.public_key())
    from cryptography.hazmat.primitives import serialization

    pem = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    assert cardtoken.key_id(cardtoken.load_private_key(pem).public_key()) == cardtoken.key_id(KEY.public_key())
