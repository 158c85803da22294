"""区域通办 applications: submission checks, every allowed and forbidden transition, who may act, the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from services import selectors, services, workflow
from services.models import Application, ApplicationMaterial, HolidayOverride

from .conftest import JPG, PDF, PNG, pdf, upload

D = dt.date


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


# --- submission ------------------------------------------------------------------------------------


def test_submit_cross_region_keeps_version_and_history(submit, applicant):
    app = submit()
    assert app.status == workflow.SUBMITTED
    assert (app.accept_region, app.handle_region) == ("13", "11") and app.is_cross_region
    assert app.number.startswith("TB") and app.number.endswith(f"13{app.pk:08d}")
    assert app.version.number == 1 and app.version.is_published
    assert sorted(app.materials.values_list("key", flat=True)) == ["certificate", "form", "id_card"]
    assert list(app.events.values_list("action", "to_status")) == [("submit", "submitted")]


def test_missing_mandatory_materials_refused_with_the_full_list(submit):
    with pytest.raises(ValidationError) as exc:
        submit(files={"id_card": pdf(), "employment": pdf()})
    assert codes(exc.value, "materials") == ["missing_materials"]
    message = exc.value.error_dict["materials"][0].message
    assert "申请表" in message and "职称证书" in message and "居民身份证" not in message and "在职证明" not in message
    assert Application.objects.count() == 0 and ApplicationMaterial.objects.count() == 0


def test_wrong_type_and_disguised_content_refused(submit, full_files):
    files = full_files()
    files["form"] = upload("申请表.png", PNG)  # the form must be PDF
    files["certificate"] = upload("证书.pdf", b"MZ\x90\x00 this is an exe")  # renamed executable
    with pytest.raises(ValidationError) as exc:
        submit(files=files)
    assert codes(exc.value, "materials.form") == ["file_type"]
    assert codes(exc.value, "materials.certificate") == ["file_content"]
    assert "materials" not in exc.value.error_dict  # a bad file is reported as bad, not also as missing
    assert Application.objects.count() == 0


def test_jpg_accepted_where_the_standard_allows_it(submit, full_files):
    files = full_files()
    files["certificate"] = upload("证书.jpg", JPG)
    assert submit(files=files).materials.get(key="certificate").format == "jpg"


@override_settings(SERVICES_MATERIAL_MAX_BYTES=1024)
def test_size_limit(submit, full_files):
    files = full_files()
    files["id_card"] = upload("身份证.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError) as exc:
        submit(files=files)
    assert codes(exc.value, "materials.id_card") == ["file_too_large"]


def test_unknown_material_key_and_regions_refused(submit, full_files):
    files = full_files()
    files["passport"] = pdf()
    with pytest.raises(ValidationError) as exc:
        submit(files=files, accept_region="14", handle_region="00")
    assert codes(exc.value, "materials.passport") == ["unknown_material"]
    assert codes(exc.value, "accept_region") == ["unknown_region"] and codes(exc.value, "handle_region") == ["unknown_region"]


def test_mail_delivery_needs_an_address_and_keeps_it_encrypted(submit):
    with pytest.raises(ValidationError) as exc:
        submit(delivery="mail", mail_phone="123")
    assert set(exc.value.error_dict) == {"mail_recipient", "mail_address", "mail_phone"}
    app = submit(delivery="mail", mail_recipient="王芳", mail_phone="13912345678", mail_address="河北省保定市竞秀区朝阳北大街1号")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT mail_address FROM services_application WHERE id = %s", [app.pk])
        assert "保定" not in cur.fetchone()[0]
    assert Application.objects.get(pk=app.pk).mail_address.startswith("河北省保定市")


def test_anonymous_cannot_submit(item, full_files):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.application_submit(actor=AnonymousUser(), item=item, accept_region="11", handle_region="11", files=full_files())


# --- every transition ------------------------------------------------------------------------------

ACCEPT_STAFF, HANDLE_STAFF = "he", "bj"  # submitted in Hebei, handled by Beijing


def perform(action, app, *, actors, today=D(2026, 3, 2)):
    """Take ``action`` with the right actor and valid arguments."""
    side = workflow.actor_side(action, app.status) if action in workflow.ACTIONS else "applicant"
    actor = {"accept": actors["he"], "handle": actors["bj"], "applicant": actors["applicant"]}[side]
    if action == "accept":
        return services.application_accept(actor=actor, application=app, today=today)
    if action == "not_accept":
        return services.application_not_accept(actor=actor, application=app, reason="不属于本事项受理范围")
    if action == "request_correction":
        return services.application_request_correction(actor=actor, application=app, items=[{"key": "certificate", "reason": "不清晰"}], today=today)
    if action == "supplement":
        return services.application_supplement(actor=actor, application=app, files={"certificate": pdf("证书.pdf")}, today=today)
    if action == "start_processing":
        return services.application_start_processing(actor=actor, application=app)
    if action == "complete":
        return services.application_complete(actor=actor, application=app, result_file=pdf("结果.pdf"), today=today)
    if action == "refuse":
        return services.application_refuse(actor=actor, application=app, reason="不符合办理条件", today=today)
    if action == "withdraw":
        return services.application_withdraw(actor=actor, application=app)
    raise AssertionError(action)


PATHS = {
    workflow.SUBMITTED: [],
    workflow.NOT_ACCEPTED: ["not_accept"],
    workflow.CORRECTION: ["request_correction"],
    workflow.ACCEPTED: ["accept"],
    workflow.PROCESSING: ["accept", "start_processing"],
    workflow.COMPLETED: ["accept", "start_processing", "complete"],
    workflow.REFUSED: ["accept", "start_processing", "refuse"],
    workflow.WITHDRAWN: ["withdraw"],
}


@pytest.fixture
def actors(applicant, staff_bj, staff_he):
    return {"applicant": applicant, "bj": staff_bj, "he": staff_he}


@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_every_transition(state, action, submit, actors):
    app = submit()
    for step in PATHS[state]:
        perform(step, app, actors=actors)
        app.refresh_from_db()
    assert app.status == state
    allowed = state in workflow.ACTIONS[action][0]
    if allowed:
        perform(action, app, actors=actors)
        app.refresh_from_db()
        expected = workflow.ACTIONS[action][1] or workflow.SUBMITTED  # supplement from a pre-acceptance 补正 → submitted
        assert app.status == expected
        assert app.events.last().action == action
    else:
        events = app.events.count()
        with pytest.raises(ValidationError) as exc:
            perform(action, app, actors=actors)
        assert codes(exc.value, "status") == ["illegal_transition"]
        assert "不能执行" in exc.value.error_dict["status"][0].message
        app.refresh_from_db()
        assert app.status == state and app.events.count() == events


# --- who may act -----------------------------------------------------------------------------------


def test_hebei_staff_cannot_process_an_application_handled_by_beijing(submit, staff_he, staff_bj, staff_tj):
    app = submit(accept_region="13", handle_region="11")
    services.application_accept(actor=staff_he, application=app)  # Hebei is the 受理地: it accepts
    with pytest.raises(PermissionDenied, match="办理地（北京）"):
        services.application_start_processing(actor=staff_he, application=app)
    with pytest.raises(PermissionDenied):
        services.application_start_processing(actor=staff_tj, application=app)
    services.application_start_processing(actor=staff_bj, application=app)
    with pytest.raises(PermissionDenied):
        services.application_complete(actor=staff_he, application=app, result_file=pdf())
    with pytest.raises(PermissionDenied):
        services.application_refuse(actor=staff_he, application=app, reason="x")
    app.refresh_from_db()
    assert app.status == workflow.PROCESSING


def test_only_the_accepting_region_accepts(submit, staff_bj, staff_he, applicant, make_user):
    app = submit(accept_region="13", handle_region="11")
    for actor in (staff_bj, applicant, make_user(region="13", staff=False)):  # 办理地 staff, the applicant, a non-staff user of Hebei
        with pytest.raises(PermissionDenied):
            services.application_accept(actor=actor, application=app)
        with pytest.raises(PermissionDenied):
            services.application_not_accept(actor=actor, application=app, reason="x")
    superuser = make_user(superuser=True)
    assert services.application_accept(actor=superuser, application=app).status == workflow.ACCEPTED


def test_correction_is_asked_by_whoever_holds_the_file(submit, staff_bj, staff_he):
    before = submit()
    with pytest.raises(PermissionDenied):  # before acceptance: the 受理地
        services.application_request_correction(actor=staff_bj, application=before, items=[{"key": "form"}])
    after = submit()
    services.application_accept(actor=staff_he, application=after)
    with pytest.raises(PermissionDenied):  # after acceptance: the 办理地
        services.application_request_correction(actor=staff_he, application=after, items=[{"key": "form"}])
    services.application_request_correction(actor=staff_bj, application=after, items=[{"key": "form"}])


def test_applicant_only_steps(submit, staff_he, make_user):
    app = submit()
    other = make_user()
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=other, application=app)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=staff_he, application=app)


def test_reasons_are_required(submit, staff_he, staff_bj):
    app = submit()
    with pytest.raises(ValidationError) as exc:
        services.application_not_accept(actor=staff_he, application=app, reason="  ")
    assert codes(exc.value, "reason") == ["required"]
    services.application_accept(actor=staff_he, application=app)
    services.application_start_processing(actor=staff_bj, application=app)
    with pytest.raises(ValidationError):
        services.application_refuse(actor=staff_bj, application=app, reason="")
    with pytest.raises(ValidationError) as exc:
        services.application_complete(actor=staff_bj, application=app)  # download delivery needs the result file
    assert codes(exc.value, "result_file") == ["required"]
    with pytest.raises(ValidationError) as exc:
        services.application_complete(actor=staff_bj, application=app, result_file=upload("结果.pdf", b"not a pdf"))
    assert codes(exc.value, "result_file") == ["file_content"]


def test_mail_delivery_completion_needs_a_tracking_number(submit, staff_he, staff_bj):
    app = submit(delivery="mail", mail_recipient="王芳", mail_phone="13912345678", mail_address="河北省保定市竞秀区1号")
    services.application_accept(actor=staff_he, application=app)
    services.application_start_processing(actor=staff_bj, application=app)
    with pytest.raises(ValidationError):
        services.application_complete(actor=staff_bj, application=app)
    app = services.application_complete(actor=staff_bj, application=app, mail_tracking_number="SF1234567890")
    assert app.status == workflow.COMPLETED and app.mail_tracking_number == "SF1234567890"


# --- 补正 -------------------------------------------------------------------------------------------


def test_correction_is_one_time_and_lists_everything(submit, staff_he, staff_bj, applicant):
    app = submit()
    services.application_accept(actor=staff_he, application=app, today=D(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.application_request_correction(actor=staff_bj, application=app, items=[{"key": "nope"}])
    assert codes(exc.value, "items") == ["unknown_material"]
    notice = services.application_request_correction(actor=staff_bj, application=app, items=[
        {"key": "certificate", "reason": "证书页不清晰"}, {"key": "employment", "reason": "需在职证明"}], today=D(2026, 3, 4))
    assert [i["name"] for i in notice.items] == ["职称证书", "在职证明"]
    # supplementing only part of the list is refused with what is still missing
    with pytest.raises(ValidationError) as exc:
        services.application_supplement(actor=applicant, application=app, files={"certificate": pdf()}, today=D(2026, 3, 9))
    assert "在职证明" in exc.value.error_dict["materials"][0].message
    # a file not on the notice is refused
    with pytest.raises(ValidationError) as exc:
        services.application_supplement(actor=applicant, application=app, files={"certificate": pdf(), "employment": pdf(), "form": pdf()})
    assert codes(exc.value, "materials.form") == ["not_requested"]
    services.application_supplement(actor=applicant, application=app, files={"certificate": pdf(), "employment": pdf()}, today=D(2026, 3, 9))
    app.refresh_from_db()
    assert app.status == workflow.ACCEPTED
    assert app.materials.filter(supplement=True).count() == 2
    # one-time: a second notice is refused even though the state would allow it
    with pytest.raises(ValidationError) as exc:
        services.application_request_correction(actor=staff_bj, application=app, items=[{"key": "form"}])
    assert codes(exc.value, "items") == ["correction_once"]


def test_clock_pauses_during_correction(submit, staff_he, staff_bj, applicant):
    app = submit()
    # accepted Friday 6 Mar 2026 with a 10-working-day limit: due Friday 20 Mar
    app = services.application_accept(actor=staff_he, application=app, today=D(2026, 3, 6))
    assert app.due_on == D(2026, 3, 20) and not app.due_provisional
    # 补正 on Wed 11 Mar: 3 working days used (9, 10, 11), 7 left (12, 13, 16, 17, 18, 19, 20)
    services.application_request_correction(actor=staff_bj, application=app, items=[{"key": "certificate"}], today=D(2026, 3, 11))
    app.refresh_from_db()
    assert app.remaining_workdays == 7 and app.paused_on == D(2026, 3, 11)
    assert selectors.application_deadline(app, today=D(2026, 3, 30)).state == "paused"
    assert not selectors.applications_overdue(today=D(2026, 3, 30)).filter(pk=app.pk).exists()
    # supplemented Mon 23 Mar: paused 8 working days (12, 13, 16–20, 23); due = 7 working days after 23 Mar = Wed 1 Apr
    services.application_supplement(actor=applicant, application=app, files={"certificate": pdf()}, today=D(2026, 3, 23))
    app.refresh_from_db()
    assert app.due_on == D(2026, 4, 1) and app.paused_workdays == 8
    services.application_start_processing(actor=staff_bj, application=app)
    app = services.application_complete(actor=staff_bj, application=app, result_file=pdf(), today=D(2026, 4, 1))
    # handling time excludes the pause: count(6 Mar → 1 Apr) = 18, minus 8 = 10 = the time limit, on time
    assert app.handling_workdays == 10 and app.completed_on <= app.due_on


def test_correction_before_acceptance_does_not_start_the_clock(submit, staff_he, applicant):
    app = submit()
    services.application_request_correction(actor=staff_he, application=app, items=[{"key": "form"}])
    services.application_supplement(actor=applicant, application=app, files={"form": pdf()})
    app.refresh_from_db()
    assert app.status == workflow.SUBMITTED and app.due_on is None and app.paused_workdays == 0


# --- due states ------------------------------------------------------------------------------------


def test_due_soon_and_overdue_across_spring_festival(submit, staff_he):
    app = submit()
    # accepted Mon 2 Feb 2026, 10 working days: 3,4,5,6,9,10,11,12,13,14(Sat, adjusted) → due Sat 14 Feb
    app = services.application_accept(actor=staff_he, application=app, today=D(2026, 2, 2))
    assert app.due_on == D(2026, 2, 14)
    assert selectors.application_deadline(app, today=D(2026, 2, 12)).state == "ok"
    assert selectors.application_deadline(app, today=D(2026, 2, 13)).state == "due_soon"
    assert list(selectors.applications_due_soon(today=D(2026, 2, 13))) == [app]
    assert selectors.application_deadline(app, today=D(2026, 2, 14)).state == "due_today"
    assert selectors.application_deadline(app, today=D(2026, 2, 15)).state == "overdue"
    assert list(selectors.applications_overdue(today=D(2026, 2, 15))) == [app]
    assert not selectors.applications_overdue(today=D(2026, 2, 14)).exists()


def test_due_date_in_an_unannounced_year_is_provisional_then_definitive(submit, staff_he, staff_bj):
    app = submit()
    # accepted Fri 26 Dec 2031, 10 working days; nobody has entered 2031/2032 → weekends only, provisional
    app = services.application_accept(actor=staff_he, application=app, today=D(2031, 12, 26))
    assert app.due_on == D(2032, 1, 9) and app.due_provisional
    deadline = selectors.application_deadline(app, today=D(2032, 1, 2))
    assert deadline.provisional and deadline.state == "ok"
    # staff enter 2032's 元旦 (Thu 1 Jan) and it becomes definitive for new acceptances
    services.holiday_override_set(actor=staff_bj, date=D(2032, 1, 1), is_workday=False, name="元旦")
    services.holiday_override_set(actor=staff_bj, date=D(2031, 12, 27), is_workday=True, name="元旦调休")  # Saturday worked
    other = services.application_accept(actor=staff_he, application=submit(), today=D(2031, 12, 26))
    assert other.due_provisional is False
    assert HolidayOverride.objects.count() == 2
    # 27 (Sat, worked), 29, 30, 31 Dec, [1 Jan off], 2, 5, 6, 7, 8, 9 → the 10th working day is Fri 9 Jan 2032
    assert other.due_on == D(2032, 1, 9)


def test_holiday_override_is_for_staff(applicant):
    with pytest.raises(PermissionDenied):
        services.holiday_override_set(actor=applicant, date=D(2032, 1, 1), is_workday=False)


# --- 好差评 -----------------------------------------------------------------------------------------


def test_rating_once_after_completion_by_the_applicant(submit, staff_he, staff_bj, applicant, make_user):
    app = submit()
    with pytest.raises(ValidationError) as exc:
        services.application_rate(actor=applicant, application=app, score=5)
    assert codes(exc.value, "application") == ["not_completed"]
    services.application_accept(actor=staff_he, application=app)
    services.application_start_processing(actor=staff_bj, application=app)
    services.application_complete(actor=staff_bj, application=app, result_file=pdf())
    with pytest.raises(PermissionDenied):
        services.application_rate(actor=make_user(), application=app, score=5)
    for bad in (0, 6, "5", True):
        with pytest.raises(ValidationError):
            services.application_rate(actor=applicant, application=app, score=bad)
    rating = services.application_rate(actor=applicant, application=app, score=4, comment="异地办理很方便")
    assert rating.score == 4
    with pytest.raises(ValidationError) as exc:
        services.application_rate(actor=applicant, application=app, score=1)
    assert codes(exc.value, "application") == ["already_rated"]


# --- signals ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_status_change_signal_after_commit(reference, submit, staff_he, staff_bj):
    from services.signals import application_status_changed

    received = []

    def listener(sender, application, action, from_status, to_status, actor, missing, **kw):
        received.append((action, from_status, to_status, actor, missing))

    application_status_changed.connect(listener)
    try:
        app = submit()
        services.application_accept(actor=staff_he, application=app)
        with pytest.raises(ValidationError):
            services.application_accept(actor=staff_he, application=app)  # refused: no signal
        with pytest.raises(PermissionDenied):
            services.application_request_correction(actor=staff_he, application=app, items=[{"key": "form"}])  # 办理地's step
        services.application_request_correction(actor=staff_bj, application=app, items=[{"key": "form"}, {"key": "certificate"}])
    finally:
        application_status_changed.disconnect(listener)
    assert [(a, f, t) for a, f, t, _, _ in received] == [
        ("submit", "", "submitted"), ("accept", "submitted", "accepted"), ("request_correction", "accepted", "correction")]
    assert received[1][3] == staff_he
    assert received[2][4] == ["申请表", "职称证书"] and received[1][4] == []


def test_staff_lists_are_region_scoped(submit, staff_bj, staff_he, staff_tj):
    app = submit(accept_region="13", handle_region="11")
    assert list(selectors.applications_for_staff(staff_he, side="accept")) == [app]
    assert not selectors.applications_for_staff(staff_he, side="handle").exists()
    assert list(selectors.applications_for_staff(staff_bj, side="handle")) == [app]
    assert not selectors.applications_for_staff(staff_tj).exists()


def test_deadline_alerts_name_the_handler(submit, staff_he, staff_bj):
    app = submit()
    services.application_accept(actor=staff_he, application=app, today=D(2026, 2, 2))
    (row,) = selectors.application_deadline_alerts(today=D(2026, 2, 13))
    assert (row["application_id"], row["handler"], row["due"], row["overdue"]) == (app.pk, staff_he, D(2026, 2, 14), False)
    services.application_start_processing(actor=staff_bj, application=app)
    (row,) = selectors.application_deadline_alerts(today=D(2026, 2, 24))
    assert row["handler"] == staff_bj and row["overdue"] is True and row["item_name"] == "职称资格互认"
    assert selectors.application_deadline_alerts(today=D(2026, 2, 10)) == []


def test_visibility(submit, applicant, staff_bj, staff_he, staff_tj, make_user):
    app = submit(accept_region="13", handle_region="11")
    for user in (applicant, staff_bj, staff_he):
        assert selectors.application_visible_to(user, app)
    for user in (staff_tj, make_user(), make_user(region="11")):  # other region's staff, another applicant, a non-staff user with a region
        assert not selectors.application_visible_to(user, app)
