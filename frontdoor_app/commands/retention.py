"""``frontdoor retention``: what the profile's retention rule selects, and removing it."""

from __future__ import annotations

import argparse
import datetime as dt

from sqlalchemy.exc import DBAPIError

from frontdoor_app.access.audit_view import AuditAccessDenied, require_admin
from frontdoor_app.access.retention import apply, plan, rules_from_profile
from frontdoor_app.refusal import server_refused
from frontdoor_app.settings import load_settings

from .common import context_from, fail

APPLY_ON_SERVER = (
    "on a shared server retention is applied by the server's administrator, with the "
    "connection that ran `frontdoor server init` (it removes rows and redacts audit rows no "
    "signed-in user may touch); `retention --dry-run` lists what it would remove"
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "retention",
        help="list (--dry-run) or remove (--apply) what may no longer be kept",
        description="Apply the authority profile's [retention] rule: a household with no "
        "notification, meeting or open action for N years goes, with its people known only "
        "through it; its audit rows are redacted (their hashes kept) and a tombstone without "
        "personal data is recorded. A household with an open action or open FGC referral is "
        "held. Drafts older than the profile's limit are removed. Admins only; on a shared "
        "server --apply is the server's administrator's (the connection that ran `server "
        "init`): no signed-in user may remove those rows or redact the audit trail.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="list what would go, change nothing")
    mode.add_argument("--apply", action="store_true", help="remove it (one transaction each)")
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the day to count from (default: today)"
    )
    parser.set_defaults(handler=run_retention)


def run_retention(args: argparse.Namespace) -> int:
    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
    except ValueError:
        return fail(f"--today must be a date like 2026-11-23, not {args.today!r}", 2)
    # On a shared server removing a household's rows and redacting its audit rows is more
    # than any signed-in user may do (the trail is append-only to them): the server's
    # administrator applies it, acting as the owner. Listing it is an admin's, as themselves.
    on_server = args.apply and not load_settings(args.database, args.profile).is_embedded
    try:
        ctx = context_from(args, administrator=on_server)
    except DBAPIError as exc:
        if not on_server or not server_refused(exc):
            raise
        return fail(APPLY_ON_SERVER, 6)
    try:
        require_admin(ctx.actor)
        rules = rules_from_profile(ctx.profile)
        day = today or ctx.profile.today()
        if args.dry_run:
            with ctx.read_session() as s:
                found = plan(s, rules, day)
            print(f"rule: {found.rule}; cut-off {found.cutoff.isoformat()}")
            for c in found.households:
                last = c.last_activity.isoformat() if c.last_activity else "never"
                state = f"HELD ({c.held})" if c.held else "would go"
                print(f"household {c.household_id}\tlast activity {last}\t{state}")
            print(
                f"{len(found.removable)} households would go, "
                f"{len(found.households) - len(found.removable)} held; "
                f"{found.drafts} drafts older than {rules.drafts_days} days"
            )
            return 0
        result = apply(ctx.sessions, ctx.actor, rules, day)
    except AuditAccessDenied as exc:
        return fail(str(exc).replace("read the audit trail", "apply retention"), 5)
    finally:
        ctx.close()
    print(
        f"removed {len(result.removed)} households ({sum(result.rows_removed.values())} rows; "
        f"{result.audit_rows_redacted} audit rows redacted); {result.drafts_removed} drafts"
    )
    for c in result.held:
        print(f"household {c.household_id} held: it has {c.held}")
    return 0
