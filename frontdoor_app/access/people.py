"""People and access: adding, listing, disabling and enabling users, setting passwords.

The ``frontdoor users`` commands and the admin screen call these same functions. On
PostgreSQL each user is a LOGIN role (its password stored as a SCRAM-SHA-256 verifier,
computed here so the password itself never reaches the server) in its role's group, plus
its ``app_user`` row; disabling sets NOLOGIN and ends the user's open sessions, and
enabling gives the access back (LOGIN again). Nobody takes their own access away: the
last admin of a laptop's file would lock everyone out of it. On the embedded SQLite file
there are no passwords: the computer's account is the identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.models import Agency, FgcTeam, User
from frontdoor_app.models.database import session_scope
from frontdoor_app.refusal import server_refused

from . import audit
from .actor import SYSTEM, Actor
from .server import group_for, q
from .server_rules import GROUPS, OWNER
from .users import UserError

LOGIN_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 12
UNDEFINED_OBJECT = "42704"  # PostgreSQL's SQLSTATE for "role does not exist"
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class Person:
    login: str
    display_name: str
    role: str
    agency_code: str | None
    active: bool
    can_log_in: bool | None  # None on SQLite (no server roles)


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 7677 / PostgreSQL's format)."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _require_admin(session: Session, actor: Actor, doing: str) -> None:
    """Admins; on the embedded file (one laptop) also its chair, who is the file's owner."""
    allowed = ("admin",) if _postgres(session) else ("admin", "chair")
    if actor is not SYSTEM and actor.role not in allowed:
        raise UserError(f"only an admin can {doing}; you are signed in as {actor.role}")


def _check_password(password: str | None) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise UserError(f"a password must have at least {MIN_PASSWORD} characters")
    return password


def _literal(session: Session, value: str) -> str:
    found = session.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar_one()
    return str(found)


def _ddl(session: Session, statement: str) -> None:
    """A statement with literals already quoted (no bind parameters: ':' may be in them)."""
    session.connection().exec_driver_sql(statement)


def add_user(
    session: Session,
    login: str,
    display_name: str,
    role: str,
    agency_code: str | None = None,
    password: str | None = None,
    by: Actor = SYSTEM,
    fgc_team_code: str | None = None,
) -> Person:
    """A new user (audited); on PostgreSQL also its LOGIN role in its group.

    An FGC coordinator belongs to one FGC team (``fgc_team_code``); no other role has one.
    """
    _require_admin(session, by, "add users")
    if not LOGIN_PATTERN.match(login):
        raise UserError(
            f"a login is 2 to 63 lower-case letters, digits, '.', '_' or '-', "
            f"starting with a letter; {login!r} is not"
        )
    if not display_name.strip():
        raise UserError("the user needs a name")
    if role not in GROUPS:
        raise UserError(f"role must be one of {', '.join(GROUPS)}, not {role!r}")
    group = group_for(role)
    if role == "representative" and not agency_code:
        raise UserError("a representative needs an agency (--agency CODE)")
    agency_id = None
    if agency_code:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
        if agency_id is None:
            raise UserError(f"no agency with code {agency_code!r}")
    team_id = None
    if (role == "fgc_coordinator") != bool(fgc_team_code):
        raise UserError(
            "an FGC coordinator needs their FGC team (--team CODE), and only they have one"
        )
    if fgc_team_code:
        team_id = session.scalar(select(FgcTeam.id).where(FgcTeam.code == fgc_team_code))
        if team_id is None:
            raise UserError(f"no FGC team with code {fgc_team_code!r}")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise UserError(f"there is already a user {login!r}")
    if _postgres(session):
        verifier = scram_verifier(_check_password(password))
        existing = session.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :n"), {"n": login}
        ).first()
        if existing is not None or login in (OWNER, *GROUPS.values()):
            raise UserError(f"the server already has a role {login!r}; choose another login")
        _ddl(
            session,
            f"CREATE ROLE {q(login)} LOGIN INHERIT NOSUPERUSER NOCREATEDB "
            f"NOCREATEROLE NOBYPASSRLS PASSWORD {_literal(session, verifier)}",
        )
        session.execute(text(f"GRANT {q(group)} TO {q(login)}"))
    user = User(
        login=login,
        display_name=display_name.strip(),
        role=role,
        agency_id=agency_id,
        fgc_team_id=team_id,
    )
    session.add(user)
    audit.written(session, by, user, "create")
    return _person(session, user)


def set_password(session: Session, login: str, password: str, by: Actor = SYSTEM) -> None:
    _require_admin(session, by, "set passwords")
    _known(session, login)
    if not _postgres(session):
        raise UserError(
            "the embedded SQLite file has no passwords: the computer's account is the identity"
        )
    verifier = scram_verifier(_check_password(password))
    user = _known(session, login)
    exists = session.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :n"), {"n": login}
    ).first()
    if login in (OWNER, *GROUPS.values()) or (exists is not None and exists[0]):
        raise UserError(
            f"{login} is not an application user's login; its password is the "
            "server administrator's business"
        )
    if exists is None:
        # A user made without a login (the demo's people): their login is created now.
        can = "LOGIN" if user.active else "NOLOGIN"
        _ddl(
            session,
            f"CREATE ROLE {q(login)} {can} INHERIT NOSUPERUSER NOCREATEDB "
            f"NOCREATEROLE NOBYPASSRLS PASSWORD {_literal(session, verifier)}",
        )
        _ddl(session, f"GRANT {q(group_for(user.role))} TO {q(login)}")
        return
    _ddl(session, f"ALTER ROLE {q(login)} PASSWORD {_literal(session, verifier)}")
    audit.record(session, by, "update", "app_user", None, detail=f"password of {login} set")


