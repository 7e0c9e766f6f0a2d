"""Loading the visits file: visits that follow another visit are written after it.

`after_visit` may name a visit further down the same file, so rows are written in an order
where every earlier visit already has its id; a chain that comes back on itself is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from scheduler.intake.importing.loaders import Load
from scheduler.intake.importing.rows import VisitRow
from scheduler.refusals import Reason
from scheduler.repositories import care, clients
from scheduler.repositories.common import Change


def load_visits(load: Load, rows: Iterable[tuple[int, VisitRow]], bad_ids: dict[str, int]) -> None:
    """Write the visit plans; `bad_ids` maps external ids of rows refused earlier to their row."""
    listed = list(rows)
    in_file = {row.external_id: (number, row) for number, row in listed}
    ordered, looped = _dependency_order(listed, in_file)
    failed: dict[str, int] = dict(bad_ids)
    for number, row in looped:
        load.refuse(number, "after_visit", Reason.visits_circle)
        load.on_row()
        failed[row.external_id] = number
    stored = care.visit_plans_by_external_id(load.municipality_id, session=load.session)
    ids = {ext: plan.id for ext, plan in stored.items()}
    known_clients = clients.clients_by_external_id(load.municipality_id, session=load.session)
    for number, row in ordered:
        found = _reference_problem(row, known_clients, ids, failed)
        if found is not None:
            column, reason, values = found
            load.refuse(number, column, reason, **values)
            load.on_row()
            failed[row.external_id] = number
            continue
        client_id = known_clients[row.client].id
        after_id = ids.get(row.after_visit) if row.after_visit else None
        if not load.attempt(number, partial(_upsert, load, row, client_id, after_id, ids)):
            failed[row.external_id] = number


def _upsert(
    load: Load,
    row: VisitRow,
    client_id: int | None,
    after_id: int | None,
    ids: dict[str, int | None],
) -> Change:
    """Write one visit plan and note its id for the visits that follow it."""
    assert client_id is not None
    data = care.VisitPlanIn(
        external_id=row.external_id,
        client_id=client_id,
        weekdays=row.weekdays,
        window_start=row.window_start,
        window_end=row.window_end,
        duration_min=row.duration_min,
        skills=row.skills,
        caregivers_needed=row.caregivers_needed or 1,
        preferred_caregivers=row.preferred_caregivers,
        after_visit_id=after_id,
        min_gap_min=row.min_gap_min,
        max_gap_min=row.max_gap_min,
    )
    plan, change = care.upsert_visit_plan(load.municipality_id, data, session=load.session)
    ids[row.external_id] = plan.id
    return change


def _reference_problem(
    row: VisitRow,
    known_clients: Mapping[str, object],
    ids: dict[str, int | None],
    failed: dict[str, int],
) -> tuple[str, Reason, dict[str, object]] | None:
    if row.client not in known_clients:
        return "client", Reason.no_client, {"value": repr(row.client)}
    if row.after_visit is None:
        return None
    after = repr(row.after_visit)
    if row.after_visit == row.external_id:
        return "after_visit", Reason.follows_itself, {}
    if row.after_visit in failed:
        return (
            "after_visit",
            Reason.follows_refused,
            {"value": after, "first": failed[row.after_visit]},
        )
    if ids.get(row.after_visit) is None:
        return "after_visit", Reason.no_visit, {"value": after}
    return None


def _dependency_order(
    rows: list[tuple[int, VisitRow]], in_file: dict[str, tuple[int, VisitRow]]
) -> tuple[list[tuple[int, VisitRow]], list[tuple[int, VisitRow]]]:
    """Rows with every in-file `after_visit` before them, and the rows caught in a loop."""
    ordered: list[tuple[int, VisitRow]] = []
    state: dict[str, str] = {}  # "open" while being placed, "done" once placed
    looped: list[tuple[int, VisitRow]] = []
    for number, row in rows:
        chain: list[tuple[int, VisitRow]] = []
        current: tuple[int, VisitRow] | None = (number, row)
        while current is not None and state.get(current[1].external_id) is None:
            state[current[1].external_id] = "open"
            chain.append(current)
            after = current[1].after_visit
            current = in_file.get(after) if after and after != current[1].external_id else None
        if current is not None and state.get(current[1].external_id) == "open":
            looped.extend(_loop_members(chain, current[1].external_id))
        for item in reversed(chain):
            state[item[1].external_id] = "done"
            if item not in looped:
                ordered.append(item)
    return ordered, looped


def _loop_members(chain: list[tuple[int, VisitRow]], start: str) -> list[tuple[int, VisitRow]]:
    ids = [item[1].external_id for item in chain]
    return chain[ids.index(start) :]
