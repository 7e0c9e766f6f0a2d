"""How to solve: the one frozen parameters object that `solve(problem, params)` takes.

The problem says what must be served and under which rules; the parameters say how hard to
look (time, seed), where travel times come from when the problem has coordinates, and which
search runs. Searches are named (`Search`), so callers never reach into search.py's internals;
benchmarks that compare single configurations name them with `configs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routing.search import DEFAULT_PLAN, DEFAULT_PORTFOLIO, KEEP, PREVIOUS_PORTFOLIO, Config, Phase
from routing.travel import TravelProvider

DEFAULT_TIME_LIMIT_S = 10.0


class Search(StrEnum):
    """Which search runs within the budget."""

    default = "default"  # ruin and recreate from two first answers, side by side
    # The default, then a descent to the nearest local optimum: a plan a re-plan cannot improve
    # by reordering stops for a few metres each (each is a stop a driver must learn again).
    settled = "settled"
    guided = "guided"  # guided local search, the previous default, kept for benchmarks


PLANS: dict[Search, tuple[Phase, ...]] = {
    Search.default: DEFAULT_PLAN,
    Search.settled: (Phase(0.75, DEFAULT_PORTFOLIO), Phase(0.25, (KEEP,))),
    Search.guided: (Phase(1.0, PREVIOUS_PORTFOLIO),),
}


@dataclass(frozen=True)
class SolveParams:
    """`time_limit_s`: wall-clock budget of the whole call (None: the problem's options, then
    10 s). `seed`: the same problem and seed give the same routes when the search converges
    (None: the problem's options, then 0). `travel`: the provider for problems given by
    coordinates. `configs`: run just these searches side by side instead of `search`.
    `first_answer_grace_s`: a search with no answer at all at the limit may take that much
    longer for its first one (the limit is otherwise hard)."""

    time_limit_s: float | None = None
    seed: int | None = None
    travel: TravelProvider | None = None
    search: Search = Search.default
    configs: tuple[Config, ...] | None = None
    first_answer_grace_s: float = 0.0
    # Searches side by side (None: one per core, two at most); 1 when the caller already runs
    # other work on the other core (parts.py: two kitchens at once).
    width: int | None = None

    def __post_init__(self) -> None:
        if self.time_limit_s is not None and not self.time_limit_s > 0:
            raise ValueError(f"Expected time_limit_s > 0, got {self.time_limit_s}")
        if self.seed is not None and self.seed < 0:
            raise ValueError(f"Expected seed >= 0, got {self.seed}")
        if self.first_answer_grace_s < 0:
            raise ValueError(f"Expected first_answer_grace_s >= 0, got {self.first_answer_grace_s}")
        if self.width is not None and self.width < 1:
            raise ValueError(f"Expected width >= 1, got {self.width}")
        if self.configs is not None and not self.configs:
            raise ValueError("Expected at least one search configuration in configs")

    @property
    def plan(self) -> tuple[Phase, ...]:
        """The phases of the search: one phase of `configs` when given, else the named plan."""
        return (Phase(1.0, self.configs),) if self.configs else PLANS[self.search]
