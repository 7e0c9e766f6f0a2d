"""The demo's pipeline steps, in eager mode, on a small synthetic town."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from scheduler.lab.demo import DemoRun, default_steps, run_demo
from scheduler.lab.synthetic import TownSize
from scheduler.models import PlanVersion, Publication
from tests.workers import servers
from workers.lab.demo_steps import pipeline_steps


def test_the_demo_replans_late_cancellations_and_publishes_through_the_pipeline(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATRONAGE_REPLAN_TIME_LIMIT_S", "1")
    monkeypatch.setenv("PATRONAGE_DATABASE_URL", sqlite_url)  # where the tasks write
    notes: list[str] = []
    size = TownSize(clients=24, vans=2, caregivers=0, visits=0)
    with servers.ntfy() as ntfy:
        monkeypatch.setenv("PATRONAGE_NTFY_URL", ntfy.url)
        run = DemoRun(database_url=sqlite_url, folder=tmp_path / "demo", size=size)
        run_demo(run, default_steps() + pipeline_steps(), lambda _, note: notes.append(note))
        late, published = notes[-2:]
        assert late.startswith("3 late cancellations -> version 2 (re-plan: ")
        assert "order.cancelled x3" in late
        with Session(run.engine) as session:
            pubs = session.exec(select(Publication)).all()
            versions = session.exec(select(PlanVersion)).all()
        assert pubs and {p.status for p in pubs} == {"delivered"}
        assert published.startswith(f"version 2 published; {len(pubs)} of {len(pubs)} messages")
        topic = next(iter(ntfy.state.topics.values()))
        assert len(topic) == len(pubs)
        # Idempotent like every demo step: a second run adds nothing.
        again: list[str] = []
        run_demo(run, pipeline_steps(), lambda _, note: again.append(note))
    assert again[0] == "already done"
    with Session(run.engine) as session:
        assert len(session.exec(select(PlanVersion)).all()) == len(versions)
        assert len(session.exec(select(Publication)).all()) == len(pubs)
