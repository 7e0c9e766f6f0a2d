"""Welfare checks: a client's "check on me" and emergency contacts, the municipality's
escalation list, and the push targets a dispatcher registers to be told of alerts.

All scoped to the caller's municipality and written to the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import Admin, DbSession, RowId, SettingsDep, Staff
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.welfare import (
    ContactBody,
    ContactsPublic,
    ContactsSet,
    EscalationPerson,
    EscalationPublic,
    EscalationSet,
    MyPushKey,
    MyTargetIn,
    MyTargetPublic,
)
from scheduler.models import User
from scheduler.repositories import welfare as repo
from scheduler.repositories.clients import ClientUpdate, get_client, update_client
from scheduler.repositories.tenancy import get_municipality
from workers.publishers.webpush import application_server_key, load_vapid
from workers.targets import save_target

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["welfare"])


def _contacts(session: DbSession, municipality_id: int, client_id: int) -> ContactsPublic:
    client = get_client(municipality_id, client_id, session=session)
    rows = repo.list_contacts(municipality_id, client_id, session=session)
    return ContactsPublic(
        client_id=client_id,
        check_on_me=client.check_on_me,
        contacts=[ContactBody(name=r.name, relation=r.relation, phone=r.phone) for r in rows],
    )


@router.get("/clients/{client_id}/contacts", response_model=ContactsPublic)
def get_contacts(client_id: RowId, caller: Staff, session: DbSession) -> ContactsPublic:
    return _contacts(session, caller.municipality_id, client_id)


@router.put("/clients/{client_id}/contacts", response_model=ContactsPublic)
def set_contacts(
    client_id: RowId, body: ContactsSet, caller: Staff, session: DbSession
) -> ContactsPublic:
    """Replace the client's emergency contacts (and "check on me", when given)."""
    mid = caller.municipality_id
    get_client(mid, client_id, session=session)
    if body.check_on_me is not None:
        update_client(mid, client_id, ClientUpdate(check_on_me=body.check_on_me), session=session)
    contacts = [repo.ContactIn(c.name, c.phone, c.relation) for c in body.contacts]
    repo.replace_contacts(mid, client_id, contacts, session=session)
    audited(
        session,
        caller,
        "set",
        "emergency_contacts",
        client_id,
        count=len(contacts),
        check_on_me=body.check_on_me,
    )
    return _contacts(session, mid, client_id)


def _escalation(session: DbSession, municipality_id: int) -> EscalationPublic:
    town = get_municipality(municipality_id, session=session)
    people = repo.escalation_list(municipality_id, session=session)
    return EscalationPublic(
        minutes=town.welfare_escalate_after_min, people=[_person(u) for u in people]
    )


def _person(user: User) -> EscalationPerson:
    assert user.id is not None
    return EscalationPerson(user_id=user.id, username=user.username, role=user.role.value)


@router.get("/escalation", response_model=EscalationPublic)
def get_escalation(caller: Staff, session: DbSession) -> EscalationPublic:
    """Who is asked, in turn, when nobody takes a welfare alert; and after how many minutes."""
    return _escalation(session, caller.municipality_id)


@router.put("/escalation", response_model=EscalationPublic)
def set_escalation(body: EscalationSet, caller: Admin, session: DbSession) -> EscalationPublic:
    repo.set_escalation(caller.municipality_id, body.user_ids, body.minutes, session=session)
    audited(session, caller, "set", "escalation", "", user_ids=body.user_ids, minutes=body.minutes)
    return _escalation(session, caller.municipality_id)


@router.get("/me/push-targets", response_model=list[MyTargetPublic])
def my_targets(caller: Staff, session: DbSession) -> list[MyTargetPublic]:
    rows = repo.list_user_targets(caller.municipality_id, caller.user_id, session=session)
    return [MyTargetPublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("/me/push-targets", response_model=MyTargetPublic, status_code=status.HTTP_201_CREATED)
def add_my_target(body: MyTargetIn, caller: Staff, session: DbSession) -> MyTargetPublic:
    """Be told of alerts here: this browser's Web Push subscription or an ntfy topic."""
    secrets = {"p256dh": body.p256dh, "auth": body.auth} if body.channel == "webpush" else {}
    if body.token:
        secrets["token"] = body.token
    target = save_target(
        session,
        caller.municipality_id,
        channel=body.channel,
        address=body.address,
        secrets=secrets,
        user_id=caller.user_id,
        label=body.label or f"{body.channel} {caller.username}",
    )
    audited(session, caller, "register", "push_target", target.id, channel=body.channel)
    return MyTargetPublic.model_validate(target, from_attributes=True)


@router.get("/me/push-key", response_model=MyPushKey)
def my_push_key(caller: Staff, settings: SettingsDep) -> MyPushKey:
    """The VAPID public key a dispatcher's browser subscribes with ("Alerts on this device").
    Unconfigured is an answer, not an error: the board says so instead of failing."""
    if not settings.vapid_private_key:
        return MyPushKey(configured=False)
    key = application_server_key(load_vapid(settings.vapid_private_key))
    return MyPushKey(configured=True, application_server_key=key)
