"""Box labels on A4 sticker sheets: one label per packed client and diet, in stop order.

Kitchens buy self-adhesive A4 sheets in a few standard layouts; `SHEETS` names the ones the
label page can fill, by the label's size. The labels are placed edge to edge from the sheet's
top-left margin, so a sheet printed at 100% lands each text inside its sticker.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.refusals import Reason, refuse
from scheduler.reports.kitchen import KitchenDay
from scheduler.reports.sheets import render
from scheduler.wording import Wording, wording


@dataclass(frozen=True)
class LabelSheet:
    columns: int
    rows: int
    width_mm: float
    height_mm: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def margin_left_mm(self) -> float:
        return round((210 - self.columns * self.width_mm) / 2, 2)

    @property
    def margin_top_mm(self) -> float:
        return round((297 - self.rows * self.height_mm) / 2, 2)


SHEETS = {
    "70x37": LabelSheet(3, 8, 70, 37),  # 24 a sheet, edge to edge
    "99.1x38.1": LabelSheet(2, 7, 99.1, 38.1),  # 14 a sheet, with margins
    "105x37": LabelSheet(2, 8, 105, 37),  # 16 a sheet, edge to edge
}
DEFAULT_SHEET = "70x37"


def label_sheet(size: str) -> LabelSheet:
    """The sheet of a size such as `70x37`; a clear error naming the sizes there are."""
    try:
        return SHEETS[size]
    except KeyError:
        known = ", ".join(SHEETS)
        raise refuse("size", Reason.expected_one_of_got, choices=known, value=repr(size)) from None


def labels_html(
    day: KitchenDay,
    size: str = DEFAULT_SHEET,
    words: Wording | None = None,
    vehicle: str | None = None,
) -> str:
    """Every box label of the day (or of one van), van by van and stop by stop."""
    sheet = label_sheet(size)
    vans = [
        van
        for k in day.kitchens
        for wave in k.waves
        for van in wave.vans
        if vehicle is None or van.vehicle == vehicle
    ]
    return render("labels.html", words or wording(day.locale), day=day, vans=vans, sheet=sheet)
