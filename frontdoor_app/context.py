"""The application context: built once, handed to whoever needs it. No globals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app import cipher
from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.access.credentials import with_password
from frontdoor_app.access.reference import sync_reference
from frontdoor_app.access.users import ensure_user, find_actor
from frontdoor_app.fgc.errors import FgcRulesError
from frontdoor_app.fgc.rules import rules_from_profile
from frontdoor_app.models import Notification
from frontdoor_app.models.database import (
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from frontdoor_app.profile import Profile, ProfileError, load_profile
from frontdoor_app.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    profile: Profile
    engine: Engine
    sessions: sessionmaker[Session]
    actor: Actor
    read_sessions: sessionmaker[Session]
    recovery_key: str | None = None  # a new embedded file's key, to show the user once

    def session(self):  # type: ignore[no-untyped-def]
        """``with ctx.session() as s:`` — one unit of work."""
        return session_scope(self.sessions)

    def read_session(self):  # type: ignore[no-untyped-def]
        """``with ctx.read_session() as s:`` — a read that never holds up a writer."""
        return session_scope(self.read_sessions)

    def is_empty(self) -> bool:
        with self.read_session() as s:
            return (s.scalar(select(func.count()).select_from(Notification)) or 0) == 0

    def close(self) -> None:
        self.engine.dispose()


def build_context(settings: Settings, profile: Profile | None = None,
                  role_for_new_user: str = "chair") -> AppContext:  # fmt: skip
    """Open the database (migrating it to the newest schema), load the profile and the user."""
    profile = profile or load_profile(settings.profile_path)
    try:
        # The [fgc] rules are checked now, not first when a decision is being saved.
        rules_from_profile(profile)
    except FgcRulesError as exc:
        # The rules' message already starts with the file's name.
        raise ProfileError(profile.path, None, str(exc).removeprefix(f"{profile.path}: ")) from exc
    prepared = embedded_file(settings)
    engine = make_engine(with_password(settings.database_url),
                         key=prepared.key if prepared else None)  # fmt: skip
    upgrade(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        sync_reference(s, profile)
        actor = find_actor(s, settings.user_login) or ensure_user(
            s, settings.user_login, settings.user_login, role_for_new_user
        )
        audit.record(s, actor, "login", "app_user", actor.user_id, detail="signed in")
    return AppContext(settings, profile, engine, sessions, actor,
                      make_session_factory(engine, read_only=True),
                      prepared.recovery_key if prepared else None)  # fmt: skip


def embedded_file(settings: Settings) -> cipher.Prepared | None:
    """The embedded file made ready to open encrypted (see ``models.cipher``); None otherwise."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return cipher.prepare(Path(url.database), settings.data_dir)
