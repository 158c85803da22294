"""Writes of the services app, one function per use case (keyword-only, atomic). Errors:
``ValidationError`` (field → Chinese messages), ``PermissionDenied`` for a step by the wrong person.

Who acts on an application (see ``services.workflow``): the 受理地 staff (``accept_region``) accept or refuse
to accept and issue a 补正 notice before acceptance; the 办理地 staff (``handle_region``) issue a 补正 notice
after acceptance, process, complete or refuse; the applicant submits, supplements, withdraws and rates.

``today`` keywords exist for imports and tests (a step entered after the fact); user-facing code never
passes them.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from registry import identifiers, permissions
from registry.choices import Status
from registry.domain import (
    MUTUAL_RECOGNITION_ITEMS,
    REGION_NAMES_ZH,
    TITLE_LEVEL_RANK,
    TITLE_SERIES,
)
from registry.models import HighLevelTalent
from registry.services import Errors

from . import cardnumber, materials, signals, standard, workflow
from .models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    CorrectionNotice,
    HolidayOverride,
    Recognition,
    RegionalContact,
    ServiceItem,
    ServiceRating,
    ServiceStandardVersion,
    TalentCard,
    TalentCardEvent,
)
from .selectors import can_act, workday_calendar

REGION_NAMES = REGION_NAMES_ZH
SERVICE_REGION_CODES = ("11", "12", "13")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _max_bytes() -> int:
    return int(getattr(settings, "SERVICES_MATERIAL_MAX_BYTES", materials.DEFAULT_MAX_BYTES))


def _invalid(field: str, message: str, code: str = "invalid"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


# --- the catalogue ---------------------------------------------------------------------------------


def _require_catalogue_editor(actor):
    if actor is None:  # system: seed_services, migrations
        return
    permissions.require(
        bool(getattr(actor, "is_authenticated", False) and actor.has_perm("services.publish_standard")),
        gettext("同事同标事项标准由京津冀三地共同确认，您没有维护事项标准的权限"),
    )


def _standard_errors(data: dict, errors: Errors):
    for field, messages in standard.validate(data).items():
        for message in messages:
            errors.add(field, message)


@transaction.atomic
def item_create(*, actor, code: str, category: str, batch: int, **standard_fields) -> ServiceStandardVersion:
    """A new item with its first standard version, as a draft (publish it with ``standard_publish``)."""
    _require_catalogue_editor(actor)
    errors = Errors()
    code = (code or "").strip()
    if not code:
        errors.add("code", "请填写事项编码", "required")
    elif ServiceItem.objects.filter(code=code).exists():
        errors.add("code", f"事项编码“{code}”已存在", "duplicate")
    if category not in {c for c, _, _ in standard.CATEGORIES}:
        errors.add("category", f"未知的事项类别：{category}", "unknown_code")
    if not isinstance(batch, int) or batch < 1:
        errors.add("batch", "发布批次应为正整数", "invalid")
    data = {f: standard_fields.get(f) for f in standard.STANDARD_FIELDS}
    data["fee"] = data["fee"] or "不收费"
    data["legal_basis"] = data["legal_basis"] or ""
    data["conditions"] = data["conditions"] or []
    _standard_errors(data, errors)
    unknown = set(standard_fields) - set(standard.STANDARD_FIELDS)
    if unknown:
        errors.add("__all__", f"未知的字段：{'、'.join(sorted(unknown))}（地区只能补充联系方式，不能另设标准）", "unknown_field")
    errors.raise_if_any()
    item = ServiceItem.objects.create(code=code, category=category, batch=batch)
    return ServiceStandardVersion.objects.create(item=item, number=1, **data)


@transaction.atomic
def standard_new_version(*, actor, item: ServiceItem, change_note: str, **changes) -> ServiceStandardVersion:
    """A draft of the next version: the newest version's standard with ``changes`` applied."""
    _require_catalogue_editor(actor)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=ServiceStandardVersion.State.DRAFT).exists():
        _invalid("item", "该事项已有未发布的草稿版本，请先修改或发布该草稿", "draft_exists")
    latest = item.versions.order_by("-number").first()
    data = latest.standard() if latest else {}
    errors = Errors()
    unknown = set(changes) - set(standard.STANDARD_FIELDS)
    if unknown:
        errors.add("__all__", f"未知的字段：{'、'.join(sorted(unknown))}", "unknown_field")
    data.update({k: v for k, v in changes.items() if k in standard.STANDARD_FIELDS})
    if not (change_note or "").strip():
        errors.add("change_note", "请说明本次变更的内容", "required")
    _standard_errors(data, errors)
    errors.raise_if_any()
    return ServiceStandardVersion.objects.create(item=item, number=(latest.number + 1) if latest else 1, change_note=change_note.strip()[:300], **data)


