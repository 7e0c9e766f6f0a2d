"""A left-out job's cause (routing.Why) in the reader's language.

The English templates live with the solver (routing/wording.py) and are the catalogs' message
ids; the numbers are filled in the same way in every language.
"""

from __future__ import annotations

from api.i18n import Translator
from routing.solution import Why
from routing.wording import TEMPLATES, describe


def why_text(why: Why, t: Translator) -> str:
    return describe(why, t.gettext(TEMPLATES[why.code]))
