"""Allowed transitions of the engagement lifecycle. Pure data and one check, no Django.

    Recommendation (kept, never changes)
    Invitation   pending -> accepted | declined | withdrawn | expired
    Application  submitted -> accepted | declined | withdrawn
    Engagement   active -> completed | terminated
    Rating       once per side of a completed engagement

An engagement exists only when both sides said yes: the enterprise by
inviting and the expert by accepting, or the expert by applying and the
enterprise by accepting.
"""
from __future__ import annotations

INVITATION = {
    "pending": {"accepted", "declined", "withdrawn", "expired"},
    "accepted": set(),
    "declined": set(),
    "withdrawn": set(),
    "expired": set(),
}

APPLICATION = {
    "submitted": {"accepted", "declined", "withdrawn"},
    "accepted": set(),
    "declined": set(),
    "withdrawn": set(),
}

ENGAGEMENT = {
    "active": {"completed", "terminated"},
    "completed": set(),
    "terminated": set(),
}

LABELS_ZH = {
    "pending": "待答复", "accepted": "已接受", "declined": "已谢绝", "withdrawn": "已撤回", "expired": "已过期",
    "submitted": "已提交", "active": "进行中", "completed": "已完成", "terminated": "已终止",
}

# Reasons an expert gives for declining an invitation, or an enterprise for declining an application.
DECLINE_REASONS = (
    ("no_time", "时间安排冲突", "no time in that period"),
    ("not_my_field", "专业方向不对口", "not my field"),
    ("too_far", "距离太远", "too far"),
    ("terms", "合作条件不合适", "terms not suitable"),
    ("capacity", "已满负荷", "fully booked"),
    ("proposal", "方案不符合要求", "proposal does not meet the need"),
    ("filled", "已找到合适人选", "already filled"),
    ("other", "其他", "other"),
)
DECLINE_REASON_CODES = tuple(code for code, _, _ in DECLINE_REASONS)


class TransitionError(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"不能从“{LABELS_ZH.get(current, current)}”变更为“{LABELS_ZH.get(target, target)}”")
        self.current = current
        self.target = target


def check_transition(table: dict[str, set[str]], current: str, target: str) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(current, target)
