"""Forms of the portals. They parse what was typed (dates, numbers, code lists) and render accessible
fields; the rules live in ``registry.services``, whose ``ValidationError`` dicts are mapped back onto the
fields by :func:`apply_errors`."""

from __future__ import annotations

import json
from typing import ClassVar

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import domain
from ..choices import (
    DEGREE_CHOICES,
    DEMAND_KIND_CHOICES,
    MUTUAL_RECOGNITION_CHOICES,
    ORGANISATION_TYPE_CHOICES,
    SEEKING_STATUS_CHOICES,
    SHARING_MODE_CHOICES,
    TALENT_TEAM_CHOICES,
    TITLE_LEVEL_CHOICES,
    TITLE_SERIES_CHOICES,
    URGENCY_CHOICES,
)
from ..models import Discipline, Division, Industry, Occupation, User
from . import throttle, tokens

PICKER_MODELS = {"division": Division, "hebei": Division, "industry": Industry, "discipline": Discipline, "occupation": Occupation}


def code_labels(kind: str, codes: list[str]) -> dict[str, str]:
    """code → "name (code)" for the codes that exist, to show chosen values in a picker."""
    model = PICKER_MODELS[kind]
    return {o.code: o.name for o in model.objects.filter(code__in=[c for c in codes if c])}


