"""Every setting declared once, typed, with where it comes from.

Order of precedence: command-line option, environment variable, default. Secrets are
never here: a PostgreSQL password lives in the OS keyring (frontdoor_app.access.credentials).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "frontdoor"
ENV_DATABASE = "FRONTDOOR_DATABASE_URL"
ENV_PROFILE = "FRONTDOOR_PROFILE"
ENV_USER = "FRONTDOOR_USER"
ENV_DATA_DIR = "FRONTDOOR_DATA_DIR"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    profile_path: Path | None
    user_login: str

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_database(self, url: str | None) -> Settings:
        return replace(self, database_url=url) if url else self


def default_data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or user_data_dir(APP_NAME, appauthor=False))


def load_settings(database_url: str | None = None, profile: str | None = None) -> Settings:
    data_dir = default_data_dir()
    url = (
        database_url or os.environ.get(ENV_DATABASE) or f"sqlite:///{data_dir / 'frontdoor.sqlite'}"
    )
    profile_path = profile or os.environ.get(ENV_PROFILE)
    return Settings(
        data_dir=data_dir,
        database_url=url,
        profile_path=Path(profile_path) if profile_path else None,
        user_login=os.environ.get(ENV_USER) or _os_login(),
    )


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