@transaction.atomic
def standard_update_draft(*, actor, version: ServiceStandardVersion, **changes) -> ServiceStandardVersion:
    _require_catalogue_editor(actor)
    if version.is_published:
        _invalid("status", "已发布的事项标准不能修改，请新建版本", "published_immutable")
    errors = Errors()
    unknown = set(changes) - set(standard.STANDARD_FIELDS) - {"change_note"}
    if unknown:
        errors.add("__all__", f"未知的字段：{'、'.join(sorted(unknown))}", "unknown_field")
    data = version.standard()
    data.update({k: v for k, v in changes.items() if k in standard.STANDARD_FIELDS})
    _standard_errors(data, errors)
    errors.raise_if_any()
    for k, v in changes.items():
        setattr(version, k, v)
    version.save()
    return version


@transaction.atomic
def standard_publish(*, actor, version: ServiceStandardVersion, published_on: dt.date | None = None) -> ServiceStandardVersion:
    """Publish a draft: from now on new applications are filed under it; earlier ones keep theirs."""
    _require_catalogue_editor(actor)
    version = ServiceStandardVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        _invalid("status", "该版本已经发布", "already_published")
    errors = Errors()
    _standard_errors(version.standard(), errors)
    errors.raise_if_any()
    version.status = ServiceStandardVersion.State.PUBLISHED
    version.published_on = published_on or timezone.localdate()
    version.published_by = actor if getattr(actor, "is_authenticated", False) else None
    version.save()
    return version


@transaction.atomic
def regional_contact_set(*, actor, item: ServiceItem, region: str, department: str, address: str, phone: str, hours: str) -> RegionalContact:
    """A region's local contact data for an item — the only thing a region adds to the standard."""
    if region not in SERVICE_REGION_CODES:
        _invalid("region", f"地区应为北京(11)、天津(12)或河北(13)，当前为“{region}”", "unknown_region")
    if actor is not None:
        permissions.require(permissions.is_region_staff(actor, region), f"只有{REGION_NAMES[region]}的工作人员可以维护本地区的联系方式")
    errors = Errors()
    values = {"department": department, "address": address, "phone": phone, "hours": hours}
    labels = {"department": "承办部门", "address": "办理地点", "phone": "咨询电话", "hours": "办公时间"}
    for field, value in values.items():
        if not (value or "").strip():
            errors.add(field, f"请填写{labels[field]}", "required")
    errors.raise_if_any()
    contact, _ = RegionalContact.objects.update_or_create(item=item, region=region, defaults={k: v.strip() for k, v in values.items()})
    return contact


@transaction.atomic
def holiday_override_set(*, actor, date: dt.date, is_workday: bool, name: str = "") -> HolidayOverride:
    """Enter a holiday or adjusted working day (national calendar: any region's staff)."""
    permissions.require(bool(getattr(actor, "is_authenticated", False) and actor.is_staff), gettext("仅工作人员可以维护节假日安排"))
    if not isinstance(date, dt.date):
        _invalid("date", "请填写有效的日期", "invalid")
    override, _ = HolidayOverride.objects.update_or_create(date=date, defaults={"is_workday": bool(is_workday), "name": (name or "").strip()[:50], "created_by": actor})
    return override


# --- applications ----------------------------------------------------------------------------------


def _require_side(actor, application: Application, side: str):
    if side == "applicant":
        permissions.require(getattr(actor, "pk", None) == application.applicant_id, gettext("只有申请人本人可以执行此操作"))
        return
    region = application.accept_region if side == "accept" else application.handle_region
    role = "受理地" if side == "accept" else "办理地"
    permissions.require(
        permissions.is_region_staff(actor, region),
        f"该步骤只能由{role}（{REGION_NAMES.get(region, region)}）的工作人员办理",
    )


