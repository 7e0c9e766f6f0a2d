"""Alerts as a person reads them: the stored facts put into words in the reader's language.

A welfare alert stores facts only (`scheduler.welfare.WelfareDetail`); the sentence "Ivan
Petrov did not open the door at 11:42" is made here, through the catalogs, for whoever reads.
"""

from __future__ import annotations

from sqlmodel import Session

from api.deps import Caller
from api.i18n import Translator
from api.schemas.days import AlertPublic
from scheduler.alerts import alert_words
from scheduler.models import Alert
from scheduler.repositories.tenancy import get_municipality
from scheduler.welfare import WelfareDetail, detail_of


def reader(session: Session, municipality_id: int, locale: str | None) -> Translator:
    """The reader's language (their own, else the municipality's) in the municipality's zone."""
    town = get_municipality(municipality_id, session=session)
    return Translator(locale or town.locale, town.timezone)


def caller_reader(session: Session, caller: Caller) -> Translator:
    return reader(session, caller.municipality_id, caller.locale)


def alert_public(alert: Alert, t: Translator) -> AlertPublic:
    public = AlertPublic.model_validate(alert, from_attributes=True)
    detail = detail_of(alert)
    return public.model_copy(update={"welfare": detail, "text": alert_text(alert, detail, t)})


def alert_text(alert: Alert, detail: WelfareDetail | None, t: Translator) -> str:
    if detail is None:
        return alert_words(alert, t)
    _ = t.gettext
    at = t.wall(detail.at.astimezone(t.zone).time())
    parts = [_("%(client)s did not open the door at %(time)s.") % {"client": detail.client,
                                                                     "time": at}]  # fmt: skip
    if detail.van or detail.driver:
        crew = {"van": detail.van or "-", "driver": detail.driver or "-"}
        parts.append(_("Van: %(van)s, driver: %(driver)s.") % crew)
    if detail.address:
        parts.append(_("Address: %(address)s.") % {"address": detail.address})
    if detail.phone:
        parts.append(_("Phone: %(phone)s.") % {"phone": detail.phone})
    if detail.contacts:
        people = "; ".join(
            f"{c.name} ({c.relation}) {c.phone}" if c.relation else f"{c.name} {c.phone}"
            for c in detail.contacts
        )
        parts.append(_("Call: %(contacts)s.") % {"contacts": people})
    else:
        parts.append(_("No emergency contact is on record."))
    if alert.step > 0:
        parts.append(_("Escalated %(n)s times.") % {"n": alert.step})
    return " ".join(parts)
