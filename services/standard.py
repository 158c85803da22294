"""The 同事同标 standard of a service item as data, no Django: categories, channels, and the checks of the
five standard elements (事项名称, 办理要素, 办事流程, 受理标准, 办理时限).

办理要素 = ``conditions`` (list of texts) + ``materials``: a list of
``{"key", "name", "mandatory", "formats", "example", "notes"}`` (``key`` is a short identifier, unique
within the standard; ``formats`` among :data:`services.materials.FORMATS`).
办事流程 = ``steps``: a list of ``{"name", "description"}``.
"""

from __future__ import annotations

import re

from .materials import FORMATS

CATEGORIES = (
    ("social_insurance", "社保", "Social insurance"),
    ("medical", "医疗", "Medical care"),
    ("education", "教育", "Education"),
    ("housing", "住房", "Housing"),
    ("residence", "落户居留", "Residence"),
    ("title", "职称", "Professional titles"),
    ("talent_card", "人才卡", "Talent card"),
    ("exit_entry", "出入境", "Exit and entry"),
    ("employment", "就业创业", "Employment and entrepreneurship"),
    ("elderly", "养老", "Elderly care"),
    ("family", "婚育", "Marriage and childbirth"),
    ("travel", "出行", "Travel"),
)
CHANNELS = (
    ("online", "网上办理", "Online"),
    ("window", "窗口办理", "At a service window"),
    ("mail", "邮寄办理", "By mail"),
)
CHANNEL_CODES = tuple(c for c, _, _ in CHANNELS)
STANDARD_FIELDS = ("name", "conditions", "materials", "steps", "acceptance_criteria", "time_limit_days", "legal_basis", "fee", "channels")
MAX_TIME_LIMIT = 365
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def validate(data: dict) -> dict[str, list[str]]:
    """Field → Chinese messages for every problem of a standard (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        add("name", "请填写事项名称")
    elif len(name) > 100:
        add("name", "事项名称不超过100个字符")
    conditions = data.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, str) and c.strip() for c in conditions):
        add("conditions", "办理条件应为非空文字的列表")
    materials = data.get("materials")
    if not isinstance(materials, list) or not materials:
        add("materials", "请至少列出一项申请材料")
    else:
        seen = set()
        for i, m in enumerate(materials, 1):
            if not isinstance(m, dict):
                add("materials", f"第{i}项材料格式不正确")
                continue
            key = m.get("key", "")
            if not isinstance(key, str) or not _KEY.match(key):
                add("materials", f"第{i}项材料的标识“{key}”应为小写字母开头的字母、数字或下划线")
            elif key in seen:
                add("materials", f"材料标识“{key}”重复")
            seen.add(key)
            if not (m.get("name") or "").strip():
                add("materials", f"第{i}项材料缺少名称")
            if not isinstance(m.get("mandatory"), bool):
                add("materials", f"第{i}项材料须注明是否必需")
            formats = m.get("formats") or []
            unknown = [f for f in formats if f not in FORMATS]
            if not formats or unknown:
                add("materials", f"第{i}项材料的文件格式应为：{'、'.join(FORMATS)}中的一种或几种")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) and (s.get("name") or "").strip() for s in steps):
        add("steps", "请列出办事流程的各个环节（每个环节须有名称）")
    if not (data.get("acceptance_criteria") or "").strip():
        add("acceptance_criteria", "请填写受理标准")
    limit = data.get("time_limit_days")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_TIME_LIMIT:
        add("time_limit_days", f"办理时限应为1到{MAX_TIME_LIMIT}之间的整数（工作日）")
    channels = data.get("channels") or []
    if not channels or any(c not in CHANNEL_CODES for c in channels):
        add("channels", f"办理渠道应从{'、'.join(zh for _, zh, _ in CHANNELS)}中选择")
    return errors
