from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from services import selectors, services

from .conftest import pdf

D = dt.date


def apply(actor, **kw):
    data = dict(kind="title_certificate", origin_region="11", target_region="13", qualification_name="高级工程师",
                certificate_number="京高评2019-0123", issuing_authority="北京市人力资源和社会保障局", obtained_on=D(2019, 12, 1),
                title_series="engineering", title_level="associate_senior")
    data.update(kw)
    return services.recognition_apply(actor=actor, **data)


def test_title_recognition_decided_by_the_target_region(applicant, staff_bj, staff_he):
    rec = apply(applicant)
    assert rec.status == "submitted" and rec.region == "13"
    with pytest.raises(PermissionDenied):
        services.recognition_decide(actor=staff_bj, recognition=rec, recognise=True)
    with pytest.raises(ValidationError) as exc:
        services.recognition_decide(actor=staff_he, recognition=rec, recognise=False)
    assert exc.value.error_dict["note"][0].code == "required"
    rec = services.recognition_decide(actor=staff_he, recognition=rec, recognise=True, note="证书真实有效，予以认可", decision_number="冀人社认〔2026〕12号")
    assert (rec.status, rec.decided_by, rec.decision_number) == ("recognised", staff_he, "冀人社认〔2026〕12号") and rec.decided_at
    with pytest.raises(ValidationError):
        services.recognition_decide(actor=staff_he, recognition=rec, recognise=False, note="改判")
    assert list(selectors.recognitions_for_staff(staff_he)) == [rec]
    assert not selectors.recognitions_for_staff(staff_bj).exists()


def test_recognition_validation(applicant):
    with pytest.raises(ValidationError) as exc:
        apply(applicant, target_region="11", title_level="none", obtained_on=D(2099, 1, 1), certificate_number="")
    assert {"target_region", "title_level", "obtained_on", "certificate_number"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError) as exc:
        apply(applicant, kind="driving_licence")
    assert "kind" in exc.value.error_dict
    # the other mutual-recognition items need no title fields
    rec = apply(applicant, kind="continuing_education", qualification_name="继续教育学时", title_series="", title_level="")
    assert rec.title_level == ""
    apply(applicant)
    with pytest.raises(ValidationError) as exc:
        apply(applicant)
    assert exc.value.error_dict["certificate_number"][0].code == "duplicate"


def _done(submit, staff_he, staff_bj, applicant, *, accept, complete, handle="11", score=None):
    app = submit(handle_region=handle)
    services.application_accept(actor=staff_he, application=app, today=accept)
    handler = staff_bj if handle == "11" else staff_he
    services.application_start_processing(actor=handler, application=app)
    services.application_complete(actor=handler, application=app, result_file=pdf(), today=complete)
    if score:
        services.application_rate(actor=applicant, application=app, score=score)
    return app


def test_report(submit, staff_he, staff_bj, applicant):
    # item limit 10 working days; accepted Mon 2 Mar 2026
    _done(submit, staff_he, staff_bj, applicant, accept=D(2026, 3, 2), complete=D(2026, 3, 6), score=5)    # 4 wd, on time
    _done(submit, staff_he, staff_bj, applicant, accept=D(2026, 3, 2), complete=D(2026, 3, 16), score=3)   # 10 wd, on time
    _done(submit, staff_he, staff_bj, applicant, accept=D(2026, 3, 2), complete=D(2026, 3, 20))            # 14 wd, late
    _done(submit, staff_he, staff_bj, applicant, accept=D(2026, 3, 2), complete=D(2026, 3, 3), handle="13", score=4)  # 1 wd
    submit()  # still open
    report = selectors.service_report()
    beijing = next(r for r in report["by_region"] if r["region"] == "11")
    assert beijing == {"region": "11", "applications": 4, "completed": 3, "median_workdays": 10, "on_time_rate": round(2 / 3, 4),
                       "satisfaction": 4.0, "ratings": 2}
    (item_row,) = report["by_item"]
    assert item_row["applications"] == 5 and item_row["median_workdays"] == 7.0 and item_row["on_time_rate"] == 0.75
    assert item_row["satisfaction"] == 4.0 and item_row["name"] == "职称资格互认"
    assert {(r["item"], r["region"]) for r in report["by_item_region"]} == {("T-ZC-001", "11"), ("T-ZC-001", "13")}
    out = io.StringIO()
    call_command("services_report", stdout=out)
    assert "T-ZC-001" in out.getvalue() and "66.7%" in out.getvalue()


def test_report_admin_page_and_excel(client, submit, staff_he, staff_bj, applicant, make_user):
    """Staff read the report in the admin (dates validated, next to the field) and download it as Excel."""
    from openpyxl import load_workbook

    _done(submit, staff_he, staff_bj, applicant, accept=D(2026, 3, 2), complete=D(2026, 3, 6), score=5)
    client.force_login(make_user(region="11", staff=True, perms=("services.view_serviceitem",)))
    url = "/admin/services/serviceitem/report/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "T-ZC-001 职称资格互认" in text and "北京" in text and "办理用时中位数（工作日）" in text
    assert url in client.get("/admin/services/serviceitem/").content.decode()  # linked from the item list

    bad = client.get(url, {"start": "2026-04-01", "end": "2026-03-01"})
    assert bad.status_code == 200 and "截止日期不能早于起始日期" in bad.content.decode() and "T-ZC-001" not in bad.content.decode()
    assert "输入一个有效的日期" in client.get(url, {"start": "2026-13-45"}).content.decode() or \
        "Enter a valid date" in client.get(url, {"start": "2026-13-45"}).content.decode()
    empty = client.get(url, {"end": "2000-01-01"}).content.decode()
    assert "所选期间没有办件" in empty

    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["按事项"].iter_rows(values_only=True))
    assert rows[0][1] == "申请数" and rows[1][0] == "T-ZC-001 职称资格互认" and rows[1][1] == 1

    client.force_login(make_user(username="plain-staff", staff=True, region="11"))  # staff without the catalogue permission
    assert client.get(url).status_code == 403
