"""``frontdoor fgc``: the FGC queue and referral PDFs, without a screen."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from frontdoor_app.fgc.common import STAGE_WORDS
from frontdoor_app.fgc.document import export_referral
from frontdoor_app.fgc.errors import FgcError
from frontdoor_app.fgc.views import UNROUTED, queue
from frontdoor_app.models import utcnow
from frontdoor_app.wording import counted

from .common import context_from, fail

EXIT_BAD_INPUT = 2
EXIT_NOT_FOUND = 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("fgc", help="Family Group Conference referrals")
    sub = parser.add_subparsers(dest="fgc_command", required=True)
    q = sub.add_parser(
        "queue",
        help="open FGC referrals, overdue first, with the gate's status",
        epilog=f"exit status: 0 listed; {EXIT_BAD_INPUT} unknown team or stage",
    )
    group = q.add_mutually_exclusive_group()
    group.add_argument("--team", metavar="CODE", help="one FGC team's queue")
    group.add_argument("--unrouted", action="store_true", help="the route-by-hand list")
    q.add_argument(
        "--stage",
        choices=[s for s in STAGE_WORDS if s not in ("closed", "declined", "withdrawn", "stopped")],
    )
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q.set_defaults(handler=run_queue)
    r = sub.add_parser(
        "referral",
        help="write a referral as a PDF for the FGC team",
        epilog=f"exit status: 0 written; {EXIT_BAD_INPUT} bad output file; "
        f"{EXIT_NOT_FOUND} no such referral",
    )
    r.add_argument("referral_id", type=int, metavar="ID")
    r.add_argument("--out", required=True, metavar="FILE.pdf")
    r.set_defaults(handler=run_referral)


def run_queue(args: argparse.Namespace) -> int:
    ctx = context_from(args)
    try:
        team = UNROUTED if args.unrouted else args.team
        if team and team not in {t.code for t in ctx.profile.fgc_teams}:
            return fail(
                f"there is no FGC team {team!r}; the teams are "
                f"{', '.join(t.code for t in ctx.profile.fgc_teams)}",
                EXIT_BAD_INPUT,
            )
        with ctx.session() as s:
            rows = queue(s, ctx.profile, team_code=team, stage=args.stage)
    finally:
        ctx.close()
    for v in rows:
        if args.json:
            print(
                json.dumps(
                    {
                        "id": v.id,
                        "household": v.household_reference,
                        "team": v.team_code,
                        "stage": v.stage,
                        "overdue": v.overdue,
                        "setup_due": v.setup_due.isoformat(),
                        "gate_missing": list(v.gate_missing),
                        "routing": v.routing_reason,
                    }
                )
            )
        else:
            late = f"  LATE: {v.overdue}" if v.overdue else ""
            missing = "; ".join(v.gate_missing) or "nothing missing"
            print(
                f"#{v.id} {v.household_reference} · {v.team_name or 'ROUTE BY HAND'} · "
                f"{v.stage_words} · {missing}{late}"
            )
    if not args.json:
        print(counted(len(rows), "open referral"))
    return 0


def run_referral(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"cannot write {out}: the folder {out.parent} does not exist", EXIT_BAD_INPUT)
    ctx = context_from(args)
    try:
        with ctx.session() as s:
            try:
                pdf = export_referral(
                    s, ctx.actor, ctx.profile, args.referral_id, generated_at=utcnow()
                )
            except FgcError as exc:
                return fail(str(exc), EXIT_NOT_FOUND)
            try:
                out.write_bytes(pdf)
            except OSError as exc:
                s.rollback()  # not written: the export is not recorded either
                return fail(f"cannot write {out}: {exc.strerror}", EXIT_BAD_INPUT)
    finally:
        ctx.close()
    print(f"FGC referral {args.referral_id} written to {out}")
    return 0
