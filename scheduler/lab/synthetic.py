"""A synthetic municipality for demos, tests and benchmarks: Kazanlak and its villages.

`generate_town(seed, size)` builds, from one seeded `random.Random`, everything the five import
files carry (kitchens, vans, meal clients, caregivers, visit plans) plus what those files
cannot say (a canteen pick-up point and who collects there, who lives alone, one driver per
van). `write_import_files` writes the files as CSV or .xlsx, so demos and tests go through the
real import. The same seed and size always give the same town, byte for byte.

Places are real, with approximate coordinates (Kazanlak's districts and the villages around it);
people, addresses and phone numbers are invented. Proportions follow the field notes in the
design: most clients eat the general menu, then diabetic and low-salt; lunch arrives between
11:00 and 14:00; a few get two portions; many live alone; 10-20% of visits need two caregivers
and some visits must follow another (medication before breakfast). Vans are shared among
kitchens by the van time their clients take, as a municipality sizes each kitchen's fleet to
its work, so a kitchen of villages gets more vans per client (`_vans`, docs/meals.md).
"""

# Names and addresses are Bulgarian (Cyrillic) on purpose: the product is used in Bulgaria.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import math
import random
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from scheduler.intake.calendar import format_hhmm, parse_hhmm
from scheduler.intake.importing.rows import COLUMNS

KINDS = ("kitchens", "vehicles", "clients", "caregivers", "visits")
Rows = list[dict[str, str]]


@dataclass(frozen=True)
class TownSize:
    """How big a town to build. The defaults make a middle-sized demo."""

    clients: int = 300  # meal clients (care-only clients are added for the visits)
    vans: int = 6
    kitchens: int = 1  # 1 or 2 (Kazanlak), 1 to 5 (Sofia)
    caregivers: int = 20
    visits: int = 120  # visit plans
    area: str = "kazanlak"  # a key of AREAS: where the town is and how its kitchens deliver

    def __post_init__(self) -> None:
        if self.area not in AREAS:
            raise ValueError(f"Expected an area among {sorted(AREAS)}, got {self.area!r}")
        sites = len(AREAS[self.area].kitchen_sites)
        if not 1 <= self.kitchens <= sites:
            raise ValueError(f"Expected 1 to {sites} kitchens, got {self.kitchens}")
        if self.vans < self.kitchens:
            raise ValueError(f"Expected at least one van per kitchen, got {self.vans} vans")
        if self.clients < 0 or self.visits < 0 or self.caregivers < 0:
            raise ValueError("Expected non-negative sizes")
        if self.visits and self.caregivers < 2:
            raise ValueError("Expected at least 2 caregivers when there are visits")


@dataclass(frozen=True)
class Place:
    name: str
    lon: float
    lat: float
    weight: float  # share of clients living here (relative)
    spread_km: float  # how far from the centre people live


# Approximate centres. Kazanlak's districts carry about half the clients, like the town's
# share of the municipality's people; the villages the rest.
PLACES = (
    Place("Казанлък, Център", 25.3930, 42.6190, 12, 0.5),
    Place("Казанлък, Изток", 25.4130, 42.6215, 9, 0.5),
    Place("Казанлък, Изгрев", 25.4010, 42.6105, 8, 0.4),
    Place("Казанлък, Васил Левски", 25.3800, 42.6240, 7, 0.4),
    Place("Казанлък, Кулата", 25.3860, 42.6290, 6, 0.4),
    Place("Казанлък, Нов живот", 25.4050, 42.6265, 6, 0.4),
    Place("Казанлък, Розова долина", 25.3990, 42.6040, 5, 0.4),
    Place("Крън", 25.3680, 42.6370, 7, 0.6),
    Place("Шипка", 25.3300, 42.7160, 6, 0.6),
    Place("Енина", 25.4100, 42.6640, 4, 0.5),
    Place("Бузовград", 25.3750, 42.5850, 4, 0.5),
    Place("Овощник", 25.3050, 42.6580, 3, 0.4),
    Place("Ясеново", 25.2350, 42.6620, 3, 0.5),
    Place("Шейново", 25.3550, 42.6900, 2, 0.4),
    Place("Дунавци", 25.3080, 42.6250, 2, 0.4),
    Place("Копринка", 25.3250, 42.6000, 2, 0.4),
    Place("Горно Сахране", 25.1900, 42.6470, 2, 0.4),
    Place("Розово", 25.4550, 42.6000, 2, 0.4),
    Place("Хаджидимитрово", 25.4500, 42.6300, 1, 0.4),
)

