"""Errors in one format: RFC 9457 problem details (``application/problem+json``) with a list of field errors.

Chinese by default, English when the request asks (``Accept-Language: en``; Django's LocaleMiddleware activates
the language). The registry services raise Chinese messages with a machine ``code``; :data:`MESSAGES` maps each
code to its English text — the one table of this API's texts, together with the API's own messages.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

log = logging.getLogger("jjjtalent.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:jjjtalent:problem:"

# code -> (中文, English). Service codes keep the service's Chinese message (it names the value); English
# comes from here. The API's own codes use both columns.
MESSAGES: dict[str, tuple[str, str]] = {
    # problem titles
    "validation_error": ("请求数据有误", "The request data is invalid"),
    "unprocessable": ("请求无法处理", "The request could not be processed"),
    "malformed": ("请求格式错误", "Malformed request"),
    "not_authenticated": ("未提供身份凭证", "Authentication credentials were not provided"),
    "authentication_failed": ("身份验证失败", "Authentication failed"),
    "permission_denied": ("没有权限", "Permission denied"),
    "not_found": ("未找到", "Not found"),
    "method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "not_acceptable": ("无法提供所请求的格式", "Not acceptable"),
    "unsupported_media_type": ("不支持的请求内容类型", "Unsupported media type"),
    "conflict": ("与现有数据冲突", "Conflict with existing data"),
    "precondition_failed": ("记录已被修改", "Precondition failed"),
    "throttled": ("请求过于频繁", "Too many requests"),
    "server_error": ("服务器内部错误", "Internal server error"),
    "payload_too_large": ("请求过大", "Payload too large"),
    # the API's own messages
    "invalid_key": ("接口密钥无效、已过期或已吊销", "The API key is invalid, expired or revoked"),
    "missing_scope": ("该密钥没有所需的权限范围：{scope}", "The key lacks the required scope: {scope}"),
    "wrong_region": ("只能写入本地区（{region}）的记录", "You may only write records of your own region ({region})"),
    "etag_mismatch": ("记录已被他人修改（If-Match 不符），请重新读取后再提交", "The record has changed since you read it (If-Match does not match); read it again and resubmit"),
    "idempotency_mismatch": ("该 Idempotency-Key 已用于另一请求内容", "This Idempotency-Key was already used with a different request body"),
    "idempotency_in_progress": ("相同 Idempotency-Key 的请求正在处理中", "A request with this Idempotency-Key is still being processed"),
    "too_many_rows": ("每次最多提交{limit}行，当前为{count}行", "At most {limit} rows per call; got {count}"),
    "external_id_required": ("请填写外部编号 external_id", "external_id is required"),
    "duplicate_external_id": ("同一请求中外部编号重复：{value}", "Duplicate external_id in the same request: {value}"),
    "partner_only": ("按外部编号写入仅限合作系统密钥", "Upserts by external_id need a partner API key"),
    "personal_denied": ("查看完整个人信息需要 personal:read 权限范围", "Unmasked personal data needs the personal:read scope"),
    "unknown_filter": ("查询参数有误", "Invalid query parameters"),
    "rolled_back": ("整批回滚：其他行有错误", "Rolled back: another row had errors"),
    "organisation_required": ("请填写需求单位（organisation 或 organisation_credit_code）", "The organisation is required (organisation or organisation_credit_code)"),
    "unknown_organisation": ("未找到该需求单位", "Unknown organisation"),
    "unknown_record": ("未找到该编号的记录", "No record with this id"),
    # the registry services' codes (registry.services, registry.identifiers, model validation)
    "required": ("此项为必填项", "This field is required"),
    "unknown_code": ("未知的代码", "Unknown classification code"),
    "not_hebei_city": ("不是河北省的地级市", "Not a prefecture city of Hebei"),
    "unknown_mode": ("未知的合作方式", "Unknown sharing mode"),
    "invalid_mode": ("未知的合作方式", "Unknown sharing mode"),
    "window_order": ("结束日期早于开始日期", "The end date is before the start date"),
    "out_of_range": ("数值超出允许范围", "The value is out of range"),
    "budget_order": ("预算上限低于预算下限", "The maximum budget is below the minimum"),
    "id_length": ("身份证号应为18位", "An ID number has 18 characters"),
    "id_format": ("身份证号前17位应为数字，最后一位为数字或X", "An ID number is 17 digits followed by a digit or X"),
    "id_region": ("身份证号前两位不是有效的省级行政区划代码", "The ID number does not start with a valid province code"),
    "id_birth_date": ("身份证号中的出生日期无效", "The birth date in the ID number is invalid"),
    "id_check": ("身份证号校验位不正确", "The ID number's check character is wrong"),
    "credit_length": ("统一社会信用代码应为18位", "A unified social credit code has 18 characters"),
    "credit_charset": ("统一社会信用代码含有不允许的字符", "The unified social credit code contains characters that are not allowed"),
    "credit_check": ("统一社会信用代码校验位不正确", "The unified social credit code's check character is wrong"),
    "mobile_format": ("手机号应为以1开头的11位数字", "A mobile number is 11 digits starting with 1"),
    "identity_conflict": ("该身份证号已由另一姓名登记", "This ID number is registered under another name"),
    "mobile_conflict": ("该手机号已被其他人登记", "This mobile number is registered to another person"),
    "duplicate": ("该记录已登记", "Already registered"),
    "duplicate_person": ("该人员已登记", "This person is already registered in this database"),
    "consent_required": ("需要本人的单独同意", "The person's separate consent is required"),
    "illegal_transition": ("不允许的状态变更", "This status change is not allowed"),
    "organisation_unverified": ("需求单位尚未通过审核", "The organisation has not been verified"),
    "expired": ("需求期限已过", "The demand period has ended"),
    "merge_conflict": ("无法合并", "Cannot merge"),
    # matching (matching.services): invitations, engagements, ratings
    "demand_not_published": ("需求未发布或已关闭，不能进行对接", "The demand is not published or is closed"),
    "demand_expired": ("需求已过期，不能进行对接", "The demand has expired"),
    "demand_filled": ("该需求的名额已满", "The demand's places are all filled"),
    "expert_not_active": ("专家尚未通过审核或已暂停服务", "The expert is not verified or not available"),
    "conflict_of_interest": ("专家就职于需求单位，存在利益冲突", "The expert works for the demanding organisation (conflict of interest)"),
    "mode_not_common": ("该合作方式不是双方都接受的方式", "This mode is not acceptable to both sides"),
    "no_common_mode": ("需求方与专家没有共同接受的合作方式", "The demand and the expert have no sharing mode in common"),
    "duplicate_invitation": ("已向该专家发出邀请，正在等待答复", "An invitation to this expert is already pending"),
    "reason_required": ("请说明原因", "A reason is required"),
    "coi_required": ("请填写利益冲突声明", "The conflict-of-interest declaration is required"),
    "confidentiality_required": ("请作出保密承诺", "The confidentiality undertaking is required"),
    "at_capacity": ("在办的合作已达上限", "The expert's engagements are at their limit"),
    "not_completed": ("完成后才能评价", "Only a completed engagement or application can be rated"),
    "already_rated": ("已经评价过，每方只能评价一次", "Already rated; each side rates once"),
    # services (services.services): applications, materials, talent cards
    "item_unavailable": ("该事项当前不可申请（未发布或已停办）", "The item cannot be applied for now (unpublished or discontinued)"),
    "unknown_region": ("地区应为北京(11)、天津(12)或河北(13)", "The region must be 11 (Beijing), 12 (Tianjin) or 13 (Hebei)"),
    "mail_unavailable": ("该事项不提供邮寄送达", "This item offers no delivery by mail"),
    "missing_materials": ("缺少必需的申请材料", "Mandatory materials are missing"),
    "unknown_material": ("不是该事项标准所列的材料", "Not a material listed in the item's standard"),
    "not_requested": ("不在补正告知所列材料之中", "Not among the materials the correction notice listed"),
    "empty_file": ("文件为空", "The file is empty"),
    "file_too_large": ("文件超过大小上限", "The file is larger than allowed"),
    "file_type": ("文件类型不被接受", "This file type is not accepted"),
    "file_content": ("文件内容与扩展名不符", "The file's content does not match its extension"),
    "correction_once": ("补正告知应一次性告知，不能再次要求补正", "A correction notice is given once only"),
    "outside_region": ("该人才不在京津冀三地", "The talent is not of Beijing, Tianjin or Hebei"),
    "talent_unverified": ("该人才尚未经共同认定（核验）", "The talent has not been verified"),
    "card_exists": ("该人才已有有效的人才卡", "The talent already holds a live card"),
    "busy": ("系统繁忙，请稍后重试", "Busy; please retry"),
    # notifications (notifications.services)
    "unknown_kind": ("未知的通知类型", "Unknown notification kind"),
    "unknown_channel": ("未知的通知渠道", "Unknown notification channel"),
    "invalid": ("输入值无效", "Invalid value"),
    "invalid_choice": ("选项无效", "Invalid choice"),
    "max_length": ("内容过长", "Too long"),
    "blank": ("此项不能为空", "This field may not be blank"),
    "null": ("此项不能为空", "This field may not be null"),
    "min_value": ("数值过小", "The value is too small"),
    "max_value": ("数值过大", "The value is too large"),
}

# Codes that mean "this clashes with data already held" rather than "this input is wrong".
CONFLICT_CODES = frozenset({"duplicate", "duplicate_person", "identity_conflict", "mobile_conflict", "illegal_transition", "unique", "merge_conflict", "already_rated", "card_exists"})

# Codes of an uploaded file the services refuse (services.materials: type, content, size): the request's own
# fault, like a malformed body, so a 400 naming the file's field (``materials.<key>``, ``result_file``).
UPLOAD_CODES = frozenset({"empty_file", "file_too_large", "file_type", "file_content", "unknown_material", "not_requested"})


STATUS_TITLES = {
    400: "validation_error", 401: "not_authenticated", 403: "permission_denied", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 409: "conflict", 412: "precondition_failed", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "unprocessable", 429: "throttled", 500: "server_error",
}


def is_english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def text(code: str, **params) -> str:
    zh, en = MESSAGES.get(code, (code, code))
    template = en if is_english() else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def service_message(code: str, message: str) -> str:
    """A registry service's message in the request's language: its Chinese text, or the English of its code."""
    if is_english() and code in MESSAGES:
        return MESSAGES[code][1]
    return message


# --- exceptions raised by the API layer -----------------------------------------------------------------


class ProblemException(exceptions.APIException):
    problem = "unprocessable"

    def __init__(self, code: str | None = None, *, status_code: int | None = None, errors: list[dict] | None = None, **params):
        self.problem_code = code or self.problem
        if status_code:
            self.status_code = status_code
        self.errors = errors or []
        super().__init__(detail=text(self.problem_code, **params), code=self.problem_code)


class Conflict(ProblemException):
    status_code = status.HTTP_409_CONFLICT
    problem = "conflict"


class PreconditionFailed(ProblemException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    problem = "etag_mismatch"


class Unprocessable(ProblemException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    problem = "unprocessable"


class Forbidden(ProblemException):
    status_code = status.HTTP_403_FORBIDDEN
    problem = "permission_denied"


# --- converting errors to the field-error list ---------------------------------------------------------


def unknown_record(*fields: str) -> DjangoValidationError:
    """Ids or codes in a request body that name nothing are the body's error (422 per field), not a missing resource (404)."""
    return DjangoValidationError({f: [DjangoValidationError(text("unknown_record"), code="unknown_record")] for f in fields})


