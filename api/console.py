"""The Rich console and progress bars every command shares, and the office's words.

What an office command prints is in the office's language (`office_words`): the terminal's
when it names one of the product's, else the municipality's once the command has found it
(`speak_for`), else English. `said()` gives those words anywhere in a command, refusals too.
"""

from __future__ import annotations

import os
import platform
from functools import lru_cache
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.i18n import LANGUAGES, Translator


@lru_cache(maxsize=1)
def console() -> Console:
    return Console()


def progress(*, auto_refresh: bool = True) -> Progress:
    """A progress bar for work that takes more than a second. Without `auto_refresh` no
    thread redraws it (the caller does): the solver then starts its searches by fork."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(),
        transient=False,
        auto_refresh=auto_refresh,
    )


def machine() -> str:
    """The machine a benchmark row was measured on."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def append_row(record: Path, row: str) -> None:
    """Append a benchmark's table row to `record` and say so."""
    with record.open("a", encoding="utf-8") as out:
        out.write(row + "\n")
    console().print(f"Row appended to {record}")


def office_words(town_locale: str, timezone: str = "UTC") -> Translator:
    """The words of the office running a command: the language LC_ALL, LC_MESSAGES or LANG
    names when it is one of the product's, else the municipality's (a server's `C` or `POSIX`
    locale says nothing about who reads)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            short = value.replace("-", "_").split("_")[0].split(".")[0].lower()
            if short in LANGUAGES:
                return Translator(short, timezone)
            break
    return Translator(town_locale, timezone)


_speaking: list[Translator] = []  # the words of the command running, once its town is known


def speak_for(town_locale: str, timezone: str = "UTC", chosen: str | None = None) -> Translator:
    """From now on the command speaks the office's language for this municipality (or the
    `--lang` the user chose)."""
    words = Translator(chosen, timezone) if chosen else office_words(town_locale, timezone)
    _speaking[:] = [words]
    return words


def said() -> Translator:
    """The office's words: the municipality's (see `speak_for`) or the terminal's, else English."""
    return _speaking[0] if _speaking else office_words("en")


def forget_town() -> None:
    """A new command starts (the tests run many in one process): no municipality known yet."""
    _speaking.clear()