def _check_files(version: ServiceStandardVersion, files: dict, errors: Errors, *, allowed_keys=None) -> list[tuple[str, object, materials.CheckedFile]]:
    """Each uploaded file checked against its material in the standard; returns (key, file, checked)."""
    checked = []
    max_bytes = _max_bytes()
    for key, uploads in (files or {}).items():
        if uploads is None:
            continue
        uploads = uploads if isinstance(uploads, (list, tuple)) else [uploads]
        spec = version.material(key)
        if spec is None:
            errors.add(f"materials.{key}", f"“{key}”不是该事项标准所列的材料", "unknown_material")
            continue
        if allowed_keys is not None and key not in allowed_keys:
            errors.add(f"materials.{key}", f"“{spec['name']}”不在补正告知所列材料之中", "not_requested")
            continue
        for upload in uploads:
            name = getattr(upload, "name", "") or ""
            size = getattr(upload, "size", None)
            upload.seek(0)
            head = upload.read(materials.SNIFF_BYTES)
            upload.seek(0)
            if size is None:
                size = len(upload.read())
                upload.seek(0)
            try:
                result = materials.check_file(name=name.rsplit("/", 1)[-1], size=size, head=head, formats=spec["formats"], max_bytes=max_bytes, label=spec["name"])
            except materials.MaterialError as exc:
                errors.add(f"materials.{key}", exc.message, exc.code)
                continue
            checked.append((key, upload, result))
    return checked


def _store_files(application: Application, checked, *, supplement: bool):
    for key, upload, result in checked:
        ApplicationMaterial.objects.create(application=application, key=key, file=upload, original_name=result.name[:200],
                                           format=result.format, size=result.size, supplement=supplement)


def _event(application: Application, *, action: str, from_status: str, actor, note: str = "", missing: list[str] | None = None):
    ApplicationEvent.objects.create(application=application, action=action, from_status=from_status, to_status=application.status,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    actor_region=getattr(actor, "region", "") or "", note=note)
    transaction.on_commit(lambda: signals.application_status_changed.send(
        sender=Application, application=application, action=action, from_status=from_status, to_status=application.status, actor=actor,
        missing=list(missing or [])))


@transaction.atomic
def application_submit(*, actor, item: ServiceItem, accept_region: str, handle_region: str, files: dict | None = None,
                       delivery: str = Application.Delivery.DOWNLOAD, mail_recipient: str = "", mail_phone: str = "",
                       mail_address: str = "", form_data: dict | None = None) -> Application:
    """File an application in ``accept_region`` (受理地) for ``item`` decided in ``handle_region`` (办理地) under the
    standard version in force. ``files``: material key → uploaded file (or a list of them). Missing mandatory
    materials are refused, all listed at once (field ``materials``, code ``missing_materials``)."""
    permissions.require(bool(getattr(actor, "is_authenticated", False)), gettext("请先登录再提交申请"))
    errors = Errors()
    version = item.versions.filter(status=ServiceStandardVersion.State.PUBLISHED).order_by("-number").first()
    if version is None or not item.is_active:
        _invalid("item", "该事项当前不可申请（未发布或已停办）", "item_unavailable")
    for field, region, label in (("accept_region", accept_region, "受理地"), ("handle_region", handle_region, "办理地")):
        if region not in SERVICE_REGION_CODES:
            errors.add(field, f"{label}应为北京(11)、天津(12)或河北(13)", "unknown_region")
    if delivery not in Application.Delivery.values:
        errors.add("delivery", "请选择结果送达方式：网上下载或邮寄送达", "invalid")
    if delivery == Application.Delivery.MAIL:
        if "mail" not in version.channels:
            errors.add("delivery", "该事项不提供邮寄送达", "mail_unavailable")
        if not (mail_recipient or "").strip():
            errors.add("mail_recipient", "邮寄送达须填写收件人", "required")
        if not (mail_address or "").strip():
            errors.add("mail_address", "邮寄送达须填写邮寄地址", "required")
        elif len(mail_address) > 200:
            errors.add("mail_address", "邮寄地址不超过200个字符", "max_length")
        if not (mail_phone or "").strip():
            errors.add("mail_phone", "邮寄送达须填写收件电话", "required")
        else:
            try:
                mail_phone = identifiers.validate_mobile(mail_phone)
            except identifiers.IdentifierError as exc:
                errors.add("mail_phone", exc.message, exc.code)
    checked = _check_files(version, files or {}, errors)
    provided = {key for key, _, _ in checked} | {key for key in (files or {}) if f"materials.{key}" in errors.errors}
    missing = materials.missing_mandatory(version.materials, provided)
    if missing:
        errors.add("materials", "缺少必需的申请材料：" + "、".join(m["name"] for m in missing), "missing_materials")
    errors.raise_if_any()
    person = getattr(actor, "person", None) if hasattr(actor, "person") else None
    app = Application.objects.create(
        number=f"T{uuid.uuid4().hex[:22]}", applicant=actor, person=person, version=version, item=item,
        accept_region=accept_region, handle_region=handle_region, form_data=form_data or {}, delivery=delivery,
        mail_recipient=(mail_recipient or "").strip() if delivery == "mail" else "",
        mail_phone=mail_phone if delivery == "mail" else "", mail_address=(mail_address or "").strip() if delivery == "mail" else "",
    )
    app.number = f"TB{timezone.localdate():%Y%m%d}{accept_region}{app.pk:08d}"
    app.save(update_fields=["number"])
    _store_files(app, checked, supplement=False)
    _event(app, action="submit", from_status="", actor=actor, note=f"{REGION_NAMES[accept_region]}受理，{REGION_NAMES[handle_region]}办理")
    return app


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("version").get(pk=application.pk)