def django_errors(exc: DjangoValidationError) -> list[dict]:
    """[{field, code, message}] of a Django ValidationError raised by a service or a model."""
    out = []
    if hasattr(exc, "error_dict"):
        items = exc.error_dict.items()
    else:
        items = [(None, exc.error_list)]
    for field, errs in items:
        for err in errs:
            for leaf in getattr(err, "error_list", [err]):
                code = leaf.code or "invalid"
                message = leaf.message % leaf.params if leaf.params else leaf.message
                out.append({"field": None if field in (None, "__all__") else field, "code": code, "message": service_message(code, str(message))})
    return out


def drf_errors(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into [{field, code, message}] with dotted / indexed paths."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key not in ("non_field_errors",) else ""
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.extend(drf_errors(value, path))
    elif isinstance(detail, list):
        if all(isinstance(d, exceptions.ErrorDetail) or isinstance(d, str) for d in detail):
            for d in detail:
                out.append({"field": prefix or None, "code": getattr(d, "code", "invalid") or "invalid", "message": str(d)})
        else:
            for i, value in enumerate(detail):
                if value:
                    out.extend(drf_errors(value, f"{prefix}[{i}]"))
    else:
        out.append({"field": prefix or None, "code": getattr(detail, "code", "invalid") or "invalid", "message": str(detail)})
    return out


def problem_body(*, status_code: int, code: str, detail: str = "", instance: str = "", errors: list[dict] | None = None) -> dict:
    title_code = STATUS_TITLES.get(status_code, "server_error")
    body = {
        "type": TYPE_BASE + code,
        "title": text(title_code),
        "status": status_code,
        "detail": detail or text(title_code),
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(*, status_code: int, code: str, detail: str = "", request=None, errors: list[dict] | None = None, headers: dict | None = None) -> Response:
    instance = request.get_full_path() if request is not None else ""
    body = problem_body(status_code=status_code, code=code, detail=detail, instance=instance, errors=errors if errors is not None else [])
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def validation_problem(exc: DjangoValidationError) -> tuple[int, str, list[dict]]:
    errors = django_errors(exc)
    codes = {e["code"] for e in errors}
    if codes & UPLOAD_CODES:
        return status.HTTP_400_BAD_REQUEST, "validation_error", errors
    if codes and codes <= CONFLICT_CODES | {"required"} and codes & CONFLICT_CODES:
        return status.HTTP_409_CONFLICT, "conflict", errors
    return status.HTTP_422_UNPROCESSABLE_ENTITY, "unprocessable", errors


_DRF_CODES = {
    exceptions.ParseError: "malformed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER for the API views: every error becomes a problem-details response."""
    request = context.get("request")
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    set_rollback()
    if isinstance(exc, DjangoValidationError):
        status_code, code, errors = validation_problem(exc)
        return problem_response(status_code=status_code, code=code, detail=errors[0]["message"] if len(errors) == 1 else text(code), request=request, errors=errors)
    if isinstance(exc, IntegrityError):
        return problem_response(status_code=409, code="conflict", request=request)
    if isinstance(exc, (DataError, OverflowError)):
        # a value the database cannot hold (too large a number, a NUL character…): the caller's input
        return problem_response(status_code=400, code="validation_error", request=request, errors=[{"field": None, "code": "invalid", "message": text("invalid")}])
    if isinstance(exc, ProblemException):
        return problem_response(status_code=exc.status_code, code=exc.problem_code, detail=str(exc.detail), request=request, errors=exc.errors)
    if isinstance(exc, exceptions.ValidationError):
        errors = drf_errors(exc.detail)
        detail = errors[0]["message"] if len(errors) == 1 else text("validation_error")
        return problem_response(status_code=400, code="validation_error", detail=detail, request=request, errors=errors)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = "%d" % exc.wait
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None) or str(exc.default_code)
        detail = str(exc.detail) if not isinstance(exc.detail, (list, dict)) else text(code)
        if isinstance(exc, exceptions.Throttled):
            detail = text("throttled") + (f" ({exc.wait}s)" if exc.wait else "")
        return problem_response(status_code=exc.status_code, code=code, detail=detail, request=request, headers=headers)
    if isinstance(exc, DatabaseError):
        log.exception("database error in the API")
    else:
        log.exception("unhandled error in the API")
    return problem_response(status_code=500, code="server_error", request=request)
