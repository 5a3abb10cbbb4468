"""``frontdoor users add|list|disable|enable|password``: people and their access.

On PostgreSQL run with the administrator's connection (a role allowed to create roles);
on the embedded file, by its admin (or the computer's account on a file with no users).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import text

from frontdoor_app.access import people
from frontdoor_app.access.actor import SYSTEM, Actor
from frontdoor_app.access.credentials import with_password
from frontdoor_app.access.server import is_postgresql
from frontdoor_app.access.server_rules import APP_ROLES
from frontdoor_app.access.users import UserError, find_actor
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope, upgrade
from frontdoor_app.settings import load_settings
from frontdoor_app.wording import counted

from .common import fail


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "users", help="add, list, disable and enable users, set passwords"
    )
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="add a user (on a server: a login with a password)")
    add.add_argument("login")
    add.add_argument("--name", required=True, help="the name people see")
    add.add_argument("--role", required=True, choices=APP_ROLES)
    add.add_argument("--agency", metavar="CODE", help="the agency (representatives)")
    add.add_argument("--team", metavar="CODE", help="the FGC team (FGC coordinators)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of asking",
    )
    add.set_defaults(handler=run_users, action="add")
    sub.add_parser("list", help="every user").set_defaults(handler=run_users, action="list")
    dis = sub.add_parser("disable", help="stop a user signing in (ends their sessions)")
    dis.add_argument("login")
    dis.set_defaults(handler=run_users, action="disable")
    ena = sub.add_parser("enable", help="give a disabled user their access back")
    ena.add_argument("login")
    ena.set_defaults(handler=run_users, action="enable")
    pw = sub.add_parser("password", help="set a user's password (server only)")
    pw.add_argument("login")
    pw.add_argument("--password-stdin", action="store_true")
    pw.set_defaults(handler=run_users, action="password")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.login}: ")
    if getpass.getpass("the same again: ") != first:
        raise UserError("the two passwords differ")
    return first


def run_users(args: argparse.Namespace) -> int:
    settings = load_settings(database_url=args.database)
    server = is_postgresql(settings.database_url)
    engine = make_engine(with_password(settings.database_url))
    try:
        if not server:
            upgrade(engine)
        with session_scope(make_session_factory(engine)) as s:
            by: Actor = SYSTEM
            if not server:
                found = find_actor(s, settings.user_login)
                if found is None and people.list_users(s):
                    return fail(f"{settings.user_login} is not a user of this database")
                by = found or SYSTEM
            else:
                # The server's administrator (a role that may create roles) acts as the
                # system; an application user (an admin) as themselves, recorded so.
                login, administrator = s.execute(
                    text(
                        "SELECT session_user, rolsuper OR rolcreaterole FROM pg_roles "
                        "WHERE rolname = session_user"
                    )
                ).one()
                if not administrator:
                    found = find_actor(s, login)
                    if found is None:
                        return fail(f"{login} is not an active user of the front door")
                    by = found
            if args.action == "list":
                for p in people.list_users(s):
                    state = "active" if p.active else "disabled"
                    if p.can_log_in is False and p.active:
                        state = "active (cannot log in)"
                    print(
                        f"{p.login:24} {p.role:16} {p.agency_code or '-':8} {state:10} "
                        f"{p.display_name}"
                    )
            elif args.action == "add":
                password = _password(args) if server else None
                p = people.add_user(
                    s,
                    args.login,
                    args.name,
                    args.role,
                    args.agency,
                    password,
                    by,
                    fgc_team_code=args.team,
                )
                print(f"added {p.login} ({p.role}{', ' + p.agency_code if p.agency_code else ''})")
            elif args.action == "disable":
                done = people.disable_user(s, args.login, by)
                print(f"disabled {args.login}" + _disabled_words(args.login, done))
            elif args.action == "enable":
                print(_enabled_words(args.login, people.enable_user(s, args.login, by)))
            else:
                people.set_password(s, args.login, _password(args) if server else "", by)
                print(f"password of {args.login} set")
        return 0
    except UserError as exc:
        return fail(str(exc))
    finally:
        engine.dispose()


def _enabled_words(login: str, done: people.Enabled) -> str:
    if done.already:
        return f"{login} can already sign in: nothing changed"
    if not done.login_given:
        return (
            f"enabled {login}: they may read and change again what their role allows, "
            "once their server login is open: the server's administrator runs "
            f"`frontdoor users enable {login}`"
        )
    return f"enabled {login}: they can sign in again"


def _disabled_words(login: str, done: people.Disabled) -> str:
    if not done.login_taken:
        return (
            ": they can no longer read or change anything. Their server login stays until "
            f"the server's administrator runs `frontdoor users disable {login}`"
        )
    return f"; {counted(done.sessions_ended, 'session')} ended" if done.sessions_ended else ""
