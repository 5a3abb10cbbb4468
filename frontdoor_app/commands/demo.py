"""``frontdoor demo``: build the synthetic city into an empty database and print what it made."""

from __future__ import annotations

import argparse
import datetime as dt

from frontdoor_app.demo import DEFAULT_SEED, DemoError, DemoSummary, build_demo
from frontdoor_app.demo.scales import SCALES

from .common import context_from, fail


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo",
        help="build a synthetic authority (invented families) into an EMPTY database",
        description="Build a synthetic city, deterministic from the seed: households, years "
        "of notifications, earlier meetings with decisions and actions, and today's feed "
        "(written as a CSV file and imported). Refuses a database that already holds data.",
    )
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="small",
        help="small: seconds, for demos and tests; city: about 120,000 "
        "notifications and 300,000 people, for benchmarks",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day of today's meeting (default: today, UK time)",
    )
    parser.set_defaults(handler=run_demo)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def run_demo(args: argparse.Namespace) -> int:
    ctx = context_from(args, administrator=True)
    try:
        summary = build_demo(ctx, scale=args.scale, seed=args.seed, today=args.today)
    except DemoError as exc:
        return fail(f"no demo data was written: {exc}", 1)
    finally:
        ctx.close()
    print(in_words(summary))
    return 0


def in_words(s: DemoSummary) -> str:
    return "\n".join(
        (
            f"Demo city ({s.scale}, seed {s.seed}) built for {s.today:%A %d %B %Y} "
            f"in {s.duration_s:.1f} s:",
            f"  {s.households:,} households, {s.people:,} people, {s.notifications:,} notifications",
            f"  {s.meetings:,} earlier meetings, {s.actions:,} actions ({s.open_actions:,} still open), "
            f"{s.fgc_referrals:,} FGC referrals",
            f"  today's feed: {s.feed_notifications} notifications written to {s.feed_path}",
            f"  imported {s.feed_imported}, quarantined {s.feed_quarantined}; "
            f"today's agenda is meeting {s.agenda_meeting_id}",
        )
    )
