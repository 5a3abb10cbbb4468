"""Shared fixtures. Qt runs offscreen; the developer's own settings and keyring stay out."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from frontdoor_app.context import AppContext, build_context  # noqa: E402
from frontdoor_app.profile import Profile, load_profile  # noqa: E402
from frontdoor_app.settings import ENV_DATABASE, ENV_DATA_DIR, ENV_PROFILE, ENV_USER  # noqa: E402
from frontdoor_app.settings import Settings, load_settings  # noqa: E402

ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts"


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: tests never touch the OS keyring or a plain-file one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Every test gets its own data folder, database and keyring; nothing of the developer's."""
    for var in (ENV_DATABASE, ENV_PROFILE):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(ENV_USER, "test.chair")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield load_settings()
    keyring.set_keyring(previous)


@pytest.fixture
def profile() -> Profile:
    return load_profile()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'frontdoor.sqlite'}"


@pytest.fixture
def ctx(fresh_settings: Settings, db_url: str, profile: Profile) -> Iterator[AppContext]:
    """An application context on a fresh SQLite file, migrated, reference data loaded."""
    context = build_context(fresh_settings.with_database(db_url), profile)
    yield context
    context.close()


@pytest.fixture
def artefacts() -> Path:
    """Folder for screenshots and rendered pages (git-ignored), for people to look at."""
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS
