"""Personal fields in API answers: masked unless the caller's scope allows them; every unmasked read is
logged through ``registry.services.personal_data_reveal`` (who, whose, which fields, when, which request)."""

from __future__ import annotations

from registry import services

from .auth import Caller


def person_fields(caller: Caller, person, *, purpose: str) -> dict:
    if person is None:
        return {"id_number": "", "mobile": "", "email": "", "masked": True}
    if caller.has("personal:read"):
        values = services.personal_data_reveal(actor=caller.actor, person=person, purpose=purpose, partner=caller.partner)
        return {"id_number": values.get("id_number", ""), "mobile": values.get("mobile", ""), "email": values.get("email", ""), "masked": False}
    return {"id_number": person.masked_id_number, "mobile": person.masked_mobile, "email": person.masked_email, "masked": True}