KITCHEN_SITES = (
    ("K1", "Централна кухня ДСП Казанлък", "ул. Искра 8, Казанлък", 25.3965, 42.6175),
    ("K2", "Кухня Шипка", "ул. Христо Ботев 2, Шипка", 25.3310, 42.7150),
)

DIETS = (
    ("general", 55),
    ("diabetic", 18),
    ("low_salt", 12),
    ("soft", 7),
    ("vegetarian", 5),
    ("pureed", 3),
)
MEAL_WEEKDAYS = (("Mon-Fri", 85), ("Mon,Wed,Fri", 10), ("Tue,Thu", 5))
MEAL_WINDOWS = (
    ((11, 0), (14, 0), 60),
    ((11, 0), (12, 30), 12),
    ((11, 30), (13, 0), 12),
    ((12, 0), (13, 30), 10),
    ((12, 30), (14, 0), 6),
)


@dataclass(frozen=True)
class Area:
    """Where a generated town lies and how its kitchens deliver."""

    places: tuple[Place, ...]
    kitchen_sites: tuple[tuple[str, str, str, float, float], ...]
    windows: tuple[tuple[tuple[int, int], tuple[int, int], int], ...]  # start, end, weight
    shift: tuple[str, str]  # the vans' shift
    trips: tuple[int, ...]  # max_trips drawn from these
    walkable: int  # the first places are the town's own districts (walking caregivers)


KAZANLAK_AREA = Area(PLACES, KITCHEN_SITES, MEAL_WINDOWS, ("10:30", "14:30"), (2, 2, 3), 7)

# A Sofia-size city: dense districts (blocks of flats), five district kitchens. A city kitchen
# cooks earlier and delivers over five hours (10:00-15:00) in three rounds a van, so that a
# van serves about 50 clients a day, against about 35 in Kazanlak's 11:00-14:00: with a
# three- or four-hour window 40 vans cannot carry 2,000 meals at 3 minutes a stop (50 stops
# take 200 minutes with the drive between them, and two reloads 40 more; `patronage fleet`
# found 13 vans needed for Lyulin's 520 stops with 10:30-14:30; docs/benchmarks.md).
SOFIA_PLACES = (
    Place("София, Лозенец", 23.3200, 42.6750, 8, 0.8),
    Place("София, Младост", 23.3800, 42.6500, 12, 1.2),
    Place("София, Люлин", 23.2500, 42.7150, 12, 1.2),
    Place("София, Надежда", 23.3000, 42.7350, 9, 1.0),
    Place("София, Красно село", 23.2850, 42.6850, 8, 0.8),
    Place("София, Оборище", 23.3450, 42.6990, 7, 0.6),
    Place("София, Дружба", 23.4050, 42.6650, 9, 1.0),
    Place("София, Овча купел", 23.2450, 42.6800, 6, 0.9),
    Place("София, Център", 23.3219, 42.6977, 9, 0.7),
    Place("София, Студентски град", 23.3400, 42.6500, 5, 0.7),
)
SOFIA_KITCHENS = (
    ("K1", "Кухня Център", "ул. Граф Игнатиев 20, София", 23.3250, 42.6930),
    ("K2", "Кухня Младост", "бул. Александър Малинов 5, София", 23.3750, 42.6470),
    ("K3", "Кухня Люлин", "бул. Царица Йоанна 40, София", 23.2550, 42.7150),
    ("K4", "Кухня Надежда", "бул. Ломско шосе 120, София", 23.2980, 42.7330),
    ("K5", "Кухня Дружба", "бул. Цветан Лазаров 14, София", 23.4000, 42.6680),
)
SOFIA_WINDOWS = (
    ((10, 0), (15, 0), 60),
    ((10, 0), (12, 30), 12),
    ((11, 0), (13, 30), 12),
    ((12, 0), (14, 30), 10),
    ((12, 30), (15, 0), 6),
)
SOFIA_AREA = Area(SOFIA_PLACES, SOFIA_KITCHENS, SOFIA_WINDOWS, ("09:30", "15:30"), (3,), 10)
AREAS = {"kazanlak": KAZANLAK_AREA, "sofia": SOFIA_AREA}

