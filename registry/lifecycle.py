"""Allowed status transitions of the registry's records. Pure data and one check, no Django."""

from __future__ import annotations

# Experts, graduates and high-level talent: verified by staff.
PERSON_RECORD = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"verified", "draft", "withdrawn"},
    "verified": {"suspended", "withdrawn", "submitted"},
    "suspended": {"verified", "withdrawn"},
    "withdrawn": set(),
}

# Demand: published by staff; published demand forms the 人才需求目录.
DEMAND = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"published", "draft", "withdrawn"},
    "published": {"suspended", "closed", "expired", "withdrawn"},
    "suspended": {"published", "closed", "withdrawn"},
    "expired": {"published", "closed"},
    "closed": set(),
    "withdrawn": set(),
}

# Organisations (用人单位): verified by staff.
ORGANISATION = {
    "submitted": {"verified", "suspended"},
    "verified": {"suspended"},
    "suspended": {"verified"},
}


class TransitionError(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"不能从“{current}”状态变更为“{target}”")
        self.current = current
        self.target = target


def check_transition(table: dict[str, set[str]], current: str, target: str) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(current, target)
