"""An import problem's reason in the reader's language.

A problem carries its code and values (scheduler/refusals.py), and is said again from its
catalog message with the same values. Only a problem without one is matched here as an
English sentence: a preview staged before the codes were kept (staged previews live for a
day), or a message no code covers yet; a sentence not known is shown as it is, in English,
rather than not at all.
"""

from __future__ import annotations

import re

from api.i18n import Translator
from scheduler.errors import FieldProblem
from scheduler.wording import N_

_GOT = re.compile(r"^(?P<head>.+?), got (?P<value>.+)$", re.DOTALL)

# (pattern of the English reason, its catalog message with the pattern's named values)
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), m)
    for p, m in (
        (r"^Field required$", N_("is required")),
        (r"^String should have at least 1 character$", N_("must not be empty")),
        (r"^must not be empty$", N_("must not be empty")),
        (r"^String should have at most (?P<n>\d+) characters?$",
         N_("must be at most %(n)s characters long")),
        (r"^Input should be a valid number.*$", N_("must be a number")),
        (r"^Input should be a valid integer.*$", N_("must be a whole number")),
        (r"^Input should be greater than or equal to (?P<n>\S+)$", N_("must be at least %(n)s")),
        (r"^Input should be less than or equal to (?P<n>\S+)$", N_("must be at most %(n)s")),
        (r"^Input should be greater than (?P<n>\S+)$", N_("must be more than %(n)s")),
        (r"^Input should be less than (?P<n>\S+)$", N_("must be less than %(n)s")),
        (r"^Input should be (?P<choices>'.+)$", N_("must be one of %(choices)s")),
        (r"^expected a time as HH:MM$", N_("must be a time such as 08:30")),
        (r"^no such time of day: (?P<value>.+)$", N_("there is no time of day %(value)s")),
        (r"^unknown day (?P<value>'[^']*') in .*$",
         N_("has an unknown day %(value)s; write Mon, Tue, … Sun")),
        (r"^no days given.*$", N_("names no days; write for example Mon-Fri or Mon,Wed,Fri")),
        (r"^range (?P<value>.+) runs backwards.*$",
         N_("the range %(value)s runs backwards; write it Monday first")),
        (r"^must be after (?P<first>\w+) \((?P<start>[\d:]+)\)$",
         N_("must be later than %(first)s (%(start)s)")),
        (r"^must be at or after (?P<first>\w+) \((?P<start>[\d:]+)\)$",
         N_("must not be earlier than %(first)s (%(start)s)")),
        (r"^(?P<value>'.*') is already on row (?P<row>\d+)$",
         N_("%(value)s is already on row %(row)s")),
        (r"^no kitchen (?P<value>'.*'); import kitchens first$",
         N_("there is no kitchen %(value)s; import the kitchens first")),
        (r"^no kitchens yet; import kitchens first$",
         N_("there are no kitchens yet; import the kitchens first")),
        (r"^required when the municipality has more than one kitchen$",
         N_("is required when the municipality has more than one kitchen")),
        (r"^no client (?P<value>'.*'); import clients first$",
         N_("there is no client %(value)s; import the clients first")),
        (r"^no caregiver (?P<value>'.*')$", N_("there is no caregiver %(value)s")),
        (r"^no caregiver has skill (?P<value>'.*')$", N_("no caregiver has the skill %(value)s")),
        (r"^lists a skill twice$", N_("names a skill twice")),
        (r"^visits wait on each other in a circle$",
         N_("the visits wait on each other in a circle")),
        (r"^has (?P<n>\d+) values but the header names (?P<m>\d+) columns$",
         N_("has %(n)s values but the header names %(m)s columns")),
        (r"^is neither UTF-8 nor Windows-1251/1250 text.*$",
         N_("is neither UTF-8 nor Windows-1251/1250 text; save it as 'CSV UTF-8'")),
        (r"^expected a \.csv or \.xlsx file$", N_("must be a .csv or .xlsx file")),
        (r"^is empty; .*$", N_("is empty; the first line must name the columns")),
        (r"^missing: (?P<value>.+)$", N_("these columns are missing: %(value)s")),
        (r"^not expected: (?P<value>.+)$", N_("these columns are not expected: %(value)s")),
        (r"^column (?P<value>'.*') appears twice$", N_("the column %(value)s appears twice")),
        (r"^the header must be exactly: (?P<value>.+)$",
         N_("the first line must be exactly: %(value)s")),
        (r"^has more than (?P<n>[\d,]+) rows.*$",
         N_("has more than %(n)s rows; split it into smaller files")),
        (r"^is (?P<n>[\d,]+) bytes; at most (?P<m>[\d,]+) are taken.*$",
         N_("is %(n)s bytes; at most %(m)s are taken: split it into smaller files")),
        (r"^(?P<n>\d+) more problem\(s\) not listed.*$",
         N_("%(n)s more problems not listed; fix these and upload the file again")),
        (r"^unknown kind (?P<value>'.*'); one of (?P<choices>.+)$",
         N_("there is no kind of file %(value)s; one of %(choices)s")),
    )
]  # fmt: skip
GOT = N_("%(reason)s, got %(value)s")


def reason_text(problem: FieldProblem, t: Translator) -> str:
    """An import problem's reason in `t`'s language."""
    if problem.said is not None:
        return problem.words(t)
    message = problem.message
    found = _GOT.match(message)
    if found:
        head = _said(found["head"], t)
        if head is not None:
            return t.gettext(GOT) % {"reason": head, "value": found["value"]}
    said = _said(message, t)
    return message if said is None else said


def _said(message: str, t: Translator) -> str | None:
    for pattern, catalog_message in REASONS:
        found = pattern.match(message)
        if found:
            values = found.groupdict()
            if "choices" in values:  # pydantic's "'a', 'b' or 'c'": the list without English
                values["choices"] = values["choices"].replace(" or ", ", ")
            return t.gettext(catalog_message) % values
    return None
