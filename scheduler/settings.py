"""One settings object for the whole product, read from `PATRONAGE_*` environment variables.

Built on first use (`get_settings()`), never at import time, so tests and commands can set the
environment first. The defaults are the embedded ones: a SQLite file under `./var/` and no Redis.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATRONAGE_", env_file=".env", extra="ignore")

    var_dir: Path = Field(default=Path("var"), description="Where embedded data and outputs go.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite at var/patronage.db."
    )
    migration_database_url: str = Field(
        default="",
        description="The schema owner's URL, used by `patronage db upgrade` alone; empty means "
        "the database URL. The API, workers and clock connect as an ordinary role (no superuser, "
        "no BYPASSRLS), so row-level security holds for them.",
    )
    redis_url: str = Field(default="", description="Redis URL; empty means no Redis (eager).")
    secret_key: str = Field(
        default="dev-only-secret-change-me", description="Signs links and webhooks."
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL of the API.")
    osrm_url: str = Field(default="", description="OSRM server; empty means great-circle times.")
    valhalla_url: str = Field(
        default="", description="Valhalla server, used where no road graph is built; empty: none."
    )
    roads_workers: int = Field(
        default=0,
        ge=0,
        description="Road matrix requests at a time: worker processes for a built road graph, "
        "parallel requests to a Valhalla server; 0 means one per core.",
    )
    geocoder_url: str = Field(
        default="",
        description="A geocoder speaking Nominatim's /search protocol, for clients entered with "
        "an address and no coordinates; empty: none (the dispatcher places them on the map).",
    )
    geocoder_user_agent: str = Field(
        default="",
        description="The User-Agent sent to the geocoder, naming the installation and a contact "
        "(Nominatim's usage policy); empty: Patronage and the base URL.",
    )
    map_tiles_url: str = Field(
        default="",
        description="Map tile URL template for the board ({z}/{x}/{y}); empty means no tiles. "
        "Tiles are shown with the OpenStreetMap attribution.",
    )
    solve_time_limit_s: float = Field(default=10.0, gt=0, description="Default solver budget.")
    vapid_private_key: str = Field(default="", description="Web Push VAPID private key (PEM).")
    vapid_subject: str = Field(default="mailto:dispatch@example.org")
    max_body_bytes: int = Field(
        default=2_000_000, gt=0, description="Requests with a larger body are refused (413)."
    )
    link_max_age_hours: int = Field(
        default=36, gt=0, description="How long a driver's or caregiver's day link stays valid."
    )
    session_max_age_s: int = Field(default=12 * 3600, gt=0, description="Page sign-in lifetime.")
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only; unset, on unless base_url is a "
        "plain-http loopback address (the development server).",
    )
    signin_max_failures: int = Field(
        default=5, gt=0, description="Wrong passwords per account before sign-in pauses."
    )
    signin_max_failures_per_address: int = Field(
        default=20, gt=0, description="Wrong passwords from one address before it pauses."
    )
    signin_window_s: int = Field(
        default=15 * 60, gt=0, description="The window failures are counted in, and the pause."
    )
    token_max_age_days: int = Field(
        default=90, gt=0, description="How long a new API token lasts unless told otherwise."
    )
    plan_days_back: int = Field(
        default=7, ge=0, description="Days before today that may still be planned or published."
    )
    plan_days_ahead: int = Field(
        default=30, ge=0, description="Days after today that may be frozen, planned, published."
    )
    rate_token_burst: int = Field(
        default=20, gt=0, description="Plans, publishes or imports one credential may ask at once."
    )
    rate_token_per_minute: float = Field(
        default=10.0, gt=0, description="How fast a credential's allowance comes back, per minute."
    )
    rate_municipality_burst: int = Field(
        default=60,
        gt=0,
        description="Plans, publishes or imports one municipality may ask at once.",
    )
    rate_municipality_per_minute: float = Field(
        default=30.0, gt=0, description="How fast a municipality's allowance comes back."
    )
    import_max_bytes: int = Field(
        default=10_000_000, gt=0, description="A larger import file is refused before reading."
    )
    import_max_rows: int = Field(
        default=50_000, gt=0, description="An import file with more data rows is refused."
    )
    import_max_problems: int = Field(
        default=50, gt=0, description="Problems listed for a refused file; the rest are counted."
    )
    access_records_keep_days: int = Field(
        default=90, gt=0, description="Page sessions and sign-in attempts older are pruned."
    )

    smtp_host: str = Field(default="", description="SMTP server for e-mailed links; empty: none.")
    smtp_port: int = Field(default=587, gt=0, le=65535)
    smtp_username: str = Field(default="", description="SMTP sign-in; empty: no AUTH.")
    smtp_password: str = Field(default="")
    smtp_sender: str = Field(
        default="patronage@localhost", description="The From address of e-mailed links."
    )
    smtp_starttls: bool = Field(default=True, description="STARTTLS before signing in.")
    smtp_timeout_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _plain_http_only_on_loopback(self) -> Self:
        """A secure cookie is never sent back over http://127.0.0.1, so the development server
        (and the tests) get a plain one unless told; every other address gets a secure one."""
        if "cookie_secure" not in self.model_fields_set and _loopback_http(self.base_url):
            self.cookie_secure = False
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'patronage.db').as_posix()}"


def _loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    return parts.scheme == "http" and loopback


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built from the environment on first call."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