def _transition(actor, application: Application, action: str, *, note: str = "") -> tuple[Application, str]:
    app = _locked(application)
    current = app.status
    try:
        to = workflow.target(action, current, resume_to=app.resume_status)
    except workflow.TransitionError as exc:
        raise ValidationError({"status": [ValidationError(exc.message, code="illegal_transition")]}) from None
    _require_side(actor, app, workflow.actor_side(action, current))
    app.status = to
    return app, current


@transaction.atomic
def application_accept(*, actor, application: Application, note: str = "", today: dt.date | None = None) -> Application:
    """受理 by the 受理地: the clock starts; due date = time limit in working days after today."""
    app, before = _transition(actor, application, "accept")
    today = _today(today)
    due = workday_calendar().add_workdays(today, app.version.time_limit_days)
    app.accepted_on, app.due_on, app.due_provisional = today, due.date, due.provisional
    app.save()
    _event(app, action="accept", from_status=before, actor=actor, note=note or f"办理期限：{due.date}{'（暂定）' if due.provisional else ''}")
    return app


@transaction.atomic
def application_not_accept(*, actor, application: Application, reason: str) -> Application:
    """不予受理 by the 受理地, with the reason."""
    if not (reason or "").strip():
        _invalid("reason", "不予受理须说明理由", "required")
    app, before = _transition(actor, application, "not_accept")
    app.decision_reason = reason.strip()
    app.save()
    _event(app, action="not_accept", from_status=before, actor=actor, note=reason.strip())
    return app


@transaction.atomic
def application_request_correction(*, actor, application: Application, items: list[dict], note: str = "", today: dt.date | None = None) -> CorrectionNotice:
    """The one-time 补正 notice (一次性告知): every missing or defective material at once, ``items`` =
    ``[{"key", "reason"}]`` with keys from the standard. The clock pauses while the applicant supplements."""
    app, before = _transition(actor, application, "request_correction")
    if CorrectionNotice.objects.filter(application=app).exists():
        _invalid("items", "补正告知应一次性告知，本申请已发出过补正告知，不能再次要求补正", "correction_once")
    errors = Errors()
    listed = []
    if not items:
        errors.add("items", "请列出需要补正的全部材料", "required")
    seen = set()
    for entry in items or []:
        key = (entry or {}).get("key", "")
        spec = app.version.material(key)
        if spec is None:
            errors.add("items", f"“{key}”不是该事项标准所列的材料", "unknown_material")
        elif key in seen:
            errors.add("items", f"“{spec['name']}”重复列出", "duplicate")
        else:
            seen.add(key)
            listed.append({"key": key, "name": spec["name"], "reason": (entry.get("reason") or "").strip()[:200]})
    errors.raise_if_any()
    today = _today(today)
    if before in workflow.CLOCK_RUNNING:
        app.paused_on = today
        app.remaining_workdays = workday_calendar().count_workdays(today, app.due_on).days if app.due_on and app.due_on > today else 0
    app.resume_status = before
    app.save()
    notice = CorrectionNotice.objects.create(application=app, items=listed, note=(note or "").strip(), requested_by=actor)
    _event(app, action="request_correction", from_status=before, actor=actor, note="需补正：" + "、".join(i["name"] for i in listed),
           missing=[i["name"] for i in listed])
    return notice