FEMALE = (
    "Мария",
    "Иванка",
    "Йорданка",
    "Пенка",
    "Стефка",
    "Радка",
    "Цветана",
    "Донка",
    "Гинка",
    "Невена",
    "Златка",
    "Станка",
    "Милка",
    "Росица",
    "Василка",
    "Кера",
)
MALE = (
    "Иван",
    "Георги",
    "Петър",
    "Стоян",
    "Тодор",
    "Димитър",
    "Никола",
    "Христо",
    "Атанас",
    "Колю",
    "Минчо",
    "Пеньо",
    "Димо",
    "Ганчо",
)
SURNAMES = (
    "Петров",
    "Иванов",
    "Георгиев",
    "Стоянов",
    "Тодоров",
    "Димитров",
    "Николов",
    "Христов",
    "Атанасов",
    "Колев",
    "Минчев",
    "Пенев",
    "Ганчев",
    "Казаков",
    "Розов",
    "Шипков",
    "Енев",
    "Манолов",
)
STREETS = (
    "ул. Христо Ботев",
    "ул. Васил Левски",
    "ул. Отец Паисий",
    "ул. Стара планина",
    "ул. Иван Вазов",
    "ул. Шипка",
    "ул. Цар Освободител",
    "ул. Славянска",
    "ул. Първи май",
    "ул. Розова долина",
    "ул. Петко Стайнов",
    "ул. Чаталджа",
)
NOTES = ("Звънецът не работи, обадете се по телефона.", "Ключът е при съседката, ап. 3.",
         "Куче в двора, изчакайте на портата.", "Трети етаж без асансьор.",
         "Трудно чува, чукайте силно.", "Оставете на масата в коридора.")  # fmt: skip

SKILL_SHARE = (
    ("household", 0.8),
    ("personal_care", 0.6),
    ("shopping", 0.6),
    ("companionship", 0.5),
    ("nurse", 0.2),
)
MODES = (("car", 40), ("foot", 35), ("bus", 25))
# Kinds of visit: skill, durations to choose from, windows to choose from.
VISIT_KINDS = (
    ("personal_care", (30, 45, 60), (((8, 0), (10, 0)), ((9, 0), (11, 0)))),
    ("household", (45, 60, 90, 120), (((9, 0), (12, 0)), ((13, 0), (15, 30)))),
    ("shopping", (30, 45, 60), (((9, 0), (12, 0)), ((10, 0), (13, 0)))),
    ("companionship", (30, 60), (((10, 0), (12, 0)), ((13, 0), (16, 0)))),
    ("nurse", (15, 20, 30), (((8, 0), (9, 30)), ((13, 0), (15, 0)))),
)
VISIT_WEEKDAYS = (("Mon-Fri", 50), ("Mon,Wed,Fri", 30), ("Tue,Thu", 20))


