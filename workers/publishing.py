"""Publishing a plan version to phones and gateways, with a record of every attempt.

`publish_version` decides what goes where and writes one `Publication` row per route and
target (only the routes that changed since the version published before); `deliver` sends
one of them. Sending is retried with a doubling backoff while the failure is transient; when
the tries run out, or the failure is permanent, the row ends `failed` and the dispatcher gets
an `Alert`, so no driver misses a changed route without someone knowing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from sqlmodel import Session, col, select

from scheduler.models import (
    Alert,
    Driver,
    Plan,
    PlanVersion,
    Publication,
    PushTarget,
    Route,
    Stop,
    User,
)
from scheduler.models.base import utcnow
from scheduler.repositories.plans import get_version, routes_of
from scheduler.repositories.stops import carry_reports
from workers.metrics import metrics
from workers.publishers import publisher_for
from workers.publishers.base import (
    PublishError,
    RouteMessage,
    TargetGoneError,
    TransientPublishError,
)
from workers.settings import WorkerSettings

log = logging.getLogger(__name__)

FINAL = frozenset({"delivered", "failed"})


def route_link(base_url: str, route: Route) -> str:
    """The page a phone opens; it loads the stops with the phone's own token."""
    return f"{base_url.rstrip('/')}/phone/routes/{route.id}"


Signature = tuple[tuple[str, str | None, int], ...]


def signature(stops: list[Stop]) -> Signature:
    """The order of a route's stops: what a driver would notice changing."""
    return tuple((s.kind, s.job_id, s.trip) for s in stops)


def _routes(session: Session, version: PlanVersion) -> dict[str, tuple[Route, Signature]]:
    assert version.id is not None
    rows = routes_of(version.municipality_id, version.id, session=session)
    return {route.resource: (route, signature(stops)) for route, stops in rows}


def changed_routes(session: Session, before: PlanVersion | None, after: PlanVersion) -> list[Route]:
    """Routes of `after` that are new or ordered differently from `before`."""
    old = _routes(session, before) if before is not None else {}
    return [
        route
        for resource, (route, stops) in _routes(session, after).items()
        if resource not in old or old[resource][1] != stops
    ]


def targets_for(session: Session, route: Route) -> list[PushTarget]:
    """The route's driver or caregiver's targets, and the municipality-wide ones."""
    users = select(User.id).where(User.municipality_id == route.municipality_id)
    if route.vehicle_id is not None:
        drivers = select(Driver.id).where(Driver.vehicle_id == route.vehicle_id)
        users = users.where(col(User.driver_id).in_(drivers))
    elif route.caregiver_id is not None:
        users = users.where(User.caregiver_id == route.caregiver_id)
    else:
        users = users.where(col(User.id).is_(None))
    statement = select(PushTarget).where(
        PushTarget.municipality_id == route.municipality_id,
        col(PushTarget.active).is_(True),
        col(PushTarget.user_id).is_(None) | col(PushTarget.user_id).in_(users),
    )
    return list(session.exec(statement.order_by(col(PushTarget.id))).all())


def publish_version(session: Session, plan: Plan, version: PlanVersion) -> list[int]:
    """Record the publications of `version` and mark it published; ids still to deliver.

    Run again for the same version (a retried task) it adds nothing and returns the ids not
    yet delivered, so a crash between the commit and the sends loses no message.
    """
    assert version.id is not None
    if plan.published_version != version.version:
        before = None
        if plan.published_version:
            before = get_version(
                plan.municipality_id, plan, plan.published_version, session=session
            )
        if before is not None and before.id is not None:
            # Reports made on the old rows while this version was being planned or held.
            carry_reports(plan.municipality_id, before.id, version.id, session=session)
        for route in changed_routes(session, before, version):
            for target in targets_for(session, route):
                session.add(_publication(route, version, target))
        plan.published_version = version.version
        session.add(plan)
        session.flush()
    waiting = select(Publication.id).where(
        Publication.plan_version_id == version.id, col(Publication.status).not_in(FINAL)
    )
    return [i for i in session.exec(waiting.order_by(col(Publication.id))).all() if i]


