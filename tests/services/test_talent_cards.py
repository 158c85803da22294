"""京津冀人才卡: issue, renew, suspend, revoke; offline and online verification."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services import cardkeys, cardnumber, cardtoken, selectors, services
from services.models import TalentCard

D = dt.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def card(talent, staff_bj, seeded):
    return services.talent_card_issue(actor=staff_bj, talent=talent, today=TODAY)


def test_issue(card, talent):
    assert cardnumber.validate(card.number) == card.number and card.number.startswith("JJJ112026")
    assert (card.tier, card.region, card.status) == ("A", "11", "active")
    assert (card.valid_from, card.valid_until) == (TODAY, D(2029, 11, 22))
    assert sorted(card.entitled_services.values_list("code", flat=True)) == sorted(services.DEFAULT_CARD_SERVICES)
    assert list(card.events.values_list("action", flat=True)) == ["issue"]


def test_issue_rules(talent, staff_bj, staff_he, factory, seeded):
    with pytest.raises(PermissionDenied):
        services.talent_card_issue(actor=staff_he, talent=talent)  # a Beijing talent: Beijing staff issue
    with pytest.raises(ValidationError) as exc:
        services.talent_card_issue(actor=staff_bj, talent=talent, services=["NOPE"])
    assert exc.value.error_dict["services"][0].code == "unknown_code"
    services.talent_card_issue(actor=staff_bj, talent=talent)
    with pytest.raises(ValidationError) as exc:
        services.talent_card_issue(actor=staff_bj, talent=talent)
    assert exc.value.error_dict["talent"][0].code == "card_exists"


def test_unverified_talent_gets_no_card(staff_bj, factory):
    from registry import services as registry_services
    from tests.support.factory import id_number, mobile

    pending = registry_services.talent_register(actor=staff_bj, name="赵青年", id_number=id_number(902), mobile=mobile(902), tier="D",
                                                programme="青年拔尖人才", recognised_on=D(2025, 1, 1), home_division="110105")
    with pytest.raises(ValidationError) as exc:
        services.talent_card_issue(actor=staff_bj, talent=pending)
    assert exc.value.error_dict["talent"][0].code == "talent_unverified"


def test_serials_increase_per_region_and_year(staff_bj, factory, seeded):
    from registry import services as registry_services
    from tests.support.factory import id_number, mobile

    numbers = []
    for n in (903, 904):
        t = registry_services.talent_register(actor=staff_bj, name=f"人才{n}", id_number=id_number(n), mobile=mobile(n), tier="B",
                                              programme="领军人才", recognised_on=D(2024, 1, 1), home_division="110108", status="verified")
        numbers.append(services.talent_card_issue(actor=staff_bj, talent=t, today=TODAY).number)
    assert [n[:15] for n in numbers] == ["JJJ112026000001", "JJJ112026000002"]


def test_offline_verification_with_the_published_key(card, client):
    token = selectors.talent_card_token(card)
    response = client.get("/services/talent-card/public-key.pem")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-pem-file")
    public_key = cardtoken.load_public_key(response.content)
    claims = cardtoken.verify(token, public_key, today=TODAY)
    assert (claims.number, claims.tier, claims.valid_until) == (card.number, "A", card.valid_until)
    # no personal data in what a partner sees
    payload = cardtoken._b64d(token.split(".")[1]).decode()
    assert card.talent.person.name not in payload and "110" not in json.loads(payload).get("t", "")
    svg = selectors.talent_card_qr_svg(card)
    assert svg.lstrip().startswith("<svg")


def test_online_check(card, staff_bj):
    token = selectors.talent_card_token(card)
    ok = selectors.talent_card_check(token, today=TODAY)
    assert ok.valid and ok.code == "ok" and ok.number == card.number
    assert selectors.talent_card_check(card.number, today=TODAY).valid  # a bare number works too
    services.talent_card_suspend(actor=staff_bj, card=card, reason="核查中")
    assert selectors.talent_card_check(token, today=TODAY).code == "card_suspended"
    services.talent_card_reinstate(actor=staff_bj, card=card)
    assert selectors.talent_card_check(token, today=TODAY).valid
    services.talent_card_revoke(actor=staff_bj, card=card, reason="认定资格被撤销")
    revoked = selectors.talent_card_check(token, today=TODAY)
    assert not revoked.valid and revoked.code == "card_revoked"
    # offline verification cannot know: the signature is still good (documented limitation)
    assert cardtoken.verify(token, cardkeys.public_key(), today=TODAY)


def test_tampered_token_fails_online_too(card):
    token = selectors.talent_card_token(card)
    prefix, body, sig = token.split(".")
    payload = json.loads(cardtoken._b64d(body))
    payload["u"] = "2099-12-31"
    forged = ".".join([prefix, cardtoken._b64e(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()), sig])
    result = selectors.talent_card_check(forged, today=TODAY)
    assert not result.valid and result.code == "token_signature" and result.number == ""
    assert selectors.talent_card_check(card.number[:-1] + ("0" if card.number[-1] != "0" else "1"), today=TODAY).code == "card_check"
    assert selectors.talent_card_check("JJJ112026999999" + cardnumber.check_char("JJJ112026999999"), today=TODAY).code == "unknown_card"


def test_expiry_and_renewal(card, staff_bj, staff_he):
    after = card.valid_until + dt.timedelta(days=1)
    assert selectors.talent_card_check(card.number, today=after).code == "card_expired"
    assert list(selectors.talent_cards_expiring(within_days=30, today=card.valid_until - dt.timedelta(days=10))) == [card]
    assert services.talent_cards_expire(today=after) == 1
    card.refresh_from_db()
    assert card.status == "expired"
    with pytest.raises(PermissionDenied):
        services.talent_card_renew(actor=staff_he, card=card, today=after)
    card = services.talent_card_renew(actor=staff_bj, card=card, years=2, today=after)
    assert card.status == "active" and card.valid_from == after and card.valid_until == D(2031, 11, 22)
    assert selectors.talent_card_check(selectors.talent_card_token(card), today=after).valid
    assert list(card.events.values_list("action", flat=True)) == ["issue", "expire", "renew"]


def test_illegal_card_transitions(card, staff_bj):
    with pytest.raises(ValidationError):
        services.talent_card_reinstate(actor=staff_bj, card=card)  # not suspended
    with pytest.raises(ValidationError) as exc:
        services.talent_card_suspend(actor=staff_bj, card=card, reason="")
    assert exc.value.error_dict["reason"][0].code == "required"
    services.talent_card_revoke(actor=staff_bj, card=card, reason="本人申请注销")
    for fn in (services.talent_card_renew, services.talent_card_reinstate):
        with pytest.raises(ValidationError):
            fn(actor=staff_bj, card=card)
    with pytest.raises(ValidationError):
        services.talent_card_suspend(actor=staff_bj, card=card, reason="x")
    # after revocation a new card may be issued
    new = services.talent_card_issue(actor=staff_bj, talent=card.talent, today=TODAY)
    assert new.number != card.number and TalentCard.objects.filter(talent=card.talent).count() == 2


def test_daily_task_expires_and_warns(card):
    from services import tasks
    from services.signals import talent_card_expiring

    seen = []
    talent_card_expiring.connect(lambda sender, card, days_left, **kw: seen.append(days_left), weak=False, dispatch_uid="t")
    try:
        TalentCard.objects.filter(pk=card.pk).update(valid_until=dt.date.today() + dt.timedelta(days=7))
        assert tasks.talent_cards_daily() == {"expired": 0, "warned": 1}
        assert seen == [7]
    finally:
        talent_card_expiring.disconnect(dispatch_uid="t")