# The sizes the benchmarks use: a big meal day, and a big care day. The meal day's fleet is
# what its work takes: 545 deliveries on a Monday, 3 minutes a stop, all inside 11:00-14:00
# with 90-minute rides. 12 vans (the first figure) cannot do it: Shipka's 2 vans
# provably cannot serve its 93 village stops, and the town kitchen's 10 run at 90% of a lower
# bound of their work before any real detour. 16 vans, shared by work (12 and 4), serve it
# all with the slack a dispatcher needs for late orders (docs/meals.md, "Sizing the fleet").
MEALS_BENCHMARK = TownSize(clients=600, vans=16, kitchens=2, caregivers=10, visits=30)
# What a client costs a van, for sharing vans among kitchens (the product's own defaults:
# 3 minutes a stop, 35 km/h, roads 1.3 times the straight line); a round serves about 8 stops.
STOP_MINUTES = 3.0
VAN_KMH = 35.0
ROAD_CIRCUITY = 1.3
STOPS_PER_ROUND = 8
CARE_BENCHMARK = TownSize(clients=100, vans=2, kitchens=1, caregivers=40, visits=300)
# The city day (issue: 2,000 deliveries from 5 kitchens with 40 vans): 2,200 meal clients give
# about 2,000 deliveries on a Monday (some eat on other weekdays, some collect at the canteen).
CITY_BENCHMARK = TownSize(clients=2200, vans=40, kitchens=5, caregivers=10, visits=30, area="sofia")


@dataclass(frozen=True)
class SyntheticTown:
    name: str
    seed: int
    size: TownSize
    rows: dict[str, Rows]  # per import kind, each row keyed by the import file's columns
    pickup_points: list[dict[str, str]] = field(default_factory=list)  # external_id, name, ...
    canteen_clients: list[str] = field(default_factory=list)  # collect at the pick-up point
    lives_alone: list[str] = field(default_factory=list)
    drivers: list[dict[str, str]] = field(default_factory=list)  # external_id, name, phone, van


