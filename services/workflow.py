"""The 区域通办 application workflow as data, no Django.

States::

    submitted ──受理──▶ accepted ──开始办理──▶ processing ──办结──▶ completed
        │                 │   ▲                  │   ▲          └──不予办理──▶ refused
        │不予受理          │补正 │补齐              │补正 │补齐
        ▼                 ▼   │                  ▼   │
    not_accepted        correction ◀─────────────┘
    submitted ──补正──▶ correction ──补齐──▶ submitted
    submitted / correction ──撤回──▶ withdrawn

Who acts (``ACTOR``): ``accept`` = staff of the 受理地 (the region where the application was filed);
``handle`` = staff of the 办理地 (the region that decides the item); ``applicant`` = the applicant.
A 补正 request is made by whoever holds the file: the 受理地 before acceptance, the 办理地 after.
The 补正 notice is one-time (一次性告知): at most one per application.
"""

from __future__ import annotations

SUBMITTED = "submitted"
NOT_ACCEPTED = "not_accepted"
CORRECTION = "correction"
ACCEPTED = "accepted"
PROCESSING = "processing"
COMPLETED = "completed"
REFUSED = "refused"
WITHDRAWN = "withdrawn"

STATES = (
    (SUBMITTED, "已提交", "Submitted"),
    (NOT_ACCEPTED, "不予受理", "Not accepted"),
    (CORRECTION, "待补正", "Awaiting correction"),
    (ACCEPTED, "已受理", "Accepted"),
    (PROCESSING, "办理中", "Processing"),
    (COMPLETED, "已办结", "Completed"),
    (REFUSED, "不予办理", "Refused"),
    (WITHDRAWN, "已撤回", "Withdrawn"),
)
LABELS = {code: zh for code, zh, _ in STATES}
FINAL = frozenset({NOT_ACCEPTED, COMPLETED, REFUSED, WITHDRAWN})
CLOCK_RUNNING = frozenset({ACCEPTED, PROCESSING})  # the time limit runs; paused in CORRECTION

# action → (allowed from-states, to-state or None = back to the state before 补正, actor)
ACTIONS = {
    "accept": ({SUBMITTED}, ACCEPTED, "accept"),
    "not_accept": ({SUBMITTED}, NOT_ACCEPTED, "accept"),
    "request_correction": ({SUBMITTED, ACCEPTED, PROCESSING}, CORRECTION, None),  # actor depends on the from-state
    "supplement": ({CORRECTION}, None, "applicant"),
    "start_processing": ({ACCEPTED}, PROCESSING, "handle"),
    "complete": ({PROCESSING}, COMPLETED, "handle"),
    "refuse": ({PROCESSING}, REFUSED, "handle"),
    "withdraw": ({SUBMITTED, CORRECTION}, WITHDRAWN, "applicant"),
}
ACTION_LABELS = {
    "accept": "受理", "not_accept": "不予受理", "request_correction": "一次性告知补正", "supplement": "补正材料",
    "start_processing": "开始办理", "complete": "办结", "refuse": "不予办理", "withdraw": "撤回申请",
}


class TransitionError(ValueError):
    def __init__(self, action: str, current: str):
        message = f"当前状态为“{LABELS.get(current, current)}”，不能执行“{ACTION_LABELS.get(action, action)}”"
        if current in FINAL:
            message += "（申请已终结）"
        super().__init__(message)
        self.action = action
        self.current = current
        self.message = message


def target(action: str, current: str, *, resume_to: str = "") -> str:
    """The state after ``action`` from ``current``; raises TransitionError when not allowed."""
    if action not in ACTIONS:
        raise TransitionError(action, current)
    sources, to, _actor = ACTIONS[action]
    if current not in sources:
        raise TransitionError(action, current)
    if to is None:
        return resume_to or SUBMITTED
    return to


def actor_side(action: str, current: str) -> str:
    """'accept', 'handle' or 'applicant': whose step it is."""
    if action == "request_correction":
        return "accept" if current == SUBMITTED else "handle"
    return ACTIONS[action][2]
