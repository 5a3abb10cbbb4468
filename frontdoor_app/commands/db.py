"""``frontdoor db upgrade``: bring the database to the newest schema."""

from __future__ import annotations

import argparse
import sys

from frontdoor_app import cipher
from frontdoor_app.access.credentials import with_password
from frontdoor_app.commands.common import fail
from frontdoor_app.meeting.first_look import sqlite_path
from frontdoor_app.models.database import current_revision, make_engine, upgrade
from frontdoor_app.schema_head import head_revision
from frontdoor_app.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("db", help="database maintenance")
    sub = parser.add_subparsers(dest="db_command", required=True)
    up = sub.add_parser("upgrade", help="apply every pending schema migration")
    up.set_defaults(handler=run_upgrade)
    unlock = sub.add_parser(
        "unlock", help="put the embedded database's key back in the keyring from its recovery key"
    )
    unlock.add_argument(
        "--recovery-key",
        required=True,
        metavar="KEY",
        help="the recovery key from the sheet printed at set-up",
    )
    unlock.set_defaults(handler=run_unlock)


def run_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings(database_url=args.database)
    if not settings.is_embedded:
        print(
            "frontdoor: a shared server is upgraded by its administrator with `frontdoor "
            "server upgrade` (migrations run as the owner role, then RLS and grants)",
            file=sys.stderr,
        )
        return 2
    engine = make_engine(with_password(settings.database_url))
    try:
        applied = upgrade(engine)
        revision = current_revision(engine)
    finally:
        engine.dispose()
    if applied:
        print(f"database upgraded to revision {revision}")
    else:
        print(f"database already at the newest revision ({head_revision()})")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    settings = load_settings(database_url=args.database)
    path = sqlite_path(settings.database_url)
    if path is None:
        return fail("only the embedded (SQLite) database has a recovery key")
    try:
        cipher.unlock(path, args.recovery_key)
    except cipher.DatabaseKeyError as exc:
        return fail(str(exc))
    print(f"the recovery key opens {path}; its key is back in this computer's keyring")
    return 0
