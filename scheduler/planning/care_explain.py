"""Why a home-care visit could not be planned, in words a dispatcher can act on.

The meal explanations speak of vans and kitchens; a visit's speak of caregivers on duty,
their skills and shifts, and the second caregiver a visit needs. `explain` in explain.py
hands any job that stands for a visit to `explain_visit`.
"""

from __future__ import annotations

import routing
from routing.wording import values
from scheduler.planning.registry import JobRef


def clock(seconds: int) -> str:
    """Seconds from local midnight as `HH:MM`, as explain.hhmm (not imported: it imports us)."""
    minutes = max(seconds, 0) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def explain_visit(
    reason: routing.Reason,
    job: routing.Job | None,
    ref: JobRef,
    why: routing.Why | None = None,
) -> str:
    who = ref.label or (job.id if job is not None else "this client")
    if why is not None and why.code in _CARE:
        return _CARE[why.code].format(who=who, **values(why))[:500]
    window = ref.window or (job.time_windows[0] if job is not None and job.time_windows else None)
    span = f"{clock(window[0])}-{clock(window[1])}" if window else "its window"
    skills = ", ".join(sorted(job.skills)) if job is not None and job.skills else "none"
    minutes = job.service // 60 if job is not None else None
    texts = {
        routing.Reason.skills: (
            f"No caregiver on duty has the skills the visit to {who} needs ({skills}). Give "
            "the skill to someone on duty, or move the visit to a day when such a caregiver works."
        ),
        routing.Reason.time_window: (
            f"No caregiver on duty can be at {who} to start between {span}. Widen the window "
            "or move a caregiver's shift."
        ),
        routing.Reason.shift: (
            f"No caregiver has enough of their shift or daily minutes left to visit {who} "
            f"({minutes or '?'} min, starting {span}) and get home. Lengthen a shift or add "
            "a caregiver."
        ),
        routing.Reason.sync: _sync_text(job, who, span),
        routing.Reason.no_vehicle: f"No caregiver on duty may make the visit to {who}.",
        routing.Reason.cost: (
            f"The planner found no place for the visit to {who} ({span}) in anyone's day in "
            "the time it had. Re-plan with more time, or widen the window."
        ),
    }
    return texts.get(reason, f"The visit to {who} could not be planned ({reason}).")[:500]


# The causes whose numbers tell a dispatcher more than the reason alone, in care's words.
_CARE: dict[routing.Cause, str] = {
    routing.Cause.off_shift: (
        "No caregiver is on shift when {who} wants the visit ({window_start}-{window_end}): "
        "shifts run {shift_start_at}-{shift_end_at}. Move the visit or a shift."
    ),
    routing.Cause.unreachable: (
        "No caregiver on shift can reach {who} in the window {window_start}-{window_end}: the "
        "earliest arrival is {earliest_at}. Widen the window or start a shift earlier."
    ),
    routing.Cause.window_full: (
        "Every caregiver who could visit {who} between {window_start}-{window_end} is busy "
        "then ({served} visits in that window). Widen the window or add a caregiver."
    ),
    routing.Cause.shifts_full: (
        "The caregivers' days are full: none has time left for the visit to {who} before "
        "{shift_end_at}. Lengthen a shift or add a caregiver."
    ),
}


def _sync_text(job: routing.Job | None, who: str, span: str) -> str:
    if job is not None and job.sync is not None and job.sync.type == "sequential":
        low, high = (job.sync.min_gap or 0) // 60, (job.sync.max_gap or 0) // 60
        return (
            f"The visit to {who} and the visit it belongs with ({low}-{high} minutes apart) "
            "could not both be planned; each is kept only with the other."
        )
    return (
        f"The visit to {who} needs two caregivers at once, starting between {span}; no two "
        "caregivers on duty with the skills can both be there then."
    )
