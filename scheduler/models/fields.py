"""Field types with their constraints, written once for every class of an entity's family.

The table's Base, the repository's partial Update and the API's schemas all say `Name` or
`Name | None`, so a limit changes in one place and the column length follows from it (SQLModel
reads the length from `MaxLen`). Only `annotated_types` go in here, not `Field(...)`: a
`Field` inside `Annotated` would be merged with the class's own `Field` and lose its SQLModel
settings, and SQLModel reads a column's length from `MaxLen` only.
"""

from datetime import date
from typing import Annotated

from annotated_types import Ge, Gt, Interval, Le, MaxLen

# Every date a person or a file gives: a typo like 0008 or 8005 is refused, naming the field,
# before it can reach a query, a plan or a webhook. Planning has its own, narrower window
# around today (scheduler/dates.py).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
Day = Annotated[date, Interval(ge=EARLIEST_DAY, le=LATEST_DAY)]

ExternalId = Annotated[str, MaxLen(64)]
Name = Annotated[str, MaxLen(120)]
Address = Annotated[str, MaxLen(255)]
Village = Annotated[str, MaxLen(80)]  # the village or district a client lives in
Phone = Annotated[str, MaxLen(40)]
Weekdays = Annotated[str, MaxLen(40)]  # "Mon-Fri", "Mon,Wed,Fri"
Longitude = Annotated[float, Interval(ge=-180, le=180)]
Latitude = Annotated[float, Interval(ge=-90, le=90)]
Portions = Annotated[int, Interval(ge=1, le=10)]  # one client's portions a day
ServiceMinutes = Annotated[float, Interval(ge=0, le=120)]  # time spent at a stop

# Clients
DriverNotes = Annotated[str, MaxLen(1000)]
EntryNotes = Annotated[str, MaxLen(500)]

# Kitchens and vans
HotMealMinutes = Annotated[int, Gt(0), Le(600)]
SparePortions = Annotated[int, Ge(0)]
PortionsPerBox = Annotated[int, Gt(0)]
Capacity = Annotated[int, Gt(0)]
MaxTrips = Annotated[int, Interval(ge=1, le=10)]

# Caregivers
ShiftMinutes = Annotated[int, Gt(0), Le(960)]
BreakMinutes = Annotated[int, Interval(ge=0, le=120)]
