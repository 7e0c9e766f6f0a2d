"""Names as people type them: a municipality written in Cyrillic or Latin, any case.

Bulgarian Cyrillic is written in Latin letters by the official Bulgarian transliteration
(the Transliteration Act of 2009, the same as the "Streamlined System": щ -> sht, ъ -> a,
ю -> yu, я -> ya, and "ия" at the end of a word -> "ia"). Slovenian (and other Latin)
diacritics are folded (č -> c), so "Казанлък", "KAZANLAK" and "kazanlak" match, and
"Škofja Loka" matches "skofja loka".
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъьюя"
_LATIN = [
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "zh",
    "z",
    "i",
    "y",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
    "f",
    "h",
    "ts",
    "ch",
    "sh",
    "sht",
    "a",
    "y",
    "yu",
    "ya",
]
BG_LATIN = dict(zip(_CYRILLIC, _LATIN, strict=True))
_WORD_END_IA = re.compile(r"ия\b")
_SPACES = re.compile(r"[\s\-_.,]+")


def transliterate_bg(text: str) -> str:
    """Bulgarian Cyrillic in Latin letters (lower case), by the official system."""
    lowered = _WORD_END_IA.sub("ia", text.lower())
    return "".join(BG_LATIN.get(ch, ch) for ch in lowered)


def fold(text: str) -> str:
    """The form two spellings of one name share: Latin, lower case, no diacritics, single
    spaces. Used only to compare names, never to show one."""
    latin = transliterate_bg(text.strip())
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch)
    )
    return _SPACES.sub(" ", plain).strip()
