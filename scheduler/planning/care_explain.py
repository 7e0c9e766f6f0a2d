"""Why a home-care visit could not be planned, in words a dispatcher can act on.

The meal explanations speak of vans and kitchens; a visit's speak of caregivers on duty,
their skills and shifts, and the second caregiver a visit needs. `explain` in explain.py
hands any job that stands for a visit to `explain_visit`.
"""

from __future__ import annotations

import routing
from routing.wording import values
from scheduler.planning.registry import JobRef
from scheduler.wording import N_, Said


def clock(seconds: int) -> str:
    """Seconds from local midnight as `HH:MM`, as explain.hhmm (not imported: it imports us)."""
    minutes = max(seconds, 0) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def explain_visit(
    reason: routing.Reason,
    job: routing.Job | None,
    ref: JobRef,
    why: routing.Why | None = None,
) -> Said:
    who = ref.label or (job.id if job is not None else "this client")
    if why is not None and why.code in _CARE:
        return Said.of((_CARE[why.code], {"who": who, **values(why)}))
    window = ref.window or (job.time_windows[0] if job is not None and job.time_windows else None)
    facts = {
        "who": who,
        "span": f"{clock(window[0])}-{clock(window[1])}" if window else "-",
        "skills": ", ".join(sorted(job.skills)) if job is not None and job.skills else "-",
        "minutes": job.service // 60 if job is not None else "?",
        "reason": reason.value,
    }
    sync = job.sync if job is not None else None
    if reason == routing.Reason.sync and sync is not None and sync.type == "sequential":
        low, high = (sync.min_gap or 0) // 60, (sync.max_gap or 0) // 60
        return Said.of((_LINKED, {**facts, "low": low, "high": high}))
    text = _TEXTS.get(reason, N_("The visit to %(who)s could not be planned (%(reason)s)."))
    return Said.of((text, facts))


# The words when the solver gave no cause with numbers, by reason.
_TEXTS: dict[routing.Reason, str] = {
    routing.Reason.skills: N_(
        "No caregiver on duty has the skills the visit to %(who)s needs (%(skills)s). Give "
        "the skill to someone on duty, or move the visit to a day when such a caregiver works."
    ),
    routing.Reason.time_window: N_(
        "No caregiver on duty can be at %(who)s to start between %(span)s. Widen the window "
        "or move a caregiver's shift."
    ),
    routing.Reason.shift: N_(
        "No caregiver has enough of their shift or daily minutes left to visit %(who)s "
        "(%(minutes)s min, starting %(span)s) and get home. Lengthen a shift or add "
        "a caregiver."
    ),
    routing.Reason.sync: N_(
        "The visit to %(who)s needs two caregivers at once, starting between %(span)s; no two "
        "caregivers on duty with the skills can both be there then."
    ),
    routing.Reason.no_vehicle: N_("No caregiver on duty may make the visit to %(who)s."),
    routing.Reason.cost: N_(
        "The planner found no place for the visit to %(who)s (%(span)s) in anyone's day in "
        "the time it had. Re-plan with more time, or widen the window."
    ),
}
_LINKED = N_(
    "The visit to %(who)s and the visit it belongs with (%(low)s-%(high)s minutes apart) "
    "could not both be planned; each is kept only with the other."
)

# The causes whose numbers tell a dispatcher more than the reason alone, in care's words.
_CARE: dict[routing.Cause, str] = {
    routing.Cause.off_shift: N_(
        "No caregiver is on shift when %(who)s wants the visit (%(window_start)s-%(window_end)s): "
        "shifts run %(shift_start_at)s-%(shift_end_at)s. Move the visit or a shift."
    ),
    routing.Cause.unreachable: N_(
        "No caregiver on shift can reach %(who)s in the window %(window_start)s-%(window_end)s: "
        "the earliest arrival is %(earliest_at)s. Widen the window or start a shift earlier."
    ),
    routing.Cause.window_full: N_(
        "Every caregiver who could visit %(who)s between %(window_start)s-%(window_end)s is busy "
        "then (%(served)s visits in that window). Widen the window or add a caregiver."
    ),
    routing.Cause.shifts_full: N_(
        "The caregivers' days are full: none has time left for the visit to %(who)s before "
        "%(shift_end_at)s. Lengthen a shift or add a caregiver."
    ),
}