class Disabled(NamedTuple):
    """What disabling did: sessions ended, and whether the server login was taken away (on a
    server only its administrator can; an admin's disable stops the person reading or
    changing anything at once, and the login stays until the administrator removes it)."""

    sessions_ended: int = 0
    login_taken: bool = True


def disable_user(session: Session, login: str, by: Actor = SYSTEM) -> Disabled:
    """The user can no longer sign in; on PostgreSQL their open sessions end."""
    _require_admin(session, by, "disable users")
    if by is not SYSTEM and by.login == login:
        raise UserError("you cannot take away your own access: another admin can, if it must go")
    user = _known(session, login)
    before = audit.snapshot(user)
    user.active = False
    audit.written(session, by, user, "update", before)
    if not _postgres(session):
        return Disabled()
    try:
        with session.begin_nested():
            session.execute(text(f"ALTER ROLE {q(login)} NOLOGIN"))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == UNDEFINED_OBJECT:
            return Disabled()  # a user made without a login (the demo's): none to take
        if not server_refused(exc):
            raise
        # An admin signed in as themselves: ``active`` is false, and every row rule asks
        # for an active user (``server_rules.SIGNED_IN``), so the login opens nothing.
        return Disabled(login_taken=False)
    ended = len(
        session.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :n"),
            {"n": login},
        ).all()
    )
    return Disabled(ended)


class Enabled(NamedTuple):
    """What enabling did: whether the person's server login may sign in again. On a server
    only its administrator can give a login back; an admin signed in as themselves makes
    the person active (every row rule asks for that), and a login the administrator took
    stays closed until they run ``frontdoor users enable``."""

    login_given: bool = True
    already: bool = False  # they could sign in already: nothing was changed


def enable_user(session: Session, login: str, by: Actor = SYSTEM) -> Enabled:
    """A disabled user may sign in again, as before (their role and agency are kept)."""
    _require_admin(session, by, "give users their access back")
    user = _known(session, login)
    was_active = user.active
    if not was_active:
        before = audit.snapshot(user)
        user.active = True
        audit.written(session, by, user, "update", before)
    if not _postgres(session):
        return Enabled(already=was_active)
    can_log_in = session.execute(
        text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": login}
    ).scalar()
    if can_log_in is None or can_log_in:
        # no login of its own (the demo's people), or one still open
        return Enabled(already=was_active)
    try:
        with session.begin_nested():
            session.execute(text(f"ALTER ROLE {q(login)} LOGIN"))
    except DBAPIError as exc:
        if not server_refused(exc):
            raise
        return Enabled(login_given=False)
    return Enabled()


def list_users(session: Session) -> list[Person]:
    return [_person(session, u) for u in session.scalars(select(User).order_by(User.login))]


def _known(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise UserError(f"there is no user {login!r}")
    return user


def _person(session: Session, user: User) -> Person:
    can = None
    if _postgres(session):
        can = bool(
            session.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": user.login}
            ).scalar()
        )
    agency = session.get(Agency, user.agency_id) if user.agency_id else None
    return Person(
        user.login, user.display_name, user.role, agency.code if agency else None, user.active, can
    )


# ---------------------------------------------------------------------- the admin screen
# The screen's calling convention: a reader takes a Session; a writer takes the session
# factory and the actor and runs the same function as ``frontdoor users`` in one unit of
# work.


@dataclass(frozen=True)
class AgencyChoice:
    code: str
    name: str


def agency_choices(session: Session) -> tuple[AgencyChoice, ...]:
    """The active agencies a user may belong to, by name."""
    rows = session.execute(
        select(Agency.code, Agency.name).where(Agency.active).order_by(Agency.name)
    )
    return tuple(AgencyChoice(code, name) for code, name in rows)


def add_person(
    sessions: sessionmaker[Session],
    actor: Actor,
    login: str,
    display_name: str,
    role: str,
    agency_code: str | None = None,
    password: str | None = None,
) -> Person:
    """``add_user`` by ``actor``, in one unit of work."""
    with session_scope(sessions) as s:
        return add_user(s, login, display_name, role, agency_code, password, actor)


def disable_person(sessions: sessionmaker[Session], actor: Actor, login: str) -> Disabled:
    """``disable_user`` by ``actor``, in one unit of work."""
    with session_scope(sessions) as s:
        return disable_user(s, login, actor)


def enable_person(sessions: sessionmaker[Session], actor: Actor, login: str) -> Enabled:
    """``enable_user`` by ``actor``, in one unit of work."""
    with session_scope(sessions) as s:
        return enable_user(s, login, actor)


def set_person_password(
    sessions: sessionmaker[Session], actor: Actor, login: str, password: str
) -> None:
    """``set_password`` by ``actor``, in one unit of work."""
    with session_scope(sessions) as s:
        set_password(s, login, password, actor)
