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
from sqlmodel import Session

from scheduler.alerts import N_, AlertKind, raise_alert
from scheduler.errors import NotFoundError
from scheduler.models import (
    Plan,
    PlanVersion,
    Publication,
    PublicationStatus,
    PushTarget,
    Route,
    Stop,
)
from scheduler.models.base import utcnow
from scheduler.repositories.plans import (
    count_jobs,
    get_version,
    mark_published,
    plan_by_id,
    route_by_id,
    routes_of,
    version_by_id,
)
from scheduler.repositories.publications import (
    add_publication,
    get_publication,
    get_push_target,
    publication_ids,
    record_attempt,
    switch_off_push_target,
    targets_for_route,
)
from scheduler.repositories.stops import carry_reports
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import find_user_by_id
from scheduler.wording import Wording, wording
from workers.metrics import metrics
from workers.publishers import publisher_for
from workers.publishers.base import (
    PublishError,
    RouteMessage,
    TargetGoneError,
    TransientPublishError,
)
from workers.settings import WorkerSettings
from workers.webhook_deliveries import send_recorded

log = logging.getLogger(__name__)

FINAL = frozenset({PublicationStatus.delivered, PublicationStatus.failed})


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
    return targets_for_route(route.municipality_id, route, session=session)


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
                add_publication(
                    route.municipality_id, _publication(route, version, target), session=session
                )
        mark_published(plan, version.version, session=session)
    return publication_ids(plan.municipality_id, version.id, besides=FINAL, session=session)


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
    route, version = _route_and_version(session, publication)
    plan = plan_by_id(publication.municipality_id, version.plan_id, session=session)
    assert plan is not None and route.id is not None
    jobs = count_jobs(plan.municipality_id, route.id, session=session)
    words = reader_words(session, publication)
    if plan.service == "care":
        body = words.ngettext("%(n)s visit.", "%(n)s visits.", jobs)
    else:
        body = words.ngettext("%(n)s stop.", "%(n)s stops.", jobs)
    title = words.gettext("%(van)s: route for %(day)s (version %(version)s)") % {
        "van": route.resource,
        "day": words.short_day(plan.day),
        "version": version.version,
    }
    return RouteMessage(
        delivery_id=f"publication-{publication.id}",
        municipality_id=plan.municipality_id,
        day=plan.day.isoformat(),
        service=plan.service,
        plan_version=version.version,
        route_id=route.id,
        resource=route.resource,
        url=route_link(base_url, route),
        title=title,
        body=body % {"n": jobs} + " " + words.gettext("Open the link to see them."),
    )


def reader_words(session: Session, publication: Publication) -> Wording:
    """The words of the target's owner (their language, else the municipality's)."""
    mid = publication.municipality_id
    town = get_municipality(mid, session=session)
    target_id = publication.push_target_id
    target = get_push_target(mid, target_id, session=session) if target_id else None
    owner_id = target.user_id if target else None
    owner = find_user_by_id(mid, owner_id, session=session) if owner_id else None
    return wording((owner.locale if owner else None) or town.locale, town.timezone)


def _route_and_version(session: Session, publication: Publication) -> tuple[Route, PlanVersion]:
    mid, route_id, version_id = (
        publication.municipality_id,
        publication.route_id,
        publication.plan_version_id,
    )
    route = route_by_id(mid, route_id, session=session) if route_id is not None else None
    try:
        version = version_by_id(mid, version_id, session=session) if version_id else None
    except NotFoundError:
        version = None
    if route is None or version is None:
        raise LookupError(f"publication {publication.id}: its route or version is gone")
    return route, version


@dataclass(frozen=True)
class Delivery:
    outcome: str  # delivered, retry, failed, skipped
    retry_in: float | None = None


def deliver(
    session: Session,
    municipality_id: int,
    publication_id: int,
    client: httpx.Client,
    *,
    base_url: str,
    ws: WorkerSettings,
    vapid_key: str = "",
    vapid_subject: str = "",
) -> Delivery:
    """Send one publication once and record the outcome; the caller commits."""
    pub = get_publication(municipality_id, publication_id, session=session)
    if pub is None or pub.status in FINAL:
        return Delivery("skipped")
    target = None
    if pub.push_target_id is not None:
        target = get_push_target(municipality_id, pub.push_target_id, session=session)
    if target is None or not target.active:
        return _fail(session, pub, "the target was removed or switched off", pub.attempts)
    tries = pub.attempts + 1
    try:
        message = message_for(session, pub, base_url)
        publisher = publisher_for(target, client, vapid_key=vapid_key, vapid_subject=vapid_subject)
        send_recorded(session, target, publisher, message, "route.published")
    except TransientPublishError as exc:
        if tries >= ws.publish_max_attempts:
            return _fail(session, pub, f"gave up after {tries} tries: {exc}", tries)
        record_attempt(
            pub, PublicationStatus.retrying, attempts=tries, error=str(exc), session=session
        )
        metrics().publications.labels(channel=pub.channel, outcome="retry").inc()
        delay = min(ws.publish_backoff_s * 2 ** (tries - 1), ws.publish_backoff_max_s)
        return Delivery("retry", retry_in=delay)
    except TargetGoneError as exc:
        switch_off_push_target(target, session=session)  # the phone unsubscribed
        return _fail(session, pub, f"target gone, switched off: {exc}", tries)
    except (PublishError, ValueError, LookupError) as exc:
        return _fail(session, pub, str(exc), tries)
    record_attempt(
        pub, PublicationStatus.delivered, attempts=tries, delivered_at=utcnow(), session=session
    )
    metrics().publications.labels(channel=pub.channel, outcome="delivered").inc()
    return Delivery("delivered")


def _fail(session: Session, pub: Publication, why: str, tries: int) -> Delivery:
    record_attempt(pub, PublicationStatus.failed, attempts=tries, error=why, session=session)
    message = N_("Route %(route)s was not delivered to %(target)s: %(why)s")
    params = {"route": str(pub.route_id), "target": str(pub.target), "why": why}
    raise_alert(session, pub.municipality_id, AlertKind.publication_failed, message, params=params)
    metrics().publications.labels(channel=pub.channel, outcome="failed").inc()
    log.warning("publication %s failed: %s", pub.id, why)
    return Delivery("failed")
