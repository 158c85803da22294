"""The services app's partner API (同事同标 catalogue, 区域通办 applications, talent cards), with the registry
API's keys, scopes, errors and pagination (``registry.apikit``). Reads through ``services.selectors``; every
write through ``services.services``, which decides who may take each step: the applicant submits, supplements,
withdraws and rates; the 受理地's staff and partners accept, refuse to accept and issue the 补正 notice before
acceptance; the 办理地's start, complete, refuse and issue it after; a card's region issues, renews, suspends,
reinstates and revokes it. Uploads are checked by the same service code as the portal's (type by extension and
content, size): a refused file is a 400 naming the part (``materials.<key>``, ``result_file``)."""

from __future__ import annotations

import django_filters as df
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from registry.apikit.auth import require_region
from registry.apikit.bulk import idempotent
from registry.apikit.errors import text, unknown_record
from registry.apikit.schema import IDEMPOTENCY_PARAM, IF_MATCH_PARAM
from registry.apikit.views import ActionView, ApiView, ListView, created
from registry.models import HighLevelTalent

from . import selectors, standard, workflow
from . import serializers as s
from . import services
from .models import Application, ServiceItem, TalentCard

ITEM_EXAMPLE = {
    "code": "JJJ-SB-001", "category": "social_insurance", "batch": 1, "is_active": True, "version": 2, "name": "养老保险关系转移接续", "conditions": ["已在转出地参保"],
    "materials": [{"key": "id_card", "name": "居民身份证", "mandatory": True, "formats": ["pdf", "jpg"]}], "steps": [{"name": "申请", "description": "网上提交"}],
    "acceptance_criteria": "材料齐全、符合法定形式", "time_limit_days": 15, "legal_basis": "", "fee": "不收费", "channels": ["online"], "published_on": "2024-02-01",
    "contacts": [{"region": "13", "department": "河北省社会保险事业服务中心", "address": "石家庄市", "phone": "0311-12333", "hours": "工作日 9:00-17:00"}],
}


class ServiceItemFilter(df.FilterSet):
    category = df.ChoiceFilter(choices=[(c, zh) for c, zh, _en in standard.CATEGORIES], method="noop", label="category", help_text="类别 / Category")
    q = df.CharFilter(method="noop", label="q", help_text="编码或名称 / Code or name")

    class Meta:
        model = ServiceItem
        fields: list[str] = []

    def noop(self, qs, name, value):
        return qs  # applied by the selector (services.selectors.catalogue)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="同事同标事项目录 / The 同事同标 catalogue",
    description="三地统一标准的事项（现行标准版本：名称、办理要素、流程、受理标准、时限）及各地承办部门。 / Items with the standard in force and each region's contact.",
    examples=[OpenApiExample("示例 / Example", value=ITEM_EXAMPLE, response_only=True)],
))
class ServiceItemListApi(ListView):
    read_scope = "services:read"
    serializer_class = s.ServiceItemOut
    filterset_class = ServiceItemFilter
    ordering = ("code",)
    ordering_fields = ["code"]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.catalogue(category=p.get("category") or None, search=(p.get("q") or "").strip() or None)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="一个同事同标事项 / One catalogue item", description="按事项编码读取。 / By item code.",
    examples=[OpenApiExample("示例 / Example", value=ITEM_EXAMPLE, response_only=True)],
))
class ServiceItemDetailApi(ApiView):
    read_scope = "services:read"
    serializer_class = s.ServiceItemOut

    def get(self, request, code: str):
        item = selectors.catalogue().filter(code=code).first() if len(code) <= 32 and "\x00" not in code else None
        if item is None:
            raise Http404
        return Response(self.get_serializer(item).data)


APPLICATION_EXAMPLE = {
    "number": "SQ20261123000001", "item": "JJJ-SB-001", "item_name": "养老保险关系转移接续", "version": 2, "accept_region": "11", "handle_region": "13",
    "status": "accepted", "delivery": "download", "submitted_at": "2026-11-23T10:00:00+08:00", "accepted_on": "2026-11-23", "due_on": "2026-12-14",
    "due_provisional": False, "completed_on": None, "handling_workdays": None,
}


class ApplicationFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(distinct=False, choices=[(c, zh) for c, zh, _en in workflow.STATES], label="status", help_text="状态 / Status")
    side = df.ChoiceFilter(choices=[("accept", "受理地"), ("handle", "办理地"), ("any", "任一")], method="noop", label="side",
                           help_text="工作人员/合作系统：本地区作为受理地或办理地 / For staff and partners: your region as accepting or handling side")
    item = df.CharFilter(field_name="item__code", label="item", help_text="事项编码 / Item code")

    class Meta:
        model = Application
        fields: list[str] = []

    def noop(self, qs, name, value):
        return qs


def _applications(caller, side: str = "any"):
    actor = caller.actor
    if caller.is_partner or getattr(actor, "is_staff", False):
        return selectors.applications_for_staff(actor, side=side if side in ("accept", "handle") else "any")
    return selectors.applications_of_applicant(actor)


MATERIAL_PART = "materials."


def _uploads(request, *, allowed: tuple[str, ...] = ()) -> dict:
    """Files of a multipart request: parts named ``materials.<key>`` (repeatable) as {key: [files]}; any other
    file part (except ``allowed`` names) is a 400 naming it."""
    files, unknown = {}, []
    for name in request.FILES:
        if name.startswith(MATERIAL_PART) and len(name) > len(MATERIAL_PART):
            files[name[len(MATERIAL_PART):]] = request.FILES.getlist(name)
        elif name not in allowed:
            unknown.append(name)
    if unknown:
        raise exceptions.ValidationError({name: [exceptions.ErrorDetail(text("unknown_material"), code="unknown_material")] for name in sorted(unknown)})
    return files


def _multipart_schema(fields: dict, required: list[str], *, materials: bool) -> dict:
    """A multipart body: ``fields`` (name → schema), and — for materials — one file part per material, ``materials.<key>``."""
    schema = {"type": "object", "properties": fields}
    if required:
        schema["required"] = required
    if materials:
        schema["additionalProperties"] = {"type": "string", "format": "binary", "description": "materials.<key>：事项标准所列材料的文件 / a file of the material <key>"}
    return {"multipart/form-data": schema}


SUBMIT_FIELDS = {
    "item": {"type": "string", "maxLength": 32, "description": "事项编码 / Item code"},
    "accept_region": {"type": "string", "enum": s.REGION_CODES, "description": "受理地 / Where it is filed"},
    "handle_region": {"type": "string", "enum": s.REGION_CODES, "description": "办理地 / Where it is decided"},
    "delivery": {"type": "string", "enum": ["download", "mail"]},
    "mail_recipient": {"type": "string", "maxLength": 50},
    "mail_phone": {"type": "string", "maxLength": 20},
    "mail_address": {"type": "string", "maxLength": 200},
    "note": {"type": "string", "maxLength": 500},
}
APPLICATION_DETAIL_EXAMPLE = {**APPLICATION_EXAMPLE, "correction": None, "rating": None}


@extend_schema_view(
    get=extend_schema(
        tags=["services"], summary="区域通办申请 / Cross-region applications",
        description="合作系统与工作人员：本地区受理或办理的申请；个人：本人的申请。不含申请材料与个人信息。 / Partners and staff: applications accepted or handled in "
                    "their region; a person: their own. No materials, no personal data.",
        examples=[OpenApiExample("示例 / Example", value=APPLICATION_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        tags=["services"], summary="提交区域通办申请 / File an application",
        description="multipart/form-data：表单字段，以及每份材料一个文件部分，名为 materials.<key>（key 见事项标准的 materials；可重复）。按现行标准校验材料："
                    "缺少必需材料返回422（missing_materials）；文件类型、内容与扩展名不符、为空或超过大小上限返回400，errors 中 field 为 materials.<key>"
                    "（与网上办事大厅相同的检查）。合作系统与工作人员只能在本地区受理（accept_region 为本地区，否则403）；申请人为调用者。支持 Idempotency-Key"
                    "（按文件内容计算）。 / multipart/form-data: the fields and one part per material file named materials.<key>. Missing mandatory materials: "
                    "422; a file of the wrong type, content or size: 400 naming materials.<key> (the portal's checks). Partners and staff file in their own "
                    "region only (accept_region, else 403). Idempotency-Key supported (file contents included).",
        request=_multipart_schema(SUBMIT_FIELDS, ["item", "accept_region", "handle_region"], materials=True),
        responses={201: s.ApplicationDetailOut}, parameters=[IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("请求 / Request", value={"item": "JJJ-SB-001", "accept_region": "13", "handle_region": "11", "delivery": "download",
                                                          "materials.id_card": "(binary)"}, request_only=True, media_type="multipart/form-data"),
                  OpenApiExample("应答 / Response", value={**APPLICATION_DETAIL_EXAMPLE, "status": "submitted", "accepted_on": None, "due_on": None}, response_only=True)],
    ),
)
class ApplicationListApi(ListView):
    read_scope, write_scope = "services:read", "services:write"
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.ApplicationOut
    filterset_class = ApplicationFilter
    ordering = ("-submitted_at", "-id")
    ordering_fields = ["submitted_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Application.objects.none()
        return _applications(self.caller, self.request.query_params.get("side", "any"))

    def post(self, request):
        caller = self.caller
        form = s.ApplicationSubmitIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        files = _uploads(request)
        if caller.is_partner or getattr(caller.actor, "is_staff", False):
            require_region(caller, data["accept_region"])  # a partner or staff member files at its own region's window
        item = ServiceItem.objects.filter(code=data.pop("item")).first()
        if item is None:
            raise unknown_record("item")
        note = data.pop("note")

        def run():
            with transaction.atomic():
                application = services.application_submit(actor=caller.actor, item=item, files=files, form_data={"note": note} if note else {}, **data)
            fresh = _application_row(application.pk)
            return created(fresh, s.ApplicationDetailOut(fresh).data, location=f"{request.path}{fresh.number}/")

        return idempotent(request, caller, run)


def _application_row(pk: int) -> Application:
    return Application.objects.select_related("version", "item", "correction", "rating").get(pk=pk)


def _application_for(caller, number: str) -> Application:
    """The application if the caller is its applicant or staff / a partner of its 受理地 or 办理地; else 404
    (another person's application is not revealed — as on the portal)."""
    application = (Application.objects.select_related("version", "item", "correction", "rating").filter(number=number).first()
                   if len(number) <= 24 and "\x00" not in number else None)
    if application is None or not any(selectors.can_act(caller.actor, application, side) for side in ("applicant", "accept", "handle")):
        raise Http404
    return application


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="一件申请 / One application",
    description="按申请编号读取（限本人，或受理地、办理地的工作人员与合作系统），含补正告知与评价；返回 ETag，供各办理步骤的 If-Match 使用。 / By number "
                "(the applicant's, or the accepting or handling region's), with the correction notice and the rating; the ETag serves the steps' If-Match.",
    responses={200: s.ApplicationDetailOut}, examples=[OpenApiExample("示例 / Example", value=APPLICATION_DETAIL_EXAMPLE, response_only=True)],
))
class ApplicationDetailApi(ApiView):
    read_scope = "services:read"
    serializer_class = s.ApplicationDetailOut

    def get(self, request, number: str):
        application = _application_for(self.caller, number)
        return self.record_response(application, s.ApplicationDetailOut(application).data)


_STEP_ZH = "带 If-Match 时与当前 ETag 不符返回412；当前状态不允许该步骤返回409（中文说明当前状态）；不是该步骤的办理方返回403；支持 Idempotency-Key。"
_STEP_EN = "If-Match (412 when stale); 409 when the state does not allow the step; 403 when it is not the caller's step; Idempotency-Key supported."


class ApplicationStepApi(ActionView):
    """A step of an application: ``service(actor=, application=, **data)`` of services.services."""

    read_scope = write_scope = "services:write"
    serializer_class = in_serializer = s.ApplicationNoteIn
    service = None

    def find(self, number):
        return _application_for(self.caller, number)

    def act(self, caller, locked, data):
        return type(self).service(actor=caller.actor, application=locked, **data)

    def render(self, result):
        fresh = _application_row(getattr(result, "application_id", None) or result.pk)
        return fresh, s.ApplicationDetailOut(fresh).data


class _MultipartStep(ApplicationStepApi):
    parser_classes = [MultiPartParser, FormParser]


def _step(name: str, service, in_serializer, who_zh: str, who_en: str, example: dict, *, base=ApplicationStepApi, request=None, after_status: str = ""):
    label = workflow.ACTION_LABELS[name]
    doc = extend_schema(
        tags=["services"], summary=f"{label} / {name.replace('_', ' ').capitalize()}",
        description=f"{who_zh}。{_STEP_ZH} / {who_en}. {_STEP_EN}", request=request or in_serializer, responses={200: s.ApplicationDetailOut},
        parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("请求 / Request", value=example, request_only=True, **({"media_type": "multipart/form-data"} if request else {})),
                  OpenApiExample("应答 / Response", value={**APPLICATION_DETAIL_EXAMPLE, "status": after_status or "accepted"}, response_only=True)],
    )
    attrs = {"serializer_class": in_serializer or s.ApplicationNoteIn, "in_serializer": in_serializer, "service": staticmethod(service), "__doc__": f"{label} ({name})."}
    return extend_schema_view(post=doc)(type(f"Application{name.title().replace('_', '')}Api", (base,), attrs))


