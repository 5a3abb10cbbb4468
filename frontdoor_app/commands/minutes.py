"""``frontdoor minutes``: write a meeting's minutes as a PDF, without a screen."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from frontdoor_app.export.secure import encrypt_pdf, new_password
from frontdoor_app.meeting.errors import PermissionDenied
from frontdoor_app.meeting.minutes_data import MinutesError
from frontdoor_app.meeting.minutes_export import (
    MinutesNotClosedError,
    UnknownAgencyError,
    produce_minutes,
    record_minutes,
)

from .common import context_from, fail

EXIT_BAD_INPUT = 2
EXIT_NO_MEETING = 3
EXIT_NOT_CLOSED = 4
EXIT_NOT_ALLOWED = 6


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "minutes",
        help="write a meeting's minutes as a PDF",
        description="Write the minutes of the meeting held on DATE as a PDF. The meeting must "
        "be closed, unless --draft (every page is then stamped DRAFT). Every export is "
        "recorded in the audit trail.",
        epilog=f"exit status: 0 written; {EXIT_BAD_INPUT} bad date, agency or output file; "
        f"{EXIT_NO_MEETING} no meeting on that date; {EXIT_NOT_CLOSED} meeting not closed "
        "(use --draft)",
    )
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the meeting's date")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    parser.add_argument(
        "--agency", metavar="CODE", help="that agency's copy: entries restricted to others left out"
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="allow a meeting that is not closed; stamps DRAFT on every page",
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt the PDF (AES-256) with a generated password, shown once",
    )
    parser.set_defaults(handler=run_minutes)


def run_minutes(args: argparse.Namespace) -> int:
    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        return fail(f"--date must be a date like 2026-11-23, not {args.date!r}", EXIT_BAD_INPUT)
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"cannot write {out}: the folder {out.parent} does not exist", EXIT_BAD_INPUT)
    ctx = context_from(args)
    try:
        try:
            produced = produce_minutes(
                ctx.sessions,
                ctx.profile,
                day,
                agency=args.agency,
                draft=args.draft,
                actor=ctx.actor,
            )
        except UnknownAgencyError as exc:
            return fail(str(exc), EXIT_BAD_INPUT)
        except MinutesNotClosedError as exc:
            return fail(str(exc), EXIT_NOT_CLOSED)
        except MinutesError as exc:
            return fail(str(exc), EXIT_NO_MEETING)
        except PermissionDenied as exc:
            return fail(str(exc), EXIT_NOT_ALLOWED)
        password = new_password() if args.encrypt else None
        pdf = encrypt_pdf(produced.pdf, password) if password else produced.pdf
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            return fail(f"cannot write {out}: {exc.strerror}", EXIT_BAD_INPUT)
        how = " encrypted (AES-256)" if password else ""
        record_minutes(
            ctx.sessions,
            ctx.actor,
            produced,
            "export",
            f"saved{how} by the minutes command to {out}",
        )
    finally:
        ctx.close()
    kind = "draft minutes" if produced.draft else "minutes"
    copy = f" (copy for {produced.agency})" if produced.agency else ""
    print(
        f"{kind}{copy} of {day:%A %d %B %Y}: {produced.pages} pages, ref. {produced.reference}, "
        f"written to {out}"
    )
    if password:
        print(
            f"encrypted with AES-256; its password (shown only now, send it another way than "
            f"the file): {password}"
        )
    return 0
