"""Demo data of the services app for the local demo (``manage.py seed_services --demo``), on top of the registry's
``seed_demo`` accounts: a few 区域通办 applications of the demo ``expert`` user in different states, and talent cards
for verified demo high-level talent. Idempotent (demo applications carry ``form_data["demo"]``)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from registry.models import HighLevelTalent, User

from . import services
from .models import Application, ServiceItem, TalentCard

STAFF_GROUP = "区域工作人员"  # registry.demo.STAFF_GROUP
STAFF_CHANGE = ("application", "regionalcontact", "holidayoverride", "talentcard", "recognition")
PDF = b"%PDF-1.4\n% demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def grant_staff_permissions() -> bool:
    """Region staff (the registry's staff group) view every services model and work on applications, contacts,
    holidays, cards and recognitions; the standard itself (publish_standard) is not granted."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=STAFF_GROUP).first()
    if group is None:
        return False
    perms = Permission.objects.filter(content_type__app_label="services")
    group.permissions.add(*[p for p in perms if p.codename.startswith("view_") or
                            (p.codename.split("_", 1)[1] in STAFF_CHANGE and p.codename.split("_", 1)[0] in ("add", "change"))])
    return True


def _files(version):
    return {m["key"]: SimpleUploadedFile(f"{m['key']}.pdf", PDF) for m in version.materials if m["mandatory"] and "pdf" in m["formats"]}


@transaction.atomic
def seed(*, stdout=None) -> dict[str, int]:
    made = {"applications": 0, "cards": 0}
    users = {u.username: u for u in User.objects.filter(username__in=["expert", "staff_bj", "staff_tj", "staff_he"])}
    if len(users) == 4 and not Application.objects.filter(form_data__demo=True).exists():
        applicant, bj, tj, he = users["expert"], users["staff_bj"], users["staff_tj"], users["staff_he"]
        staff = {"11": bj, "12": tj, "13": he}
        plan = [  # item, 受理地, 办理地, steps
            ("JJJ-ZC-001", "13", "11", ["accept", "start", "complete", "rate"]),
            ("JJJ-YL-001", "11", "13", ["accept", "start", "complete"]),
            ("JJJ-SB-001", "13", "12", ["accept", "correction"]),
            ("JJJ-ZF-001", "13", "13", ["accept", "start"]),
            ("JJJ-JY-001", "12", "11", []),
            ("JJJ-CR-001", "11", "11", ["not_accept"]),
        ]
        today = timezone.localdate()
        for code, accept_region, handle_region, steps in plan:
            item = ServiceItem.objects.filter(code=code).first()
            if item is None or item.current_version is None:
                continue
            app = services.application_submit(actor=applicant, item=item, accept_region=accept_region, handle_region=handle_region,
                                              files=_files(item.current_version), form_data={"demo": True})
            for step in steps:
                if step == "accept":
                    services.application_accept(actor=staff[accept_region], application=app, today=today - dt.timedelta(days=10))
                elif step == "not_accept":
                    services.application_not_accept(actor=staff[accept_region], application=app, reason="该事项须由用人单位统一申报（演示）")
                elif step == "start":
                    services.application_start_processing(actor=staff[handle_region], application=app)
                elif step == "complete":
                    services.application_complete(actor=staff[handle_region], application=app, result_file=SimpleUploadedFile("result.pdf", PDF))
                elif step == "correction":
                    first = app.version.materials[0]
                    services.application_request_correction(actor=staff[handle_region], application=app,
                                                            items=[{"key": first["key"], "reason": "扫描件不清晰（演示）"}])
                elif step == "rate":
                    services.application_rate(actor=applicant, application=app, score=5, comment="异地受理，不用跑腿（演示）")
            made["applications"] += 1
    staff_by_region = {u.region: u for u in User.objects.filter(is_staff=True, region__in=["11", "12", "13"], username__startswith="staff_")}
    if TalentCard.objects.filter(talent__source_partner="demo").exists():
        return made
    for talent in HighLevelTalent.objects.filter(status="verified", source_partner="demo").order_by("pk")[:10]:
        actor = staff_by_region.get(talent.region)
        if actor is None:
            continue
        services.talent_card_issue(actor=actor, talent=talent)
        made["cards"] += 1
    return made