ApplicationAcceptApi = _step("accept", services.application_accept, s.ApplicationNoteIn, "受理地的工作人员或合作系统受理已提交的申请，开始计算办理时限",
                             "The accepting region's staff or partner accepts a submitted application; the time limit starts", {"note": ""})
ApplicationNotAcceptApi = _step("not_accept", services.application_not_accept, s.ApplicationReasonIn, "受理地不予受理，须说明理由（否则422）",
                                "The accepting region refuses to accept, with a reason (422 without)", {"reason": "不属于本事项受理范围"}, after_status="not_accepted")
ApplicationStartApi = _step("start_processing", services.application_start_processing, s.ApplicationNoteIn, "办理地的工作人员或合作系统开始办理已受理的申请",
                            "The handling region starts processing an accepted application", {"note": ""}, after_status="processing")
ApplicationRefuseApi = _step("refuse", services.application_refuse, s.ApplicationReasonIn, "办理地不予办理，须说明理由（否则422）",
                             "The handling region refuses, with a reason (422 without)", {"reason": "不符合互认条件"}, after_status="refused")
ApplicationWithdrawApi = _step("withdraw", services.application_withdraw, s.ApplicationNoteIn, "申请人本人在受理前或补正期间撤回申请",
                               "The applicant withdraws before acceptance or while correcting", {"note": "信息填错，重新申请"}, after_status="withdrawn")


class _CorrectionStep(ApplicationStepApi):
    def act(self, caller, locked, data):
        items = [dict(i) for i in data["items"]]
        return services.application_request_correction(actor=caller.actor, application=locked, items=items, note=data["note"])


ApplicationCorrectionApi = _step(
    "request_correction", None, s.CorrectionIn, "一次性告知补正：受理前由受理地、受理后由办理地列出全部需补正的材料（每件申请只能告知一次，否则422），办理时限暂停",
    "The one-time correction notice: every material to correct, by the accepting region before acceptance or the handling region after (once per application, "
    "else 422); the time limit pauses", {"items": [{"key": "id_card", "reason": "照片不清晰"}], "note": ""}, base=_CorrectionStep, after_status="correction")


class _SupplementStep(_MultipartStep):
    def input_data(self, request):
        return {"files": _uploads(request)}


ApplicationSupplementApi = _step(
    "supplement", services.application_supplement, None, "申请人按补正告知上传材料（multipart，部分名为 materials.<key>）；告知所列材料须全部补齐（否则422），"
    "文件类型、内容或大小不符返回400；申请回到原状态，办理时限继续计算", "The applicant uploads what the notice listed (multipart, parts materials.<key>): all of it "
    "(else 422); a bad file is a 400; the application returns to its state and the clock resumes",
    {"materials.id_card": "(binary)"}, base=_SupplementStep, request=_multipart_schema({}, [], materials=True), after_status="submitted")


class _CompleteStep(_MultipartStep):
    def input_data(self, request):
        form = s.ApplicationNoteIn(data=request.data)
        form.is_valid(raise_exception=True)
        _uploads(request, allowed=("result_file",))
        tracking = request.data.get("mail_tracking_number", "")
        if not isinstance(tracking, str) or len(tracking) > 40:
            raise exceptions.ValidationError({"mail_tracking_number": [text("invalid")]})
        return {"note": form.validated_data["note"], "mail_tracking_number": tracking, "result_file": request.FILES.get("result_file")}


