"""What a new version changes on each route, as a driver and a dispatcher are told it."""

from scheduler.planning.changes import RouteChange, route_changes


def test_changes_per_route_name_added_taken_off_and_moved_stops() -> None:
    old = {"V1": [("a", 1), ("b", 1), ("c", 1), ("d", 2)], "V2": [("x", 1)]}
    new = {"V1": [("n", 1), ("a", 1), ("c", 1), ("b", 1), ("d", 1)], "V2": [("x", 1), ("b2", 1)]}
    # "n" inserted first moves nothing; "b" after "c" moved; "d" changed trip, so moved too.
    assert route_changes(old, new) == [
        RouteChange("V1", added=("n",), removed=(), moved=("b", "d")),
        RouteChange("V2", added=("b2",), removed=(), moved=()),
    ]


def test_a_stop_that_changes_van_is_taken_off_one_and_added_to_the_other() -> None:
    old = {"V1": [("a", 1), ("b", 1)], "V2": [("c", 1)]}
    new = {"V1": [("a", 1)], "V2": [("c", 1), ("b", 1)]}
    first, second = route_changes(old, new)
    assert (first.removed, second.added) == (("b",), ("b",))
    unchanged = route_changes(old, old)
    assert all(change.empty for change in unchanged)
