"""``frontdoor audit``: the audit trail for an admin (filtered, as a table or CSV), and
``frontdoor audit verify``: check its hash chain."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from frontdoor_app.access import audit
from frontdoor_app.access.audit_view import (
    AuditAccessDenied,
    AuditFilter,
    AuditRow,
    changes_text,
    iter_rows,
    write_csv,
)
from frontdoor_app.access.chain import verify

from .common import context_from, fail

EXIT_BROKEN = 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "audit",
        help="the audit trail: check that it has not been tampered with",
        epilog=f"exit status: 0 the chain holds; {EXIT_BROKEN} it is broken (the first broken "
        "row is named)",
    )
    parser.add_argument("--person", type=int, metavar="ID", help="rows about this person")
    parser.add_argument("--household", type=int, metavar="ID", help="rows about this household")
    parser.add_argument("--case", type=int, metavar="ID", help="rows about this agenda item")
    parser.add_argument("--user", metavar="LOGIN", help="rows of what this user did")
    parser.add_argument("--action", help="view, create, update, delete, export, print, login...")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="from this day")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="to this day")
    parser.add_argument(
        "--csv",
        action="store_true",
        help="CSV (cells a spreadsheet would run as formulas neutralised)",
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    parser.set_defaults(handler=run_list)
    sub = parser.add_subparsers(dest="audit_command")
    check = sub.add_parser(
        "verify",
        help="walk the hash chain and name the first row changed, removed, inserted or reordered",
    )
    check.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    ctx = context_from(args)
    try:
        with ctx.read_session() as s:
            verdict = verify(s)
    finally:
        ctx.close()
    if verdict.ok:
        print(
            f"the audit trail is intact: {verdict.rows} rows ({verdict.redacted} redacted by "
            f"retention); newest hash {verdict.head}"
        )
        return 0
    print(
        f"the audit trail has been tampered with: {verdict.problem} "
        f"({verdict.rows} rows before it hold)"
    )
    return EXIT_BROKEN


def _day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(
            f"frontdoor: {option} must be a date like 2026-11-23, not {text!r}"
        ) from None


def run_list(args: argparse.Namespace) -> int:
    f = AuditFilter(
        user_login=args.user,
        household_id=args.household,
        person_id=args.person,
        case_id=args.case,
        action=args.action,
        date_from=_day(args.date_from, "--from"),
        date_to=_day(args.date_to, "--to"),
    )
    if args.out and not Path(args.out).parent.is_dir():
        return fail(f"cannot write {args.out}: its folder does not exist", 2)
    ctx = context_from(args)
    try:
        with contextlib.ExitStack() as stack:
            out: IO[str] = sys.stdout
            if args.out:
                out = stack.enter_context(Path(args.out).open("w", newline="", encoding="utf-8"))
            with ctx.session() as s:
                count = _write(iter_rows(s, ctx.actor, f), out, args.csv)
                # Reading the trail is itself recorded.
                audit.record(
                    s,
                    ctx.actor,
                    "export" if args.csv else "view",
                    "audit_event",
                    None,
                    detail=f"audit trail read: {count} rows ({_describe(f)})",
                )
    except AuditAccessDenied as exc:
        if args.out:
            Path(args.out).unlink(missing_ok=True)
        return fail(str(exc), 5)
    finally:
        ctx.close()
    if args.out:
        print(f"{count} audit rows written to {args.out}", file=sys.stderr)
    return 0


def _write(rows: Iterator[AuditRow], out: IO[str], as_csv: bool) -> int:
    if as_csv:
        return write_csv(rows, out)
    count = 0
    for r in rows:
        what = "(redacted)" if r.redacted else changes_text(r.changes)
        print(
            f"{r.id}\t{r.at:%Y-%m-%d %H:%M:%S}\t{r.user_login}\t{r.action}\t"
            f"{r.entity} {r.entity_id or ''}\t{r.detail}\t{what}",
            file=out,
        )
        count += 1
    return count


def _describe(f: AuditFilter) -> str:
    parts = [f"{k}={v}" for k, v in vars(f).items() if v not in (None, "")]
    return ", ".join(parts) or "everything"
