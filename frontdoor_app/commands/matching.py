"""``frontdoor matching``: train the matching model on the register, and show it."""

from __future__ import annotations

import argparse
import json

from frontdoor_app.intake.training import model_view, train_and_store

from .common import context_from, fail

EXIT_TOO_FEW = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("matching", help="the model that matches people to the register")
    sub = parser.add_subparsers(dest="matching_command", required=True)
    t = sub.add_parser(
        "train",
        help="re-estimate the model from the register (u from random pairs, m by EM) and store it",
        epilog=f"exit status: 0 trained and stored; {EXIT_TOO_FEW} too few known people",
    )
    t.add_argument("--seed", type=int, default=0, help="the random sample's seed (default 0)")
    t.set_defaults(handler=run_train)
    s = sub.add_parser("show", help="the model in use: thresholds, estimates, weights")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=run_show)


def run_train(args: argparse.Namespace) -> int:
    ctx = context_from(args)
    try:
        with ctx.session() as s:
            try:
                trained = train_and_store(
                    s,
                    ctx.actor,
                    ctx.profile.intake,
                    seed=args.seed,
                    say=print if args.verbose else None,
                )
            except ValueError as exc:
                return fail(str(exc), EXIT_TOO_FEW)
    finally:
        ctx.close()
    stats = trained.model.stats
    print(
        f"matching model {trained.model_id} trained on {stats.get('register')} known people "
        f"({stats.get('em_pairs')} candidate pairs): prior {trained.model.prior:.4f}; "
        f"{stats.get('grey_share', 0) * 100:.1f} % of earlier people would go to a person, "
        f"about {stats.get('expected_daily_reviews')} a day"
    )
    return 0


def run_show(args: argparse.Namespace) -> int:
    ctx = context_from(args)
    try:
        with ctx.session() as s:
            view = model_view(s)
    finally:
        ctx.close()
    if args.json:
        print(
            json.dumps(
                {
                    "trained_at": view.trained_at.isoformat() if view.trained_at else None,
                    "auto_probability": view.auto_probability,
                    "review_probability": view.review_probability,
                    "grey_share": view.grey_share,
                    "expected_daily_reviews": view.expected_daily_reviews,
                    "levels": [
                        [r.comparison, r.words, r.m, r.u, round(r.weight, 2)] for r in view.levels
                    ],
                }
            )
        )
        return 0
    print(
        "trained "
        + (f"{view.trained_at:%Y-%m-%d %H:%M}" if view.trained_at else "never (starting values)")
    )
    print(
        f"automatic link at {view.auto_probability:.3f}, offered from {view.review_probability:.3f}"
    )
    for r in view.levels:
        print(f"  {r.comparison:9} {r.words:60} m {r.m:.4f} u {r.u:.6f} {r.weight:+.1f}")
    return 0
