"""Building the application context (``app_context.AppContext``): open the database, load the
profile and the signed-in user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app import cipher
from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, SignInError
from frontdoor_app.access.credentials import with_password
from frontdoor_app.access.reference import sync_reference
from frontdoor_app.access.users import ensure_user, find_actor
from frontdoor_app.app_context import AppContext as AppContext  # its home; named here too
from frontdoor_app.fgc.errors import FgcRulesError
from frontdoor_app.fgc.rules import rules_from_profile
from frontdoor_app.models import User
from frontdoor_app.models.database import (
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from frontdoor_app.profile import Profile, ProfileError, load_profile
from frontdoor_app.profile_error import ServerProfileError
from frontdoor_app.settings import Settings


def build_context(settings: Settings, profile: Profile | None = None) -> AppContext:
    """Open the database, load the profile and the signed-in user.

    The embedded SQLite file is migrated and its reference lists kept in step with the
    profile; the first run on an empty file makes its user the file's chair. A PostgreSQL
    server is never changed by a client: its schema revision must be this application's,
    and the user is the server's ``session_user`` (FRONTDOOR_USER is ignored there).
    """
    profile = profile or load_profile(settings.profile_path)
    try:
        # The [fgc] rules are checked now, not first when a decision is being saved.
        rules_from_profile(profile)
    except FgcRulesError as exc:
        # The rules' message already starts with the file's name.
        raise ProfileError(profile.path, None, str(exc).removeprefix(f"{profile.path}: ")) from exc
    prepared = embedded_file(settings)
    engine = make_engine(
        with_password(settings.database_url), key=prepared.key if prepared else None
    )
    sessions = make_session_factory(engine)
    try:
        if engine.dialect.name == "postgresql":
            actor = _server_actor(engine, sessions)
            profile = _server_profile(sessions, profile)
        else:
            upgrade(engine)
            with session_scope(sessions) as s:
                sync_reference(s, profile)
                actor = _embedded_actor(s, settings.user_login)
        with session_scope(sessions) as s:
            audit.record(s, actor, "login", "app_user", actor.user_id, detail="signed in")
    except BaseException:
        engine.dispose()
        raise
    return AppContext(
        settings,
        profile,
        engine,
        sessions,
        actor,
        make_session_factory(engine, read_only=True),
        prepared.recovery_key if prepared else None,
    )


def embedded_file(settings: Settings) -> cipher.Prepared | None:
    """The embedded file made ready to open encrypted (see ``cipher``); None otherwise."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return cipher.prepare(Path(url.database), settings.data_dir)


def _server_actor(engine: Engine, sessions: sessionmaker[Session]) -> Actor:
    from frontdoor_app.access.server import schema_mismatch

    problem = schema_mismatch(engine)
    if problem:
        raise SignInError(problem)
    with session_scope(sessions) as s:
        login = s.execute(text("SELECT session_user")).scalar_one()
        actor = find_actor(s, login)
        if actor is None:
            disabled = s.scalar(select(User.id).where(User.login == login))
            raise SignInError(
                f"{login} has been disabled on this server; ask an admin"
                if disabled is not None
                else f"{login} is not a user of the front door on this server; ask an admin to "
                "add you (`frontdoor users add`)"
            )
    return actor


def _server_profile(sessions: sessionmaker[Session], local: Profile) -> Profile:
    """The server's profile, which every laptop on it runs by (``access.server_profile``);
    its [fgc] rules are checked as the laptop's own file's were."""
    from frontdoor_app.access.server_profile import profile_in_force

    try:
        with session_scope(sessions) as s:
            profile = profile_in_force(s, local)
    except ProfileError as exc:
        raise ServerProfileError(exc.path, exc.line, exc.message) from exc
    if profile is not local:
        try:
            rules_from_profile(profile)
        except FgcRulesError as exc:
            raise ServerProfileError(
                profile.path, None, str(exc).removeprefix(f"{profile.path}: ")
            ) from exc
    return profile


def _embedded_actor(s: Session, login: str) -> Actor:
    """An existing active user; on a file with no users yet, this one becomes its chair."""
    actor = find_actor(s, login)
    if actor is not None:
        return actor
    known = s.scalar(select(User).where(User.login == login))
    if known is not None:
        raise SignInError(f"{login} has been disabled in this database; ask an admin")
    if (s.scalar(select(func.count()).select_from(User)) or 0) == 0:
        return ensure_user(s, login, login, "chair")
    raise SignInError(
        f"{login} is not a user of this database; ask its admin to add you "
        "(`frontdoor users add`), or set FRONTDOOR_USER to one of its users"
    )


def administrator_context(settings: Settings, profile: Profile | None = None) -> AppContext:
    """The server's administrator (``server init``'s role) acting as the owner role: for
    building the demo into a server that ``server init`` has set up. PostgreSQL only."""
    from frontdoor_app.access.actor import SYSTEM
    from frontdoor_app.access.server import owner_engine, schema_mismatch

    profile = profile or load_profile(settings.profile_path)
    admin = make_engine(with_password(settings.database_url))
    try:
        engine = owner_engine(admin)
    finally:
        admin.dispose()
    problem = schema_mismatch(engine)
    if problem:
        engine.dispose()
        raise SignInError(problem.replace("ask your administrator to run", "run"))
    return AppContext(
        settings,
        profile,
        engine,
        make_session_factory(engine),
        SYSTEM,
        make_session_factory(engine, read_only=True),
    )