class PickerInput(forms.TextInput):
    """A text input holding one code or comma-separated codes. Without JavaScript the person types codes;
    with it, static/js/site.js turns it into a searchable combobox over /portal/codes/<kind>/."""

    def __init__(self, kind: str, *, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.kind, self.multiple = kind, multiple

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return ",".join(str(v) for v in value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        codes = [c.strip() for c in (self.format_value(value) or "").split(",") if c.strip()]
        a = context["widget"]["attrs"]
        a["data-picker"] = self.kind
        a["data-labels"] = json.dumps(code_labels(self.kind, codes), ensure_ascii=False)
        a["autocomplete"] = "off"
        if self.multiple:
            a["data-multiple"] = "1"
        return context


class CodeField(forms.CharField):
    def __init__(self, kind: str, **kwargs):
        kwargs.setdefault("widget", PickerInput(kind))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return (super().to_python(value) or "").strip()


class CodesField(forms.CharField):
    def __init__(self, kind: str, **kwargs):
        kwargs.setdefault("widget", PickerInput(kind, multiple=True))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        text = (super().to_python(value) or "").replace("，", ",").replace("、", ",").replace(" ", ",")
        return [c.strip() for c in text.split(",") if c.strip()]

    def prepare_value(self, value):
        return ",".join(value) if isinstance(value, (list, tuple)) else value


class ListTextField(forms.CharField):
    """Skills and the like: typed as “a、b，c”, kept as a list."""

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return list(value)
        text = (super().to_python(value) or "").replace("，", ",").replace("、", ",").replace(";", ",").replace("；", ",")
        return [s.strip() for s in text.split(",") if s.strip()]

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, (list, tuple)) else value


def hebei_city_choices():
    return [(d.code, d.name) for d in Division.objects.filter(region=domain.DEMAND_REGION, level=Division.Level.PREFECTURE).order_by("code")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PortalForm(forms.Form):
    """Adds the one-time token and maps service errors onto fields."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Service field names that this form shows under another field
    error_aliases: ClassVar[dict[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", tokens.issue())
        for field in self.fields.values():
            choose = isinstance(field, (forms.ChoiceField, CodeField, CodesField)) or isinstance(field.widget, PickerInput)
            template = _("请选择“%(label)s”") if choose else _("请填写“%(label)s”")
            field.error_messages["required"] = template % {"label": field.label}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "form_token"}


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put each message of a service's ValidationError next to its field (unknown fields go on top)."""
    if hasattr(exc, "error_dict"):
        items = exc.error_dict.items()
    else:
        items = [(None, exc.error_list)]
    aliases = getattr(form, "error_aliases", {})
    for field, errors in items:
        field = aliases.get(field, field)
        target = field if field in form.fields else None
        for error in errors:
            for message in error.messages if hasattr(error, "messages") else [str(error)]:
                form.add_error(target, message)


# --- accounts ---------------------------------------------------------------------------------------


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form with a failure counter per username and address."""

    error_messages: ClassVar[dict] = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。请注意区分大小写；忘记密码可通过下方链接重设。"),
        "locked": _("登录失败次数过多，已暂时锁定，请 %(minutes)s 分钟后再试，或通过“忘记密码”重设密码。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        if throttle.is_locked(username, ip):
            raise ValidationError(self.error_messages["locked"], code="locked", params={"minutes": throttle.WINDOW_SECONDS // 60})
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" or getattr(exc, "code", None) is None:
                count = throttle.register_failure(username, ip)
                left = throttle.MAX_FAILURES - count
                if left <= 0:
                    raise ValidationError(self.error_messages["locked"], code="locked", params={"minutes": throttle.WINDOW_SECONDS // 60}) from None
                raise ValidationError([exc, ValidationError(_("还可尝试 %(left)s 次。"), code="attempts_left", params={"left": left})]) from None
            raise
        throttle.reset(username, ip)
        return cleaned


SIGNUP_ROLES = [
    ("enterprise", _("用人单位（企业、事业单位、园区）")),
    ("expert", _("京津专家")),
    ("graduate", _("高校毕业生")),
    ("personal", _("个人（办理人才服务事项）")),
]


class SignupForm(auth_forms.UserCreationForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("用于找回密码和接收通知"))
    role = forms.ChoiceField(label=_("我是"), choices=SIGNUP_ROLES, widget=forms.RadioSelect, initial="enterprise")

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", tokens.issue())
        self.fields["username"].help_text = _("4–150个字符，可用字母、数字和 @ . + - _")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("该邮箱已注册。如忘记密码，请使用“忘记密码”重设。"), code="duplicate_email")
        return email

    def clean_username(self):
        username = super().clean_username()
        if len(username) < 4:
            raise ValidationError(_("用户名至少4个字符"), code="min_length")
        return username


# --- organisations and demand --------------------------------------------------------------------------


class OrganisationForm(PortalForm):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, help_text=_("18位，见营业执照或法人证书；不含 I、O、Z、S、V"),
        widget=forms.TextInput(attrs={"data-credit-code": "1", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}),
    )
    org_type = forms.ChoiceField(label=_("单位类型"), choices=ORGANISATION_TYPE_CHOICES)
    division = CodeField("division", label=_("所在地"), required=True, help_text=_("输入区县或城市名称、拼音或代码后从列表中选择"))
    industry = CodeField("industry", label=_("所属行业"), help_text=_("国民经济行业分类（GB/T 4754-2017），输入名称或代码搜索"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话（手机）"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    description = forms.CharField(label=_("单位简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


DEMAND_STEPS = (
    (_("需求概况"), ("kind", "title", "description")),
    (_("分类与地点"), ("industry", "disciplines", "occupation", "city")),
    (_("要求与期限"), ("required_skills", "min_title_level", "sharing_modes", "period_start", "period_end", "headcount",
                   "budget_min", "budget_max", "urgency", "challenge_reward", "challenge_deadline", "expires_at")),
)


class DemandForm(PortalForm):
    kind = forms.ChoiceField(label=_("需求类型"), choices=DEMAND_KIND_CHOICES, help_text=_("“揭榜挂帅”须同时写明奖金和揭榜截止日期"))
    title = forms.CharField(label=_("需求名称"), max_length=200, help_text=_("一句话说明需要解决的问题或岗位，如“高强度焊接工艺攻关”"))
    description = forms.CharField(label=_("需求描述"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("背景、目标、已有条件、期望成果"))
    industry = CodeField("industry", label=_("所属行业"), required=True, help_text=_("输入行业名称或代码（GB/T 4754-2017）后从列表中选择"))
    disciplines = CodesField("discipline", label=_("相关学科"), help_text=_("可选多个，输入学科名称或国家自然科学基金申请代码"))
    occupation = CodeField("occupation", label=_("岗位职业"), help_text=_("岗位类需求可选，按《职业分类大典》"))
    city = CodeField("division", label=_("需求所在地"), required=True, help_text=_("需求落地的城市或区县"))
    required_skills = ListTextField(label=_("所需技能"), required=False, help_text=_("多个技能用顿号或逗号分隔"))
    min_title_level = forms.ChoiceField(label=_("最低职称要求"), choices=TITLE_LEVEL_CHOICES, initial="none")
    sharing_modes = forms.MultipleChoiceField(label=_("可接受的合作方式"), choices=SHARING_MODE_CHOICES, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("至少选一种；只有接受其中某种方式的专家才会被推荐"))
    period_start = forms.DateField(label=_("开始日期"), widget=DateInput)
    period_end = forms.DateField(label=_("结束日期"), widget=DateInput)
    headcount = forms.IntegerField(label=_("需求人数"), initial=1, required=False, widget=forms.NumberInput(attrs={"min": 1, "max": 500}))
    budget_min = forms.DecimalField(label=_("预算下限（万元）"), required=False, max_digits=10, decimal_places=2, min_value=0)
    budget_max = forms.DecimalField(label=_("预算上限（万元）"), required=False, max_digits=10, decimal_places=2, min_value=0)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=URGENCY_CHOICES, initial="normal")
    challenge_reward = forms.DecimalField(label=_("揭榜奖金（万元）"), required=False, max_digits=10, decimal_places=2, min_value=0)
    challenge_deadline = forms.DateField(label=_("揭榜截止日期"), widget=DateInput, required=False)
    expires_at = forms.DateField(label=_("有效期至"), widget=DateInput, required=False)

    def steps(self):
        return [(i + 1, title, [self[name] for name in names]) for i, (title, names) in enumerate(DEMAND_STEPS)]

    def service_data(self) -> dict:
        data = super().service_data()
        if data.get("headcount") is None:
            data.pop("headcount", None)
        return data


# --- experts and graduates ---------------------------------------------------------------------------------


class PersonFields(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("居民身份证号"), max_length=30, required=False,
                                help_text=_("18位；仅用于识别同一自然人，加密保存，不对外展示"),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False, help_text=_("身份证号与手机号至少填写一项"),
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("电子邮箱"), required=False)


CONSENT_SHARE_TEXT = _(
    "我单独同意：平台将我的姓名、工作单位、职称、专业领域和联系方式提供给与我对接的河北用人单位，"
    "仅用于人才共享合作的联系与洽谈。我可以随时在“我的”页面撤回同意；撤回不影响撤回前已进行的处理。"
)
CONSENT_PUBLIC_TEXT = _("我同意在公开的专家名录中展示我的姓名、工作单位、职称、专业领域、技能和服务方式（不含证件号、手机号、邮箱）。")


class ExpertProfileForm(PortalForm):
    employer_name = forms.CharField(label=_("工作单位"), max_length=200)
    home_division = CodeField("division", label=_("所在地"), required=True, help_text=_("工作单位所在区，如“海淀区”"))
    talent_team = forms.ChoiceField(label=_("人才类别"), choices=TALENT_TEAM_CHOICES, initial="professional_technical")
    title_series = forms.ChoiceField(label=_("职称系列"), choices=[("", "—")] + list(TITLE_SERIES_CHOICES), required=False)
    title_level = forms.ChoiceField(label=_("职称级别"), choices=TITLE_LEVEL_CHOICES, initial="none")
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    disciplines = CodesField("discipline", label=_("学科"), help_text=_("输入学科名称或国家自然科学基金申请代码，可选多个"))
    industries = CodesField("industry", label=_("服务行业"), help_text=_("输入行业名称或代码，可选多个"))
    skills = ListTextField(label=_("专业技能"), required=False, help_text=_("多个技能用顿号或逗号分隔"))
    research_areas = forms.CharField(label=_("研究方向"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    achievements = forms.CharField(label=_("主要成果"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sharing_modes = forms.MultipleChoiceField(label=_("接受的合作方式"), choices=SHARING_MODE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    serves_all_hebei = forms.BooleanField(label=_("服务河北全省"), required=False)
    served_cities = forms.MultipleChoiceField(label=_("愿意服务的河北城市"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
                                              help_text=_("未勾选“服务河北全省”时至少选一个"))
    max_engagements = forms.IntegerField(label=_("可同时承担的合作数"), initial=2, widget=forms.NumberInput(attrs={"min": 1, "max": 20}))
    days_per_month = forms.IntegerField(label=_("每月可投入天数"), initial=4, widget=forms.NumberInput(attrs={"min": 1, "max": 31}))
    available_from = forms.DateField(label=_("可服务起始日期"), widget=DateInput, required=False)
    available_until = forms.DateField(label=_("可服务截止日期"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_cities"].choices = hebei_city_choices()


class ExpertRegisterForm(PersonFields, ExpertProfileForm):
    consent_share = forms.BooleanField(label=CONSENT_SHARE_TEXT, required=False)
    consent_public = forms.BooleanField(label=CONSENT_PUBLIC_TEXT, required=False)

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("consent_public", None)
        return data


class ConsentForm(forms.Form):
    consent_public = forms.BooleanField(label=CONSENT_PUBLIC_TEXT, required=False)
    consent_share = forms.BooleanField(label=CONSENT_SHARE_TEXT, required=False)


class GraduateProfileForm(PortalForm):
    school = forms.CharField(label=_("毕业院校"), max_length=100)
    school_division = CodeField("division", label=_("院校所在地"), required=True)
    degree = forms.ChoiceField(label=_("学历学位"), choices=DEGREE_CHOICES, initial="bachelor")
    major = forms.CharField(label=_("专业"), max_length=100)
    major_discipline = CodeField("discipline", label=_("专业所属学科"))
    graduation_year = forms.IntegerField(label=_("毕业年份"), widget=forms.NumberInput(attrs={"min": 1980, "max": 2035}))
    preferred_cities = forms.MultipleChoiceField(label=_("意向城市（河北）"), choices=(), widget=forms.CheckboxSelectMultiple, required=False)
    intended_industries = CodesField("industry", label=_("意向行业"))
    job_intentions = forms.CharField(label=_("求职意向"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    seeking_status = forms.ChoiceField(label=_("求职状态"), choices=SEEKING_STATUS_CHOICES, initial="seeking")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_cities"].choices = hebei_city_choices()


class GraduateRegisterForm(PersonFields, GraduateProfileForm):
    consent_share = forms.BooleanField(label=CONSENT_SHARE_TEXT, required=False)


# --- search ------------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    city = CodeField("division", label=_("城市"))
    industry = CodeField("industry", label=_("行业"))
    discipline = CodeField("discipline", label=_("学科"))
    mode = forms.ChoiceField(label=_("合作方式"), choices=[("", _("不限"))] + list(SHARING_MODE_CHOICES), required=False)


# --- 同事同标 services (the services app) ---------------------------------------------------------------

SERVICE_REGION_CHOICES = [(code, _(zh)) for code, zh, _en in domain.REGIONS]


def _material_help(spec: dict) -> str:
    from services.materials import FORMAT_LABELS

    parts = [_("格式：%(formats)s") % {"formats": "、".join(FORMAT_LABELS.get(f, f) for f in spec.get("formats", []))}]
    if spec.get("example"):
        parts.append(_("示例：%(example)s") % {"example": spec["example"]})
    if spec.get("notes"):
        parts.append(spec["notes"])
    return "；".join(parts)


class MaterialsMixin:
    """One file input per material of a standard, named ``m_<key>``; the service's ``materials.<key>`` errors
    are shown next to it."""

    def add_materials(self, specs: list[dict], *, required_keys=None):
        self._material_specs = specs
        for spec in specs:
            key = spec["key"]
            required = spec.get("mandatory", False) if required_keys is None else key in required_keys
            field = forms.FileField(label=spec["name"], required=required, help_text=_material_help(spec))
            field.error_messages["required"] = _("请上传“%(name)s”") % {"name": spec["name"]}
            self.fields[f"m_{key}"] = field
            self.error_aliases[f"materials.{key}"] = f"m_{key}"

    def check_uploads(self):
        """The same file check the service makes (services.materials), so every bad file is named at once."""
        from django.conf import settings

        from services import materials

        max_bytes = int(getattr(settings, "SERVICES_MATERIAL_MAX_BYTES", materials.DEFAULT_MAX_BYTES))
        for spec in self._material_specs:
            name = f"m_{spec['key']}"
            upload = self.cleaned_data.get(name)
            if not upload:
                continue
            upload.seek(0)
            head = upload.read(materials.SNIFF_BYTES)
            upload.seek(0)
            try:
                materials.check_file(name=upload.name, size=upload.size, head=head, formats=spec.get("formats", []), max_bytes=max_bytes, label=spec["name"])
            except materials.MaterialError as exc:
                self.add_error(name, exc.message)

    def clean(self):
        cleaned = super().clean()
        self.check_uploads()
        return cleaned

    def material_fields(self):
        return [self[name] for name in self.fields if name.startswith("m_")]

    def files_by_key(self) -> dict:
        return {name[2:]: f for name, f in self.cleaned_data.items() if name.startswith("m_") and f}


class ApplicationForm(MaterialsMixin, PortalForm):
    accept_region = forms.ChoiceField(label=_("受理地（在哪里提交）"), choices=SERVICE_REGION_CHOICES, help_text=_("可在京津冀任一地提交，由办理地办理（异地受理、收受分离）"))
    handle_region = forms.ChoiceField(label=_("办理地（由哪里办理）"), choices=SERVICE_REGION_CHOICES, help_text=_("一般为您的社保、户籍或单位所在地"))
    note = forms.CharField(label=_("申请说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    delivery = forms.ChoiceField(label=_("结果送达方式"), widget=forms.RadioSelect, choices=())
    mail_recipient = forms.CharField(label=_("收件人"), required=False, max_length=50)
    mail_phone = forms.CharField(label=_("收件电话"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    mail_address = forms.CharField(label=_("邮寄地址"), required=False, max_length=200)

    def __init__(self, *args, version=None, **kwargs):
        self.error_aliases = {"materials": "__all__"}
        super().__init__(*args, **kwargs)
        choices = [("download", _("网上下载"))]
        if version is not None and "mail" in (version.channels or []):
            choices.append(("mail", _("邮寄送达")))
        self.fields["delivery"].choices = choices
        self.fields["delivery"].initial = "download"
        if version is not None:
            self.add_materials(version.materials)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in ("accept_region", "handle_region", "delivery", "mail_recipient", "mail_phone", "mail_address")}
        data["files"] = self.files_by_key()
        data["form_data"] = {"note": self.cleaned_data.get("note", "")} if self.cleaned_data.get("note") else {}
        return data


class SupplementForm(MaterialsMixin, PortalForm):
    def __init__(self, *args, version=None, notice=None, **kwargs):
        self.error_aliases = {"materials": "__all__"}
        super().__init__(*args, **kwargs)
        keys = [i["key"] for i in notice.items]
        self.add_materials([version.material(k) or {"key": k, "name": k} for k in keys], required_keys=set(keys))


class RatingForm(PortalForm):
    score = forms.TypedChoiceField(label=_("评分"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 基本满意")), (2, _("2 不满意")), (1, _("1 非常不满意"))])
    comment = forms.CharField(label=_("评价内容"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


# --- 职称互认 (mutual recognition of qualifications) ------------------------------------------------------


class RecognitionForm(PortalForm):
    kind = forms.ChoiceField(label=_("互认事项"), choices=[("", "—")] + list(MUTUAL_RECOGNITION_CHOICES))
    origin_region = forms.ChoiceField(label=_("取得地"), choices=[("", "—")] + SERVICE_REGION_CHOICES, help_text=_("证书或资格在哪一地取得"))
    target_region = forms.ChoiceField(label=_("认可地"), choices=[("", "—")] + SERVICE_REGION_CHOICES, help_text=_("希望在哪一地得到认可；由该地工作人员认定"))
    title_series = forms.ChoiceField(label=_("职称系列"), required=False, choices=[("", "—")] + list(TITLE_SERIES_CHOICES), help_text=_("职称评审证书必填"))
    title_level = forms.ChoiceField(label=_("职称级别"), required=False, choices=[("", "—")] + [c for c in TITLE_LEVEL_CHOICES if c[0] != "none"],
                                    help_text=_("职称评审证书必填"))
    qualification_name = forms.CharField(label=_("资格名称"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("如：高级工程师")}))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=50)
    issuing_authority = forms.CharField(label=_("发证机关"), max_length=100)
    obtained_on = forms.DateField(label=_("取得日期"), widget=DateInput())

    def service_data(self) -> dict:
        """Every argument of ``recognition_apply``, blank where a field did not parse (so a trial run still
        reports the service's other errors)."""
        d = self.cleaned_data
        return {name: d.get(name, None if name == "obtained_on" else "") for name in self.fields if name != "form_token"}


class RecognitionDecideForm(PortalForm):
    decision = forms.ChoiceField(label=_("认定结论"), widget=forms.RadioSelect, choices=[("yes", _("予以认可")), ("no", _("不予认可"))])
    note = forms.CharField(label=_("认定意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("不予认可须说明理由"))
    decision_number = forms.CharField(label=_("认定文号"), required=False, max_length=40)
    error_aliases: ClassVar[dict[str, str]] = {"status": "__all__", "recognition": "__all__"}

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"recognise": d["decision"] == "yes", "note": d["note"], "decision_number": d["decision_number"]}
