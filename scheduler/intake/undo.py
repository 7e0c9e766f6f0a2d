"""Undoing a driver's or caregiver's report within the minute (the phone's Undo button).

A thumb slips: "Delivered" on the wrong door, "Not at home" a second before the door opens.
The phone offers Undo for a minute; if the report was already sent, the undo is a report of
its own (status `planned`, naming the report it corrects), recorded as its event like every
report, so the log keeps both. The undo puts back what that report changed and nothing
since: each row (the stop of every version, the order or visit) goes back to what it held
before only if it still holds that report's time; a newer report stands. A check-in or -out
row the report made is deleted. Alerts it raised stay for the dispatcher (the alert says a
person did not open; the undo says the driver took it back).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from scheduler.errors import NotFoundError
from scheduler.models import Event, MealOrder, OrderStatus, Stop, StopStatus, Visit, VisitStatus
from scheduler.refusals import Reason, refuse
from scheduler.repositories.care import drop_check
from scheduler.repositories.events import event_by_key

# The phone counts a minute from the tap; a few seconds more for the clock between the taps.
UNDO_WINDOW = timedelta(seconds=65)


def before_report(stop: Stop | None, row: MealOrder | Visit) -> dict[str, Any]:
    """What a report is about to change, kept in its event so an undo can put it back."""
    out: dict[str, Any] = {"row_status": str(row.status), "row_updated_at": _iso(row.updated_at)}
    if stop is not None:
        out |= {
            "status": stop.status.value,
            "confirmed_at": _iso(stop.confirmed_at),
            "note": stop.note,
            "lat": stop.report_lat,
            "lon": stop.report_lon,
            "accuracy": stop.report_accuracy_m,
        }
    return out


def corrected_report(
    municipality_id: int, key: str, corrects: str, at: datetime, *, session: Session
) -> Event:
    """The report an undo names: of the same stop, and made within the minute before it."""
    event = event_by_key(municipality_id, f"report:{corrects}", session=session)
    if event is None or event.kind != "stop_reported" or event.payload.get("stop_key") != key:
        raise NotFoundError("report", corrects)
    made = event.payload.get("at")
    if not made or _utc(at) - _utc(datetime.fromisoformat(made)) > UNDO_WINDOW:
        raise refuse("corrects", Reason.undo_too_late)
    return event


def undo(
    session: Session,
    original: Event,
    stops: list[Stop],
    row: MealOrder | Visit,
) -> None:
    """Put back what `original` changed on these stops and on the order or visit."""
    made = datetime.fromisoformat(original.payload["at"])
    before: dict[str, Any] = original.payload.get("before") or {}
    for stop in stops:
        if stop.confirmed_at is not None and _utc(stop.confirmed_at) == _utc(made):
            stop.status = StopStatus(before.get("status", StopStatus.planned.value))
            stop.confirmed_at = _parse(before.get("confirmed_at"))
            stop.note = before.get("note", "")
            stop.report_lat, stop.report_lon = before.get("lat"), before.get("lon")
            stop.report_accuracy_m = before.get("accuracy")
            session.add(stop)
    if _utc(row.updated_at) == _utc(made) and "row_status" in before:
        if isinstance(row, MealOrder):
            row.status = OrderStatus(before["row_status"])
        else:
            row.status = VisitStatus(before["row_status"])
        row.updated_at = _parse(before.get("row_updated_at")) or row.updated_at
        session.add(row)
    if isinstance(row, Visit):
        drop_check(row.municipality_id, original.event_key.removeprefix("report:"), session=session)


def _iso(value: datetime | None) -> str | None:
    return _utc(value).isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _utc(value: datetime) -> datetime:
    """Databases hand back naive UTC (SQLite) or aware times: compare them as aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
