"""``frontdoor sar --person ID --out F.pdf``: a subject access report for the DPO."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from frontdoor_app.access import audit
from frontdoor_app.access.audit_view import AuditAccessDenied
from frontdoor_app.access.sar import SubjectNotFound, gather

from .common import context_from, fail


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "sar",
        help="everything held about one person, as a PDF for the data protection officer",
    )
    parser.add_argument("--person", type=int, required=True, metavar="ID", help="the person's id")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    parser.set_defaults(handler=run_sar)


def run_sar(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"cannot write {out}: the folder {out.parent} does not exist", 2)
    from frontdoor_app.export.sar import render_sar

    ctx = context_from(args)
    try:
        with ctx.session() as s:
            data = gather(
                s, ctx.actor, args.person, ctx.profile.name, ctx.profile.protective_marking
            )
            pdf = render_sar(data, dt.datetime.now(dt.UTC), ctx.profile.timezone)
            out.write_bytes(pdf)
            audit.record(
                s,
                ctx.actor,
                "export",
                "person",
                args.person,
                detail=f"subject access report written to {out}",
            )
    except AuditAccessDenied as exc:
        return fail(str(exc).replace("read the audit trail", "produce a subject access report"), 5)
    except SubjectNotFound as exc:
        return fail(str(exc), 3)
    finally:
        ctx.close()
    print(f"subject access report for person {args.person} written to {out}")
    return 0