ApplicationCompleteApi = _step(
    "complete", services.application_complete, None, "办理地办结：网上下载送达须上传办理结果文件 result_file（PDF或OFD），邮寄送达须填写 mail_tracking_number（否则422）",
    "The handling region completes: a result_file (PDF or OFD) for download delivery, or the mail_tracking_number for mail (422 without)",
    {"note": "准予互认", "result_file": "(binary)"}, base=_CompleteStep, after_status="completed",
    request=_multipart_schema({"note": {"type": "string", "maxLength": 2000}, "mail_tracking_number": {"type": "string", "maxLength": 40},
                               "result_file": {"type": "string", "format": "binary"}}, [], materials=False))


@extend_schema_view(post=extend_schema(
    tags=["services"], summary="好差评 / Rate an application",
    description="申请人本人对已办结的申请评价一次（1–5分）。未办结返回422，重复评价返回409，非申请人返回403。 / The applicant rates a completed application once "
                "(422 before completion, 409 when already rated, 403 for anyone else).",
    request=s.ServiceRatingIn, responses={201: s.ServiceRatingOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("请求 / Request", value={"score": 5, "comment": "跨省通办很方便"}, request_only=True),
              OpenApiExample("应答 / Response", value={"score": 5, "comment": "跨省通办很方便", "created_at": "2026-12-15T10:00:00+08:00"}, response_only=True)],
))
class ApplicationRatingApi(ApplicationStepApi):
    serializer_class = in_serializer = s.ServiceRatingIn
    success_status = status.HTTP_201_CREATED

    def act(self, caller, locked, data):
        return services.application_rate(actor=caller.actor, application=locked, **data)

    def render(self, rating):
        return rating, s.ServiceRatingOut(rating).data


@extend_schema_view(post=extend_schema(
    tags=["services"], summary="核验京津冀人才卡 / Verify a talent card",
    description="医院、园区等合作系统在线核验人才卡：验证二维码凭证的签名（或卡号校验位）并返回卡的当前状态（含暂停、注销）与可享受的服务。不返回个人信息。 / Verifies "
                "the QR token's signature (or the number's check character) and reports the card's current state and entitled services. No personal data.",
    request=s.CardCheckIn, responses={200: s.CardCheckOut},
    examples=[OpenApiExample("请求 / Request", value={"token": "JJJ1.eyJ…"}, request_only=True),
              OpenApiExample("有效 / Valid", value={"valid": True, "code": "ok", "message": "人才卡有效", "number": "JJJ1300000012", "tier": "B",
                                                   "valid_until": "2029-11-22", "status": "active", "services": ["JJJ-YL-003"]}, response_only=True)],
))
class TalentCardVerifyApi(ApiView):
    write_scope = "cards:verify"
    serializer_class = s.CardCheckIn

    def post(self, request):
        data = s.CardCheckIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.CardCheckOut(selectors.talent_card_check(data.validated_data["token"])).data)


# --- talent cards ----------------------------------------------------------------------------------------

CARD_EXAMPLE = {"number": "JJJ1120260000015", "talent": 5, "region": "11", "tier": "A", "status": "active", "status_reason": "", "issued_on": "2026-11-23",
                "valid_from": "2026-11-23", "valid_until": "2029-11-22", "services": ["JJJ-CX-001", "JJJ-YL-003"]}


def _card_row(pk: int) -> TalentCard:
    return TalentCard.objects.prefetch_related("entitled_services").get(pk=pk)


def _card_for(caller, number: str) -> TalentCard:
    """Staff and partners read any card (no personal data); a person reads their own."""
    card = TalentCard.objects.select_related("talent__person").filter(number=number).first() if len(number) <= 16 and "\x00" not in number else None
    if card is None:
        raise Http404
    actor = caller.actor
    if not (caller.is_partner or getattr(actor, "is_staff", False) or card.talent.person.user_id == getattr(actor, "pk", None)):
        raise Http404
    return card