@transaction.atomic
def application_supplement(*, actor, application: Application, files: dict, today: dt.date | None = None) -> Application:
    """The applicant supplies everything the notice listed; the application returns to where it was and the
    clock resumes with the working days that were left."""
    app, before = _transition(actor, application, "supplement")
    notice = app.correction
    requested = {i["key"] for i in notice.items}
    errors = Errors()
    checked = _check_files(app.version, files or {}, errors, allowed_keys=requested)
    provided = {key for key, _, _ in checked}
    still = [i["name"] for i in notice.items if i["key"] not in provided and f"materials.{i['key']}" not in errors.errors]
    if still:
        errors.add("materials", "补正告知所列材料尚未补齐：" + "、".join(still), "missing_materials")
    errors.raise_if_any()
    today = _today(today)
    if app.paused_on:
        calendar = workday_calendar()
        app.paused_workdays += calendar.count_workdays(app.paused_on, today).days
        if app.remaining_workdays:
            due = calendar.add_workdays(today, app.remaining_workdays)
            app.due_on, app.due_provisional = due.date, due.provisional
        app.paused_on, app.remaining_workdays = None, None
    app.resume_status = ""
    app.save()
    notice.supplemented_at = timezone.now()
    notice.save(update_fields=["supplemented_at"])
    _store_files(app, checked, supplement=True)
    _event(app, action="supplement", from_status=before, actor=actor, note=f"已补正：{'、'.join(i['name'] for i in notice.items)}")
    return app


@transaction.atomic
def application_start_processing(*, actor, application: Application, note: str = "") -> Application:
    app, before = _transition(actor, application, "start_processing")
    app.save()
    _event(app, action="start_processing", from_status=before, actor=actor, note=note)
    return app


@transaction.atomic
def application_complete(*, actor, application: Application, result_file=None, mail_tracking_number: str = "", note: str = "",
                         today: dt.date | None = None) -> Application:
    """办结 by the 办理地, with the result delivered as chosen: a result file to download, or a mail tracking number."""
    app, before = _transition(actor, application, "complete")
    if app.delivery == Application.Delivery.DOWNLOAD and result_file is None:
        _invalid("result_file", "网上下载送达须上传办理结果文件", "required")
    if app.delivery == Application.Delivery.MAIL and not (mail_tracking_number or "").strip():
        _invalid("mail_tracking_number", "邮寄送达须填写邮件单号", "required")
    if result_file is not None:
        errors = Errors()
        result_file.seek(0)
        head = result_file.read(materials.SNIFF_BYTES)
        result_file.seek(0)
        try:
            materials.check_file(name=result_file.name, size=result_file.size, head=head, formats=["pdf", "ofd"], max_bytes=_max_bytes(), label="办理结果")
        except materials.MaterialError as exc:
            errors.add("result_file", exc.message, exc.code)
        errors.raise_if_any()
        app.result_file = result_file
    today = _today(today)
    app.completed_on = today
    app.mail_tracking_number = (mail_tracking_number or "").strip()[:40]
    if app.accepted_on:
        app.handling_workdays = max(0, workday_calendar().count_workdays(app.accepted_on, today).days - app.paused_workdays)
    app.save()
    _event(app, action="complete", from_status=before, actor=actor, note=note)
    return app


@transaction.atomic
def application_refuse(*, actor, application: Application, reason: str, today: dt.date | None = None) -> Application:
    """不予办理 by the 办理地, with the reason."""
    if not (reason or "").strip():
        _invalid("reason", "不予办理须说明理由", "required")
    app, before = _transition(actor, application, "refuse")
    app.decision_reason = reason.strip()
    app.completed_on = _today(today)
    if app.accepted_on:
        app.handling_workdays = max(0, workday_calendar().count_workdays(app.accepted_on, app.completed_on).days - app.paused_workdays)
    app.save()
    _event(app, action="refuse", from_status=before, actor=actor, note=reason.strip())
    return app


@transaction.atomic
def application_withdraw(*, actor, application: Application, note: str = "") -> Application:
    app, before = _transition(actor, application, "withdraw")
    app.save()
    _event(app, action="withdraw", from_status=before, actor=actor, note=note)
    return app


