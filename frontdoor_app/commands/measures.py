"""``frontdoor measures``: the weekly report card as a PDF, a CSV or JSON, without a screen."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from frontdoor_app.access import audit
from frontdoor_app.measures import MeasuresError, compute, shown

from .common import context_from, fail

EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "measures",
        help="the weekly report card: figures for a range of weeks",
        description="Compute every measure (how much did we do, how well, is anyone better "
        "off) for the weeks containing --from to --to (Monday to Sunday, the authority's time "
        "zone). Without --out, --csv or --json the figures are printed as a table. Breakdown "
        "counts under the profile's [measures] small_count_threshold are suppressed in the "
        "PDF, the CSV and the JSON. Every file written is recorded in the audit trail.",
        epilog=f"exit status: 0 done; {EXIT_BAD_INPUT} bad date, range, code or output file",
    )
    parser.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="a day in the first week"
    )
    parser.add_argument(
        "--to", dest="last", required=True, metavar="YYYY-MM-DD", help="a day in the last week"
    )
    parser.add_argument("--out", metavar="CARD.pdf", help="write the report card PDF here")
    parser.add_argument("--csv", metavar="FIGURES.csv", help="write every figure, week by week")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--agency", metavar="CODE", help="narrow agency figures to one agency")
    parser.add_argument(
        "--locality", metavar="CODE", help="narrow household figures to one locality"
    )
    parser.set_defaults(handler=run_measures)


def _day(text: str, flag: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def run_measures(args: argparse.Namespace) -> int:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if first is None:
        return fail(f"--from must be a date like 2026-09-07, not {args.first!r}", EXIT_BAD_INPUT)
    if last is None:
        return fail(f"--to must be a date like 2026-11-30, not {args.last!r}", EXIT_BAD_INPUT)
    for name in (args.out, args.csv):
        if name and not Path(name).parent.is_dir():
            return fail(
                f"cannot write {name}: the folder {Path(name).parent} does not exist",
                EXIT_BAD_INPUT,
            )
    ctx = context_from(args)
    try:
        profile = ctx.profile
        threshold = profile.measures.small_count_threshold
        try:
            with ctx.read_session() as session:
                measures = compute(
                    session, profile, first, last, agency=args.agency, locality=args.locality
                )
        except MeasuresError as exc:
            return fail(str(exc), EXIT_BAD_INPUT)
        written: list[str] = []
        try:
            if args.out:
                from frontdoor_app.export.report_card import card_context, render_report_card

                pdf = render_report_card(
                    measures, card_context(profile), generated_at=dt.datetime.now(dt.UTC)
                )
                Path(args.out).write_bytes(pdf)
                written.append(args.out)
            if args.csv:
                from frontdoor_app.measures import as_csv

                Path(args.csv).write_text(
                    as_csv(measures, threshold), encoding="utf-8-sig", newline=""
                )
                written.append(args.csv)
        except OSError as exc:
            return fail(f"cannot write {exc.filename}: {exc.strerror}", EXIT_BAD_INPUT)
        if written:
            with ctx.session() as session:
                audit.record(
                    session,
                    ctx.actor,
                    "export",
                    "measures",
                    None,
                    after={
                        "first_week": measures.first_week.isoformat(),
                        "last_week": measures.last_week.isoformat(),
                        "agency": args.agency,
                        "locality": args.locality,
                        "files": written,
                    },
                    detail="written by the measures command",
                )
    finally:
        ctx.close()
    if args.json:
        from frontdoor_app.measures import as_json

        print(as_json(measures, threshold))
    elif not written:
        _print_table(measures)
    for name in written:
        print(f"written to {name}")
    return 0


def _print_table(measures) -> None:  # type: ignore[no-untyped-def]
    weeks = measures.weeks[-4:]
    head = (
        f"{'figure':<46}" + "".join(f"{w:%d %b}".rjust(18) for w in weeks) + "all weeks".rjust(20)
    )
    print(f"weeks of {measures.first_week:%d %b %Y} to {measures.last_week:%d %b %Y}")
    print(head)
    for r in measures.figures:
        cells = [shown(r.figure, p) for p in r.points[-4:]]
        print(
            f"{r.figure.title[:45]:<46}"
            + "".join(c.rjust(18) for c in cells)
            + shown(r.figure, r.total).rjust(20)
        )
