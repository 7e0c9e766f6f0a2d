"""The Rich console and progress bars every command shares."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@lru_cache(maxsize=1)
def console() -> Console:
    return Console()


def progress() -> Progress:
    """A progress bar for work that takes more than a second."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(),
        transient=False,
    )
