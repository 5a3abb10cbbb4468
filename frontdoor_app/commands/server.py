"""``frontdoor server init|upgrade|check``: the shared PostgreSQL server's set-up, run by
the authority's database administrator."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from frontdoor_app.access.credentials import with_password
from frontdoor_app.access.server import ServerError, is_postgresql, set_up
from frontdoor_app.access.server_check import check, format_report
from frontdoor_app.models.database import make_engine
from frontdoor_app.profile import load_profile
from frontdoor_app.schema_head import head_revision
from frontdoor_app.settings import load_settings

from .common import fail


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "server",
        help="set up and check a shared PostgreSQL server (administrators)",
        description="Run by the database administrator with --database URL naming a role "
        "allowed to create roles. init and upgrade create the owner and group roles, apply "
        "the migrations as the owner, load the reference lists from the profile and apply "
        "row-level security and grants; check reports them and exits 1 on any problem.",
    )
    sub = parser.add_subparsers(dest="server_command", required=True)
    for name, text in (
        ("init", "set up a new server database"),
        ("upgrade", "bring the server to this application's schema"),
        ("check", "report owner, RLS, policies and grants table by table"),
    ):
        sub.add_parser(name, help=text).set_defaults(handler=run_server, action=name)
    failed = sub.add_parser(
        "failed-sign-ins",
        help="add the server log's refused sign-ins to the audit trail",
        description="Reads the PostgreSQL server's csvlog files (log_destination = 'csvlog', "
        "log_timezone = 'UTC'; scripts/meeting-server.sh sets both) on the server's host and "
        "adds one audit row per refused sign-in not yet recorded. Safe to run again.",
    )
    failed.add_argument("log_folder", help="the server's log folder (its *.csv files are read)")
    failed.set_defaults(handler=run_failed_sign_ins)


def run_server(args: argparse.Namespace) -> int:
    settings = load_settings(database_url=args.database, profile=args.profile)
    if not is_postgresql(settings.database_url):
        return fail(
            "`frontdoor server` needs --database postgresql://... (the embedded SQLite "
            "file needs no set-up)",
            2,
        )
    engine = make_engine(with_password(settings.database_url))
    try:
        if args.action in ("init", "upgrade"):
            try:
                revision = set_up(engine, load_profile(settings.profile_path))
            except ServerError as exc:
                return fail(str(exc))
            print(f"server set up at schema revision {revision}")
        with engine.connect() as conn:
            report = check(conn, head_revision())
        for line in format_report(report):
            print(line)
        return 0 if report.ok else 1
    finally:
        engine.dispose()


def run_failed_sign_ins(args: argparse.Namespace) -> int:
    from frontdoor_app.access.failed_signins import LogError, read_csvlog, record_failed
    from frontdoor_app.models.database import make_session_factory, session_scope

    settings = load_settings(database_url=args.database, profile=args.profile)
    if not is_postgresql(settings.database_url):
        return fail("failed sign-ins are the shared server's: give --database postgresql://...", 2)
    folder = Path(args.log_folder)
    files = sorted(folder.glob("*.csv"))
    if not files:
        return fail(
            f"no csvlog files in {folder}: the server must log with log_destination = 'csvlog'"
        )
    try:
        refused = read_csvlog(files)
    except (OSError, LogError) as exc:
        return fail(str(exc))
    engine = make_engine(with_password(settings.database_url))
    try:
        with session_scope(make_session_factory(engine)) as s:
            added = record_failed(s, refused)
    except DBAPIError as exc:
        words = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return fail(
            f"the server refused ({words}): run this as the server's administrator, "
            "with the --database URL that ran server init"
        )
    finally:
        engine.dispose()
    print(
        f"{len(refused)} refused sign-ins in {len(files)} log files; "
        f"{added} added to the audit trail"
    )
    return 0
