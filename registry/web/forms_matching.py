"""Forms of the matching pages (recommendations, invitations, applications, engagements, ratings). Parsing and
rendering only: the rules are in ``matching.services``, whose errors ``apply_errors`` puts next to the fields."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import DECLINE_REASON_CHOICES

from .. import domain
from .forms import DateInput, PortalForm

COI_HELP = _("说明您与需求单位是否存在任职、投资、亲属等关系；如无利益冲突，请写明“无”")
CONFIDENTIALITY_TEXT = _("我承诺对合作中知悉的对方商业秘密和技术秘密保密，未经同意不向第三方披露。")


def mode_choices(codes=None):
    labels = domain.labels(domain.SHARING_MODES)
    codes = codes if codes is not None else domain.SHARING_MODE_CODES
    return [("", _("双方共同接受的方式（自动）"))] + [(c, _(labels[c])) for c in codes if c in labels]


def common_modes(demand, expert) -> list[str]:
    both = set(demand.sharing_modes or []) & set(expert.sharing_modes or [])
    return [c for c in domain.SHARING_MODE_CODES if c in both]


class InviteForm(PortalForm):
    message = forms.CharField(label=_("邀请说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("说明希望专家解决的问题、时间安排等"))
    proposed_mode = forms.ChoiceField(label=_("拟合作方式"), required=False, choices=())
    proposed_terms = forms.CharField(label=_("拟合作条件"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(label=_("答复截止日期"), required=False, widget=DateInput)
    error_aliases: ClassVar[dict[str, str]] = {"mode": "proposed_mode", "expert": "__all__", "demand": "__all__", "recommendation": "__all__"}

    def __init__(self, *args, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_mode"].choices = mode_choices(modes)


class AcceptForm(PortalForm):
    coi_declaration = forms.CharField(label=_("利益冲突声明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=COI_HELP)
    confidentiality_undertaking = forms.BooleanField(label=CONFIDENTIALITY_TEXT, required=False)
    mode = forms.ChoiceField(label=_("合作方式"), required=False, choices=())
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DateInput, help_text=_("留空则按需求期限"))
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput)
    error_aliases: ClassVar[dict[str, str]] = {"expert": "__all__", "demand": "__all__", "status": "__all__"}

    def __init__(self, *args, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = mode_choices(modes)


class DeclineForm(PortalForm):
    reason = forms.ChoiceField(label=_("谢绝原因"), choices=[("", "—")] + list(DECLINE_REASON_CHOICES))
    note = forms.CharField(label=_("补充说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    error_aliases: ClassVar[dict[str, str]] = {"status": "__all__"}


class ExpertNumbersField(forms.CharField):
    """Expert numbers typed as “12, 15、18”, kept as a list of ints."""

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return list(value)
        text = (super().to_python(value) or "").replace("，", ",").replace("、", ",").replace(" ", ",")
        parts = [p for p in text.split(",") if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("专家编号应为数字，多个编号用逗号分隔"), code="invalid")
        return list(dict.fromkeys(int(p) for p in parts))

    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value


class ApplyDemandForm(PortalForm):
    proposal = forms.CharField(label=_("申请说明 / 揭榜方案"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("揭榜挂帅需求必须填写方案"))
    proposed_mode = forms.ChoiceField(label=_("拟合作方式"), required=False, choices=())
    coi_declaration = forms.CharField(label=_("利益冲突声明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=COI_HELP)
    confidentiality_undertaking = forms.BooleanField(label=CONFIDENTIALITY_TEXT, required=False)
    team = ExpertNumbersField(label=_("团队成员（组团服务，可选）"), required=False, max_length=200,
                              help_text=_("填写团队其他成员的专家编号（专家名录中每位专家页面上显示），用逗号分隔；每位成员须在“组团确认”中自行确认加入"))
    error_aliases: ClassVar[dict[str, str]] = {"mode": "proposed_mode", "demand": "__all__", "expert": "__all__"}

    def __init__(self, *args, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_mode"].choices = mode_choices(modes)


class EngagementRatingForm(PortalForm):
    score = forms.TypedChoiceField(label=_("评分"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 基本满意")), (2, _("2 不满意")), (1, _("1 非常不满意"))])
    comment = forms.CharField(label=_("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    error_aliases: ClassVar[dict[str, str]] = {"engagement": "__all__"}


class TerminateForm(PortalForm):
    reason = forms.CharField(label=_("终止原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TeamConfirmForm(PortalForm):
    """A team member (组团服务) confirms joining an application, with their own declarations."""

    coi_declaration = forms.CharField(label=_("利益冲突声明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=COI_HELP)
    confidentiality_undertaking = forms.BooleanField(label=CONFIDENTIALITY_TEXT, required=False)
    error_aliases: ClassVar[dict[str, str]] = {"status": "__all__", "expert": "__all__"}