@extend_schema_view(post=extend_schema(
    tags=["services"], summary="发放京津冀人才卡 / Issue a talent card",
    description="人才所在地区（北京、天津或河北）的工作人员或合作系统，为已核验的高层次人才发卡；默认有效期3年、默认五项定制服务。其他地区返回403；人才未核验返回422；"
                "已有有效卡返回409；talent 不存在返回422。支持 Idempotency-Key。 / Staff or a partner of the talent's region issue a card to a verified high-level "
                "talent (3 years, five default services). Another region: 403; unverified: 422; a live card already: 409.",
    request=s.CardIssueIn, responses={201: s.CardOut}, parameters=[IDEMPOTENCY_PARAM],
    examples=[OpenApiExample("请求 / Request", value={"talent": 5, "years": 3}, request_only=True),
              OpenApiExample("应答 / Response", value=CARD_EXAMPLE, response_only=True)],
))
class TalentCardIssueApi(ApiView):
    write_scope = "services:write"
    serializer_class = s.CardIssueIn

    def post(self, request):
        caller = self.caller
        form = s.CardIssueIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        talent = HighLevelTalent.objects.filter(pk=data.pop("talent")).first()
        if talent is None:
            raise unknown_record("talent")

        def run():
            with transaction.atomic():
                card = services.talent_card_issue(actor=caller.actor, talent=talent, **data)
            fresh = _card_row(card.pk)
            return created(fresh, s.CardOut(fresh).data, location=f"{request.path}{fresh.number}/")

        return idempotent(request, caller, run)


@extend_schema_view(get=extend_schema(
    tags=["services"], summary="一张人才卡 / One talent card",
    description="工作人员与合作系统可读取任一张卡，持卡人可读取本人的卡；不含个人信息。返回 ETag，供续期、暂停、恢复、注销的 If-Match 使用。 / Staff and partners "
                "read any card, the holder their own; no personal data. The ETag serves the steps' If-Match.",
    responses={200: s.CardOut}, examples=[OpenApiExample("示例 / Example", value=CARD_EXAMPLE, response_only=True)],
))
class TalentCardDetailApi(ApiView):
    read_scope = "services:read"
    serializer_class = s.CardOut

    def get(self, request, number: str):
        card = _card_for(self.caller, number)
        return self.record_response(card, s.CardOut(_card_row(card.pk)).data)


class TalentCardStepApi(ActionView):
    read_scope = write_scope = "services:write"
    service = None

    def find(self, number):
        return _card_for(self.caller, number)

    def act(self, caller, locked, data):
        return type(self).service(actor=caller.actor, card=locked, **data)

    def render(self, card):
        fresh = _card_row(card.pk)
        return fresh, s.CardOut(fresh).data


def _card_step(name: str, zh: str, service, in_serializer, what_zh: str, what_en: str, example: dict, after: str):
    doc = extend_schema(
        tags=["services"], summary=f"人才卡{zh} / {name.capitalize()} a talent card",
        description=f"发卡地区的工作人员或合作系统{what_zh}；其他地区返回403，当前状态不允许返回409。带 If-Match 时不符返回412；支持 Idempotency-Key。 / "
                    f"Staff or a partner of the card's region {what_en}; another region: 403; a state that does not allow it: 409; If-Match: 412.",
        request=in_serializer, responses={200: s.CardOut}, parameters=[IF_MATCH_PARAM, IDEMPOTENCY_PARAM],
        examples=[OpenApiExample("请求 / Request", value=example, request_only=True),
                  OpenApiExample("应答 / Response", value={**CARD_EXAMPLE, "status": after}, response_only=True)],
    )
    attrs = {"serializer_class": in_serializer, "in_serializer": in_serializer, "service": staticmethod(service), "__doc__": f"{name} a card."}
    return extend_schema_view(post=doc)(type(f"TalentCard{name.title()}Api", (TalentCardStepApi,), attrs))


TalentCardRenewApi = _card_step("renew", "续期", services.talent_card_renew, s.CardYearsIn, "为有效或已过期的卡续期（层次随人才当前层次）",
                                "extend an active or expired card", {"years": 3}, "active")
TalentCardSuspendApi = _card_step("suspend", "暂停", services.talent_card_suspend, s.CardReasonIn, "暂停有效的卡，须说明理由（否则422）",
                                  "suspend an active card, with a reason (422 without)", {"reason": "核查中"}, "suspended")
TalentCardReinstateApi = _card_step("reinstate", "恢复", services.talent_card_reinstate, s.CardReasonIn, "恢复暂停的卡",
                                    "reinstate a suspended card", {"reason": "核查完毕"}, "active")
TalentCardRevokeApi = _card_step("revoke", "注销", services.talent_card_revoke, s.CardReasonIn, "注销卡（不可恢复），须说明理由（否则422）",
                                 "revoke a card for good, with a reason (422 without)", {"reason": "认定已撤销"}, "revoked")
