"""Which families of constraints a problem adds to the OR-Tools model beyond plain routing.

`model.build` states capacity, time windows, trips and ride limits for every problem; home care
(breaks, preferences, balance, exact sync: care/constraints.py) and a dispatcher's ordered jobs
(order.py) are hooks chosen here, above all three, so none of them imports another in a circle.
"""

from __future__ import annotations

from routing.care.constraints import hooks as care_hooks
from routing.model import ModelHook
from routing.order import hooks as order_hooks
from routing.problem import Problem


def model_hooks(problem: Problem) -> list[ModelHook]:
    """Every hook the problem needs, in the order they are added to the model."""
    return [*care_hooks(problem), *order_hooks(problem)]