@transaction.atomic
def application_rate(*, actor, application: Application, score: int, comment: str = "") -> ServiceRating:
    """好差评: the applicant rates a completed application, once (1–5, optional comment)."""
    app = _locked(application)
    _require_side(actor, app, "applicant")
    if app.status != workflow.COMPLETED:
        _invalid("application", "只能在办结后评价", "not_completed")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        _invalid("score", "评分应为1到5之间的整数", "out_of_range")
    if len(comment or "") > 1000:
        _invalid("comment", "评价内容不超过1000个字符", "max_length")
    if ServiceRating.objects.filter(application=app).exists():
        _invalid("application", "该申请已经评价过，每次办件只能评价一次", "already_rated")
    try:
        with transaction.atomic():
            return ServiceRating.objects.create(application=app, score=score, comment=(comment or "").strip())
    except IntegrityError:
        _invalid("application", "该申请已经评价过，每次办件只能评价一次", "already_rated")


# --- 京津冀人才卡 --------------------------------------------------------------------------------------

# Items a card entitles by default (key project 12: 创新创业, 落户居留, 住房保障, 医疗保健, 子女入学).
DEFAULT_CARD_SERVICES = ("JJJ-CX-001", "JJJ-LH-001", "JJJ-ZF-001", "JJJ-YL-003", "JJJ-JY-001")
CARD_VALIDITY_YEARS = 3


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _card_event(card: TalentCard, action: str, actor, note: str = ""):
    TalentCardEvent.objects.create(card=card, action=action, actor=actor if getattr(actor, "is_authenticated", False) else None, note=note[:300])
    transaction.on_commit(lambda: signals.talent_card_changed.send(sender=TalentCard, card=card, action=action, actor=actor))


def _card_staff(actor, card_or_region):
    region = card_or_region if isinstance(card_or_region, str) else card_or_region.region
    permissions.require(permissions.is_region_staff(actor, region), f"只有{REGION_NAMES.get(region, region)}的工作人员可以办理该人才卡")