def generate_town(
    seed: int = 7, size: TownSize | None = None, name: str = "Kazanlak"
) -> SyntheticTown:
    """The whole synthetic municipality for `seed` and `size` (deterministic)."""
    size = size or TownSize()
    rnd = random.Random(seed)
    kitchens = _kitchens(size)
    clients, alone = _meal_clients(rnd, size, kitchens)
    caregivers = _caregivers(rnd, size)
    care_clients, visits = _visits(rnd, size, clients, caregivers, kitchens)
    near_canteen = [c["external_id"] for c in clients if c["kitchen"] == "K1"]
    canteen = rnd.sample(near_canteen, k=min(len(near_canteen), size.clients // 20))
    vans = _vans(rnd, size, kitchens, clients)
    return SyntheticTown(
        name=name,
        seed=seed,
        size=size,
        rows={
            "kitchens": kitchens,
            "vehicles": vans,
            "clients": clients + care_clients,
            "caregivers": caregivers,
            "visits": visits,
        },
        pickup_points=[
            {
                "external_id": "P1",
                "name": "Общинска трапезария Казанлък",
                "address": AREAS[size.area].kitchen_sites[0][2],
                "kitchen": "K1",
            }
        ],
        canteen_clients=sorted(canteen),
        lives_alone=alone,
        drivers=[_driver(rnd, i, van["external_id"]) for i, van in enumerate(vans, start=1)],
    )


def _pick(rnd: random.Random, weighted: tuple[tuple[object, float], ...]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rnd.choices(values, weights=weights)[0]


def _pick_str(rnd: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return str(_pick(rnd, weighted))


def _near(rnd: random.Random, lon: float, lat: float, spread_km: float) -> tuple[float, float]:
    """A point around (lon, lat), normally spread with `spread_km` standard deviation."""
    dx, dy = rnd.gauss(0, spread_km), rnd.gauss(0, spread_km)
    return lon + dx / (111.32 * math.cos(math.radians(lat))), lat + dy / 110.57


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111.32 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, (a[1] - b[1]) * 110.57)


def _person(rnd: random.Random, female_share: float = 0.65) -> str:
    surname = rnd.choice(SURNAMES)
    if rnd.random() < female_share:
        return f"{rnd.choice(FEMALE)} {surname}а"
    return f"{rnd.choice(MALE)} {surname}"


def _phone(rnd: random.Random) -> str:
    prefix = f"8{rnd.choice('789')}{rnd.randint(0, 9)}"
    return f"+359 {prefix} {rnd.randint(100, 999)} {rnd.randint(100, 999)}"


def _hhmm(hm: tuple[int, int]) -> str:
    return format_hhmm(time(*hm))


def _kitchens(size: TownSize) -> Rows:
    return [
        {"external_id": ext, "name": name, "address": address, "lon": f"{lon:.6f}",
         "lat": f"{lat:.6f}", "hot_meal_minutes": "90"}
        for ext, name, address, lon, lat in AREAS[size.area].kitchen_sites[: size.kitchens]
    ]  # fmt: skip


def _nearest_kitchen(kitchens: Rows, point: tuple[float, float]) -> str:
    return min(kitchens, key=lambda k: _km((float(k["lon"]), float(k["lat"])), point))[
        "external_id"
    ]


def _meal_clients(rnd: random.Random, size: TownSize, kitchens: Rows) -> tuple[Rows, list[str]]:
    rows: Rows = []
    alone: list[str] = []
    area = AREAS[size.area]
    weights = [p.weight for p in area.places]
    diets = _shares(rnd, DIETS, size.clients)
    for number in range(1, size.clients + 1):
        place = rnd.choices(area.places, weights=weights)[0]
        lon, lat = _near(rnd, place.lon, place.lat, place.spread_km)
        (start, end, _) = rnd.choices(area.windows, weights=[w[2] for w in area.windows])[0]
        ext = f"C{number:04d}"
        rows.append({
            "external_id": ext, "name": _person(rnd), "address": _address(rnd, place),
            "lon": f"{lon:.6f}", "lat": f"{lat:.6f}", "phone": _phone(rnd),
            "diet": diets[number - 1], "portions": "2" if rnd.random() < 0.08 else "1",
            "weekdays": _pick_str(rnd, MEAL_WEEKDAYS), "window_start": _hhmm(start),
            "window_end": _hhmm(end), "kitchen": _nearest_kitchen(kitchens, (lon, lat)),
            "notes": rnd.choice(NOTES) if rnd.random() < 0.2 else "",
        })  # fmt: skip
        if rnd.random() < 0.35:
            alone.append(ext)
    return rows, alone


def _shares(rnd: random.Random, weighted: tuple[tuple[str, int], ...], n: int) -> list[str]:
    """`n` values in exactly the weighted proportions (largest remainder), shuffled.

    Exact rather than drawn, so even a small town has its diets in the field's order.
    """
    total = sum(w for _, w in weighted)
    exact = [(value, n * w / total) for value, w in weighted]
    counts = {value: int(share) for value, share in exact}
    by_remainder = sorted(exact, key=lambda vs: vs[1] - int(vs[1]), reverse=True)
    for value, _ in by_remainder[: n - sum(counts.values())]:
        counts[value] += 1
    values = [value for value, _ in weighted for _ in range(counts[value])]
    rnd.shuffle(values)
    return values


def _address(rnd: random.Random, place: Place) -> str:
    town = place.name.split(",")[0]
    return f"{rnd.choice(STREETS)} {rnd.randint(1, 60)}, {town}"


def _vans(rnd: random.Random, size: TownSize, kitchens: Rows, clients: Rows) -> Rows:
    """Vans shared among kitchens by the van time their clients take (each kitchen gets one at
    least), the way a municipality gives a kitchen of villages more vans per client than a town
    kitchen: shared by head count, Shipka's 93 village stops got 2 vans, which no plan can fit
    into 11:00-14:00 (docs/meals.md, "Sizing the fleet")."""
    area = AREAS[size.area]
    share = {k["external_id"]: 1 for k in kitchens}
    load = {k["external_id"]: 0.0 for k in kitchens}
    for client in clients:
        load[client["kitchen"]] += _van_minutes(client, kitchens)
    for _ in range(size.vans - len(kitchens)):
        busiest = max(share, key=lambda k: load[k] / share[k])
        share[busiest] += 1
    rows: Rows = []
    for kitchen, count in share.items():
        for _ in range(count):
            number = len(rows) + 1
            rows.append({
                "external_id": f"V{number:02d}", "kitchen": kitchen,
                "name": f"Бус {number} (СТ {rnd.randint(1000, 9999)} КА)",
                "capacity_portions": str(rnd.choice((48, 56, 64))), "capacity_boxes": "8",
                "shift_start": area.shift[0], "shift_end": area.shift[1],
                "max_trips": str(rnd.choice(area.trips)),
            })  # fmt: skip
    return rows


def _van_minutes(client: dict[str, str], kitchens: Rows) -> float:
    """A client's share of a van's day: the stop, and the drive out and back shared among the
    stops of one round (a village's clients ride out together)."""
    kitchen = next(k for k in kitchens if k["external_id"] == client["kitchen"])
    km = _km(
        (float(kitchen["lon"]), float(kitchen["lat"])), (float(client["lon"]), float(client["lat"]))
    )
    drive = km * ROAD_CIRCUITY / VAN_KMH * 60
    return STOP_MINUTES + 2 * drive / STOPS_PER_ROUND


def _driver(rnd: random.Random, number: int, van: str) -> dict[str, str]:
    return {"external_id": f"D{number:02d}", "name": _person(rnd, female_share=0.1),
            "phone": _phone(rnd), "vehicle": van}  # fmt: skip


def _caregivers(rnd: random.Random, size: TownSize) -> Rows:
    rows: Rows = []
    places = AREAS[size.area].places
    for number in range(1, size.caregivers + 1):
        skills = [s for s, share in SKILL_SHARE if rnd.random() < share] or ["household"]
        if number <= 2:  # somebody must be able to do every kind of visit, two-person ones too
            skills = [s for s, _ in SKILL_SHARE]
        mode = _pick_str(rnd, MODES)
        walkable = AREAS[size.area].walkable
        place = places[rnd.randrange(walkable)] if mode == "foot" else rnd.choice(places)
        lon, lat = _near(rnd, place.lon, place.lat, place.spread_km)
        part_time = rnd.random() < 0.15
        start, end = (
            ("08:00", "12:00")
            if part_time
            else rnd.choice((("07:30", "15:30"), ("08:00", "16:00")))
        )
        rows.append({
            "external_id": f"G{number:03d}", "name": _person(rnd, female_share=0.85),
            "skills": ";".join(skills), "mode": mode, "shift_start": start, "shift_end": end,
            "max_minutes": "240" if part_time else "480",
            "start_lon": f"{lon:.6f}", "start_lat": f"{lat:.6f}",
        })  # fmt: skip
    return rows


def _visits(
    rnd: random.Random, size: TownSize, meal_clients: Rows, caregivers: Rows, kitchens: Rows
) -> tuple[Rows, Rows]:
    """Care-only clients and the visit plans (some in linked pairs, some for two people)."""
    count = max(1, size.visits // 5) if size.visits else 0
    care_only = _care_only_clients(rnd, count, kitchens, AREAS[size.area].places)
    people = [c["external_id"] for c in meal_clients] + [c["external_id"] for c in care_only]
    visits: Rows = []
    while len(visits) < size.visits:
        client = rnd.choice(people)
        if size.visits - len(visits) >= 2 and rnd.random() < 0.1:
            visits.extend(_linked_pair(rnd, len(visits), client, caregivers))
        else:
            visits.append(_visit(rnd, len(visits) + 1, client, caregivers))
    # 15% of visits need two people at once (the field says 10-20%); never a linked one.
    linked = {v["after_visit"] for v in visits} | {
        v["external_id"] for v in visits if v["after_visit"]
    }
    single = [v for v in visits if v["external_id"] not in linked]
    for visit in rnd.sample(single, k=min(len(single), round(0.15 * len(visits)))):
        _make_two_person(rnd, visit)
    return care_only, visits


def _care_only_clients(
    rnd: random.Random, count: int, kitchens: Rows, places: tuple[Place, ...]
) -> Rows:
    rows: Rows = []
    for number in range(1, count + 1):
        place = rnd.choice(places)
        lon, lat = _near(rnd, place.lon, place.lat, place.spread_km)
        rows.append({
            "external_id": f"H{number:04d}", "name": _person(rnd), "address": _address(rnd, place),
            "lon": f"{lon:.6f}", "lat": f"{lat:.6f}", "phone": _phone(rnd), "diet": "general",
            "portions": "1", "weekdays": "", "window_start": "11:00", "window_end": "14:00",
            "kitchen": _nearest_kitchen(kitchens, (lon, lat)), "notes": "",
        })  # fmt: skip
    return rows


def _visit(rnd: random.Random, number: int, client: str, caregivers: Rows) -> dict[str, str]:
    skill, durations, windows = rnd.choice(VISIT_KINDS)
    start, end = rnd.choice(windows)
    return _visit_row(
        rnd, number, client, caregivers, skill=skill, duration=rnd.choice(durations),
        window=(_hhmm(start), _hhmm(end)), needed=1,
    )  # fmt: skip


def _make_two_person(rnd: random.Random, visit: dict[str, str]) -> None:
    """Turn a visit into lifting for two caregivers at once (personal care, no preference)."""
    _, durations, windows = VISIT_KINDS[0]
    start, end = rnd.choice(windows)
    visit.update(
        skills="personal_care", duration_min=str(rnd.choice(durations)),
        window_start=_hhmm(start), window_end=_hhmm(end), caregivers_needed="2",
        preferred_caregivers="",
    )  # fmt: skip


def _linked_pair(rnd: random.Random, done: int, client: str, caregivers: Rows) -> Rows:
    """Medication first, then help with breakfast between 30 and 90 minutes later."""
    first = _visit_row(rnd, done + 1, client, caregivers, skill="nurse", duration=15,
                       window=("07:45", "09:00"), needed=1)  # fmt: skip
    second = _visit_row(rnd, done + 2, client, caregivers, skill="personal_care", duration=30,
                        window=("08:15", "10:30"), needed=1)  # fmt: skip
    second.update(after_visit=first["external_id"], min_gap_min="30", max_gap_min="90")
    second["weekdays"] = first["weekdays"]
    return [first, second]


def _visit_row(
    rnd: random.Random, number: int, client: str, caregivers: Rows, *,
    skill: str, duration: int, window: tuple[str, str], needed: int,
) -> dict[str, str]:  # fmt: skip
    able = [g["external_id"] for g in caregivers if skill in g["skills"].split(";")]
    preferred = rnd.choice(able) if able and needed == 1 and rnd.random() < 0.4 else ""
    return {
        "external_id": f"VP{number:04d}", "client": client,
        "weekdays": _pick_str(rnd, VISIT_WEEKDAYS), "window_start": window[0],
        "window_end": window[1], "duration_min": str(duration), "skills": skill,
        "caregivers_needed": str(needed), "preferred_caregivers": preferred,
        "after_visit": "", "min_gap_min": "", "max_gap_min": "",
    }  # fmt: skip


def write_import_files(town: SyntheticTown, folder: Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write the five import files (`kitchens.csv`, …) into `folder`; paths by kind."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Expected fmt 'csv' or 'xlsx', got {fmt!r}")
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind in KINDS:
        path = folder / f"{kind}.{fmt}"
        write = write_csv if fmt == "csv" else write_xlsx
        write(path, COLUMNS[kind], town.rows[kind])
        paths[kind] = path
    return paths


def write_csv(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    """UTF-8, comma, header row: the format IMPORT.md describes."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_xlsx(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    """One sheet with the same columns; numbers and times as a spreadsheet would hold them."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row[c]) for c in columns])
    book.save(path)


def _cell(text: str) -> object:
    """Numbers as numbers and HH:MM as times, the way people's spreadsheets store them."""
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if _TIME.match(text):
        return parse_hhmm(text)
    return text


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_TIME = re.compile(r"^\d{2}:\d{2}$")
