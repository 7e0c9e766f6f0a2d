"""Every setting deploy/env.example names is read somewhere in the product.

A setting named there but read nowhere is worse than a typo: an office sets it and nothing
changes (PATRONAGE_OSRM_URL was such a one). Each `PATRONAGE_*` name must be a field of
`Settings` or `WorkerSettings`, and that field must be used outside the settings modules.
"""

from __future__ import annotations

import re
from pathlib import Path

from scheduler.settings import Settings
from workers.settings import WorkerSettings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "scheduler", "workers", "routing")
SETTINGS_MODULES = {ROOT / "scheduler" / "settings.py", ROOT / "workers" / "settings.py"}

# Named in env.example but not read yet (none: keep it so).
EXPECTED_TO_BE_WIRED: set[str] = set()


def _named_in_env_example() -> set[str]:
    text = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    names = re.findall(r"^PATRONAGE_([A-Z0-9_]+)=", text, flags=re.MULTILINE)
    return {n.lower() for n in names}


def _product_source() -> str:
    files = (p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py")))
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p not in SETTINGS_MODULES)


def test_every_name_in_env_example_is_a_setting() -> None:
    fields = set(Settings.model_fields) | set(WorkerSettings.model_fields)
    named = _named_in_env_example()
    assert named, "env.example names no PATRONAGE_ setting"
    assert named <= fields, f"not settings: {sorted(named - fields)}"


def test_every_setting_in_env_example_is_read() -> None:
    source = _product_source()
    unread = sorted(
        name
        for name in _named_in_env_example() - EXPECTED_TO_BE_WIRED
        if not re.search(rf"\.{name}\b", source)
    )
    assert unread == [], f"named in deploy/env.example but read nowhere: {unread}"


def test_the_check_finds_a_setting_read_nowhere() -> None:
    assert re.search(r"\.solve_time_limit_s\b", _product_source())
    assert not re.search(r"\.no_such_setting\b", _product_source())
