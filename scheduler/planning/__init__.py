"""Planning: a frozen day to a routing problem, the solution to plan rows, re-plans.

`plan_day(municipality_id, day, service, *, session)` is the entry point the workers and
commands call. Importing this package registers the builders of each service.
"""

from scheduler.planning import care as _care  # noqa: F401  (registers the "care" builder)
from scheduler.planning import meals as _meals  # noqa: F401  (registers the "meals" builder)
from scheduler.planning.day import plan_day
from scheduler.planning.registry import BUILDERS, register

__all__ = ["BUILDERS", "plan_day", "register"]