@transaction.atomic
def talent_card_issue(*, actor, talent: HighLevelTalent, services: list[str] | None = None, years: int = CARD_VALIDITY_YEARS,
                      today: dt.date | None = None) -> TalentCard:
    """Issue a card to a verified 高层次人才 (staff of the talent's region). ``services``: item codes it entitles."""
    talent = HighLevelTalent.objects.select_for_update().get(pk=talent.pk)
    region = talent.region if talent.region in SERVICE_REGION_CODES else ""
    if not region:
        _invalid("talent", "该人才不在京津冀三地，不能发放京津冀人才卡", "outside_region")
    _card_staff(actor, region)
    if talent.status != Status.VERIFIED:
        _invalid("talent", "只有经共同认定（已核验）的高层次人才才能申领人才卡", "talent_unverified")
    if TalentCard.objects.filter(talent=talent, status__in=[TalentCard.State.ACTIVE, TalentCard.State.SUSPENDED]).exists():
        _invalid("talent", "该人才已有有效的人才卡，请办理续期", "card_exists")
    if not isinstance(years, int) or not 1 <= years <= 5:
        _invalid("years", "有效期应为1到5年", "out_of_range")
    codes = list(DEFAULT_CARD_SERVICES if services is None else services)
    items = list(ServiceItem.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {i.code for i in items})
    if unknown and services is not None:
        _invalid("services", f"未知的事项编码：{'、'.join(unknown)}", "unknown_code")
    today = _today(today)
    prefix = f"{cardnumber.PREFIX}{region}{today.year:04d}"
    card = None
    for _attempt in range(5):  # two issues at once may pick the same serial: the unique number refuses one, retry
        last = TalentCard.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
        serial = int(last[len(prefix):len(prefix) + 6]) + 1 if last else 1
        try:
            with transaction.atomic():
                card = TalentCard.objects.create(
                    number=cardnumber.make(region, today.year, serial), talent=talent, region=region, tier=talent.tier, issued_on=today,
                    valid_from=today, valid_until=_add_years(today, years) - dt.timedelta(days=1),
                    issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
            break
        except IntegrityError:
            continue
    if card is None:
        _invalid("talent", "发卡繁忙，请稍后重试", "busy")
    card.entitled_services.set(items)
    _card_event(card, "issue", actor)
    return card


def _locked_card(card: TalentCard) -> TalentCard:
    return TalentCard.objects.select_for_update().get(pk=card.pk)


@transaction.atomic
def talent_card_renew(*, actor, card: TalentCard, years: int = CARD_VALIDITY_YEARS, today: dt.date | None = None) -> TalentCard:
    """Extend an active or expired card (not a revoked or suspended one); the tier follows the talent's current tier."""
    card = _locked_card(card)
    _card_staff(actor, card)
    if card.status not in (TalentCard.State.ACTIVE, TalentCard.State.EXPIRED):
        _invalid("status", f"人才卡状态为“{card.get_status_display()}”，不能续期", "illegal_transition")
    if card.talent.status != Status.VERIFIED:
        _invalid("talent", "该人才的认定记录已不再有效，不能续期", "talent_unverified")
    if not isinstance(years, int) or not 1 <= years <= 5:
        _invalid("years", "有效期应为1到5年", "out_of_range")
    today = _today(today)
    start = max(card.valid_until + dt.timedelta(days=1), today)
    card.valid_until = _add_years(start, years) - dt.timedelta(days=1)
    if card.status == TalentCard.State.EXPIRED:
        card.valid_from = today
    card.status = TalentCard.State.ACTIVE
    card.tier = card.talent.tier
    card.save()
    _card_event(card, "renew", actor, f"有效期至{card.valid_until}")
    return card


def _card_state_change(actor, card, *, action: str, allowed: set[str], to: str, reason: str, reason_required: bool) -> TalentCard:
    card = _locked_card(card)
    _card_staff(actor, card)
    if card.status not in allowed:
        _invalid("status", f"人才卡状态为“{card.get_status_display()}”，不能{ {'suspend': '暂停', 'reinstate': '恢复', 'revoke': '注销'}[action] }", "illegal_transition")
    if reason_required and not (reason or "").strip():
        _invalid("reason", "请说明理由", "required")
    card.status = to
    card.status_reason = (reason or "").strip()[:300]
    card.save()
    _card_event(card, action, actor, card.status_reason)
    return card


@transaction.atomic
def talent_card_suspend(*, actor, card: TalentCard, reason: str) -> TalentCard:
    return _card_state_change(actor, card, action="suspend", allowed={TalentCard.State.ACTIVE}, to=TalentCard.State.SUSPENDED, reason=reason, reason_required=True)


@transaction.atomic
def talent_card_reinstate(*, actor, card: TalentCard, reason: str = "") -> TalentCard:
    return _card_state_change(actor, card, action="reinstate", allowed={TalentCard.State.SUSPENDED}, to=TalentCard.State.ACTIVE, reason=reason, reason_required=False)


@transaction.atomic
def talent_card_revoke(*, actor, card: TalentCard, reason: str) -> TalentCard:
    return _card_state_change(actor, card, action="revoke", allowed={TalentCard.State.ACTIVE, TalentCard.State.SUSPENDED, TalentCard.State.EXPIRED},
                              to=TalentCard.State.REVOKED, reason=reason, reason_required=True)


@transaction.atomic
def talent_cards_expire(*, today: dt.date | None = None) -> int:
    """Mark active cards past their validity as expired (daily task); each sends ``talent_card_changed``."""
    today = _today(today)
    cards = list(TalentCard.objects.select_for_update().filter(status=TalentCard.State.ACTIVE, valid_until__lt=today))
    for card in cards:
        card.status = TalentCard.State.EXPIRED
        card.save(update_fields=["status"])
        _card_event(card, "expire", None, f"有效期至{card.valid_until}")
    return len(cards)


# --- 职称互认 and the other mutual-recognition items --------------------------------------------------

RECOGNITION_KINDS = {code: zh for code, zh, _ in MUTUAL_RECOGNITION_ITEMS}
TITLE_KINDS = ("title_certificate",)


@transaction.atomic
def recognition_apply(*, actor, kind: str, origin_region: str, target_region: str, qualification_name: str, certificate_number: str,
                      issuing_authority: str, obtained_on: dt.date, title_series: str = "", title_level: str = "") -> Recognition:
    """Ask ``target_region`` to recognise a qualification (e.g. a 职称) obtained in ``origin_region``."""
    permissions.require(bool(getattr(actor, "is_authenticated", False)), gettext("请先登录再提交申请"))
    errors = Errors()
    if kind not in RECOGNITION_KINDS:
        errors.add("kind", f"未知的互认事项：{kind}", "unknown_code")
    for field, region, label in (("origin_region", origin_region, "取得地"), ("target_region", target_region, "认可地")):
        if region not in SERVICE_REGION_CODES:
            errors.add(field, f"{label}应为北京(11)、天津(12)或河北(13)", "unknown_region")
    if origin_region == target_region and origin_region in SERVICE_REGION_CODES:
        errors.add("target_region", "认可地应与取得地不同（本地取得的资格无需互认）", "same_region")
    for field, value, label in (("qualification_name", qualification_name, "资格名称"), ("certificate_number", certificate_number, "证书编号"),
                                ("issuing_authority", issuing_authority, "发证机关")):
        if not (value or "").strip():
            errors.add(field, f"请填写{label}", "required")
    if not isinstance(obtained_on, dt.date):
        errors.add("obtained_on", "请填写取得日期", "required")
    elif obtained_on > timezone.localdate():
        errors.add("obtained_on", "取得日期不能晚于今天", "future")
    if kind in TITLE_KINDS:
        if title_series not in {c for c, _, _ in TITLE_SERIES}:
            errors.add("title_series", "请选择职称系列", "required")
        if title_level not in TITLE_LEVEL_RANK or title_level == "none":
            errors.add("title_level", "请选择职称级别", "required")
    errors.raise_if_any()
    if Recognition.objects.filter(applicant=actor, kind=kind, certificate_number=certificate_number.strip(), target_region=target_region,
                                  status=Recognition.State.SUBMITTED).exists():
        _invalid("certificate_number", "该证书在认可地已有待认定的申请", "duplicate")
    return Recognition.objects.create(
        applicant=actor, person=getattr(actor, "person", None) if hasattr(actor, "person") else None, kind=kind,
        origin_region=origin_region, target_region=target_region, qualification_name=qualification_name.strip(),
        certificate_number=certificate_number.strip(), issuing_authority=issuing_authority.strip(), obtained_on=obtained_on,
        title_series=title_series if kind in TITLE_KINDS else "", title_level=title_level if kind in TITLE_KINDS else "",
    )


@transaction.atomic
def recognition_decide(*, actor, recognition: Recognition, recognise: bool, note: str = "", decision_number: str = "") -> Recognition:
    """The decision of the 认可地 (staff of ``target_region``), recorded with who, when, why."""
    rec = Recognition.objects.select_for_update().get(pk=recognition.pk)
    permissions.require(permissions.is_region_staff(actor, rec.target_region),
                        f"只有认可地（{REGION_NAMES.get(rec.target_region)}）的工作人员可以作出认定")
    if rec.status != Recognition.State.SUBMITTED:
        _invalid("status", f"该申请已作出认定（{rec.get_status_display()}），不能重复认定", "illegal_transition")
    if not recognise and not (note or "").strip():
        _invalid("note", "不予认可须说明理由", "required")
    rec.status = Recognition.State.RECOGNISED if recognise else Recognition.State.REJECTED
    rec.decided_by, rec.decided_at = actor, timezone.now()
    rec.decision_note = (note or "").strip()
    rec.decision_number = (decision_number or "").strip()[:40]
    rec.save()
    transaction.on_commit(lambda: signals.recognition_decided.send(sender=Recognition, recognition=rec, actor=actor))
    return rec



def application_mailing_reveal(*, actor, application: Application, purpose: str) -> dict[str, str]:
    """The clear mailing phone and address of an application to be delivered by post, for the staff of its 办理地
    (who mail the result), with a stated purpose; every reveal is logged (``PersonalDataAccess``: who, whose,
    which fields, when, why), like the registry's personal data."""
    from registry.context import current
    from registry.models import PersonalDataAccess, Person

    permissions.require(can_act(actor, application, "handle"), gettext("仅办理地工作人员可查看邮寄信息"))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": ["请填写查看用途（例如：邮寄办理结果）"]})
    if application.delivery != "mail":
        raise ValidationError({"purpose": ["该申请不是邮寄送达，没有邮寄信息"]})
    ctx = current()
    PersonalDataAccess.objects.create(
        user=actor, person=Person.objects.filter(user_id=application.applicant_id).first(), fields="mail_phone,mail_address",
        purpose=f"{application.number}：{purpose}"[:200], request_id=ctx.request_id if ctx else "",
    )
    return {"mail_phone": application.mail_phone, "mail_address": application.mail_address}