def _publication(route: Route, version: PlanVersion, target: PushTarget) -> Publication:
    return Publication(
        municipality_id=route.municipality_id,
        route_id=route.id,
        plan_version_id=version.id,
        channel=target.channel,
        target=(target.label or f"{target.channel} #{target.id}")[:500],
        push_target_id=target.id,
    )


def message_for(session: Session, publication: Publication, base_url: str) -> RouteMessage:
    route = session.get(Route, publication.route_id)
    version = session.get(PlanVersion, publication.plan_version_id)
    if route is None or version is None:
        raise LookupError(f"publication {publication.id}: its route or version is gone")
    plan = session.get(Plan, version.plan_id)
    assert plan is not None and route.id is not None
    jobs = len(
        session.exec(select(Stop.id).where(Stop.route_id == route.id, Stop.kind == "job")).all()
    )
    what = "visits" if plan.service == "care" else "stops"
    return RouteMessage(
        delivery_id=f"publication-{publication.id}",
        municipality_id=plan.municipality_id,
        day=plan.day.isoformat(),
        service=plan.service,
        plan_version=version.version,
        route_id=route.id,
        resource=route.resource,
        url=route_link(base_url, route),
        title=f"{route.resource}: route for {plan.day.isoformat()} (version {version.version})",
        body=f"{jobs} {what}. Open the link to see them.",
    )


@dataclass(frozen=True)
class Delivery:
    outcome: str  # delivered, retry, failed, skipped
    retry_in: float | None = None


def deliver(
    session: Session,
    publication_id: int,
    client: httpx.Client,
    *,
    base_url: str,
    ws: WorkerSettings,
    vapid_key: str = "",
    vapid_subject: str = "",
) -> Delivery:
    """Send one publication once and record the outcome; the caller commits."""
    pub = session.get(Publication, publication_id)
    if pub is None or pub.status in FINAL:
        return Delivery("skipped")
    target = session.get(PushTarget, pub.push_target_id) if pub.push_target_id else None
    if target is None or not target.active:
        return _fail(session, pub, "the target was removed or switched off")
    pub.attempts += 1
    try:
        message = message_for(session, pub, base_url)
        publisher = publisher_for(target, client, vapid_key=vapid_key, vapid_subject=vapid_subject)
        publisher.publish(message)
    except TransientPublishError as exc:
        if pub.attempts >= ws.publish_max_attempts:
            return _fail(session, pub, f"gave up after {pub.attempts} tries: {exc}")
        pub.status, pub.last_error = "retrying", str(exc)[:500]
        session.add(pub)
        metrics().publications.labels(channel=pub.channel, outcome="retry").inc()
        delay = min(ws.publish_backoff_s * 2 ** (pub.attempts - 1), ws.publish_backoff_max_s)
        return Delivery("retry", retry_in=delay)
    except TargetGoneError as exc:
        target.active = False  # the phone unsubscribed: stop sending there
        session.add(target)
        return _fail(session, pub, f"target gone, switched off: {exc}")
    except (PublishError, ValueError, LookupError) as exc:
        return _fail(session, pub, str(exc))
    pub.status, pub.last_error, pub.delivered_at = "delivered", "", utcnow()
    session.add(pub)
    metrics().publications.labels(channel=pub.channel, outcome="delivered").inc()
    return Delivery("delivered")


def _fail(session: Session, pub: Publication, why: str) -> Delivery:
    pub.status, pub.last_error = "failed", why[:500]
    session.add(pub)
    session.add(
        Alert(
            municipality_id=pub.municipality_id,
            kind="publication_failed",
            severity="error",
            message=f"Route {pub.route_id} was not delivered to {pub.target}: {why}"[:500],
        )
    )
    metrics().publications.labels(channel=pub.channel, outcome="failed").inc()
    log.warning("publication %s failed: %s", pub.id, why)
    return Delivery("failed")
