"""Model fields for the registry: encrypted personal data and sets of sharing modes stored as a bitmask."""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Lookup

from . import crypto, domain


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees the clear value. Not searchable: use the keyed hash column."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)


class ModeSetField(models.PositiveIntegerField):
    """A set of sharing-mode codes (registry.domain.SHARING_MODES) stored as one integer bitmask.

    Python value: a sorted list of codes. Query: ``.filter(sharing_modes__overlaps=["remote", "consulting"])``.
    """

    description = "set of sharing modes"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return domain.mask_to_modes(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, int):
            return domain.mask_to_modes(value)
        if isinstance(value, (set, tuple, frozenset)):
            return [c for c in domain.SHARING_MODE_CODES if c in value]
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, int):
            return value
        return domain.modes_to_mask(value)

    def validate(self, value, model_instance):
        unknown = [c for c in (value or []) if c not in domain.SHARING_MODE_BIT]
        if unknown:
            from django.core.exceptions import ValidationError

            raise ValidationError("未知的合作方式：%(codes)s", code="invalid_mode", params={"codes": ", ".join(unknown)})
        # skip PositiveIntegerField's validators, which would compare a list with integers
        if not self.blank and not value:
            from django.core.exceptions import ValidationError

            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        return None

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj) or [])

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": [(code, zh) for code, zh, _ in domain.SHARING_MODES],
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
        }
        defaults.update(kwargs)
        defaults.pop("coerce", None)
        defaults.pop("empty_value", None)
        defaults.pop("max_value", None)
        defaults.pop("min_value", None)
        defaults.pop("step_size", None)
        return forms.MultipleChoiceField(**{k: v for k, v in defaults.items() if k != "form_class"})


@ModeSetField.register_lookup
class ModesOverlap(Lookup):
    """``field__overlaps=[codes]``: at least one mode in common (bitwise AND ≠ 0)."""

    lookup_name = "overlaps"

    def get_prep_lookup(self):
        value = self.rhs
        return value if isinstance(value, int) else domain.modes_to_mask(value)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) <> 0", [*lhs_params, *rhs_params]


@ModeSetField.register_lookup
class ModesContainsAll(Lookup):
    """``field__has_all=[codes]``: every given mode is in the set."""

    lookup_name = "has_all"

    def get_prep_lookup(self):
        value = self.rhs
        return value if isinstance(value, int) else domain.modes_to_mask(value)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) = {rhs}", [*lhs_params, *rhs_params, *rhs_params]
