"""Django validators wrapping the pure identifier checks, so forms, serializers, imports and services
report the same field, code and message."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from . import identifiers


def _wrap(check, value):
    try:
        return check(value)
    except identifiers.IdentifierError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def validate_id_number(value: str) -> str:
    return _wrap(identifiers.validate_id_number, value)


def validate_credit_code(value: str) -> str:
    return _wrap(identifiers.validate_credit_code, value)


def validate_mobile(value: str) -> str:
    return _wrap(identifiers.validate_mobile, value)
