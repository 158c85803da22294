"""OpenAPI conventions: the API-key security scheme, and every operation's error responses as problem details."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .errors import PROBLEM_CONTENT_TYPE

# Headers every write documents (the idempotency key) and every change of an existing row (If-Match).
IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="幂等键：相同键与相同请求体重放首次应答；相同键、不同请求体返回422 / Same key + same body replays the first answer; same key + another body is a 422",
)
IF_MATCH_PARAM = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="读取时得到的 ETag；记录已被修改则返回412 / The ETag you read; 412 if the record changed since",
)


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="出错的字段（批量时如 rows[3].name）；整体错误为 null / The field (rows[3].name in bulk), null for the whole request")
    code = serializers.CharField(help_text="机器可读的错误代码 / Machine-readable code")
    message = serializers.CharField(help_text="说明（中文，或按 Accept-Language: en 为英文） / Message in Chinese, or English by Accept-Language")


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="urn:jjjtalent:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)
    instance = serializers.CharField(allow_blank=True)
    errors = FieldErrorSerializer(many=True)

    class Meta:
        ref_name = "Problem"


ERROR_TEXT = {
    "400": "请求格式或字段类型错误 / Malformed request or wrong field types",
    "401": "缺少或无效的接口密钥 / Missing or invalid API key",
    "403": "权限范围或地区不允许 / Scope or region does not allow this",
    "404": "记录不存在 / Not found",
    "409": "与已有数据冲突（重复登记、非法状态变更） / Conflicts with existing data",
    "412": "If-Match 与当前 ETag 不符 / If-Match does not match the current ETag",
    "422": "数据未通过校验（字段错误列表） / Data failed validation (list of field errors)",
    "429": "请求过于频繁（见 Retry-After） / Too many requests (see Retry-After)",
    "406": "无法提供所请求的格式（仅 JSON） / Not acceptable (JSON only)",
    "413": "行数超过上限 / Too many rows",
    "415": "请求体须为 JSON / The body must be JSON",
}


class ApiAutoSchema(AutoSchema):
    """Adds the problem-details error responses an operation can give, by its kind."""

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "406", "429"]
        method = self.method
        has_pk = "{" in self.path
        if method == "GET":
            codes.append("400")
            if has_pk:
                codes.append("404")
        else:
            codes += ["400", "409", "415", "422"]
            if self.path.rstrip("/").endswith("/bulk"):
                codes.append("413")
            if has_pk:
                codes.append("404")
            if method in ("PUT", "PATCH"):
                codes.append("412")
        return sorted(set(codes))

    def _is_list_view(self, serializer=None) -> bool:
        from .views import ListView

        if isinstance(self.view, ListView) and self.method == "GET":
            return True
        return super()._is_list_view(serializer)

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for param in operation.get("parameters", []):
            # model verbose names (Chinese) as schema titles would name generated clients' enums: use the parameter's name
            schema = param.get("schema", {})
            for node in (schema, schema.get("items", {})):
                node.pop("title", None)
        ref = self.resolve_serializer(ProblemSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        codes = self._error_codes()
        if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
            codes = sorted(set(codes) | {"412"})
        for code in codes:
            entry = responses.setdefault(code, {"description": ERROR_TEXT[code], "content": {}})
            entry.setdefault("content", {}).setdefault(PROBLEM_CONTENT_TYPE, {"schema": ref})
        if method == "GET" and "{" in path and "200" in responses:
            responses["200"].setdefault("headers", {})["ETag"] = {"schema": {"type": "string"}, "description": "记录版本 / Version of the record"}
            responses.setdefault("304", {"description": "未修改（If-None-Match 命中） / Not modified"})
        return operation


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "registry.apikit.auth.ApiKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "合作系统接口密钥（也可用 `Authorization: Api-Key <key>`） / Partner API key (or `Authorization: Api-Key <key>`)",
        }


# Choice sets used by several components, named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
TITLE_LEVEL_CODES = [row[0] for row in __import__("registry.domain", fromlist=["TITLE_LEVELS"]).TITLE_LEVELS]
ORGANISATION_TARGETS = ["verified", "suspended"]
STATUS_CODES = __import__("registry.choices", fromlist=["Status"]).Status.values
BULK_ROW_STATUSES = ["created", "updated", "error", "rolled_back"]
SHARING_MODE_CODES = list(__import__("registry.domain", fromlist=["SHARING_MODE_CODES"]).SHARING_MODE_CODES)
DEMAND_KINDS = [row[0] for row in __import__("registry.domain", fromlist=["DEMAND_KINDS"]).DEMAND_KINDS]
