"""``frontdoor audit``: check the audit trail's hash chain."""

from __future__ import annotations

import argparse

from frontdoor_app.access.chain import verify

from .common import context_from

EXIT_BROKEN = 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "audit", help="the audit trail: check that it has not been tampered with",
        epilog=f"exit status: 0 the chain holds; {EXIT_BROKEN} it is broken (the first broken "
        "row is named)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="audit_command", required=True)
    check = sub.add_parser(
        "verify", help="walk the hash chain and name the first row changed, removed, inserted "
        "or reordered",
    )  # fmt: skip
    check.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    ctx = context_from(args)
    try:
        with ctx.read_session() as s:
            verdict = verify(s)
    finally:
        ctx.close()
    if verdict.ok:
        print(f"the audit trail is intact: {verdict.rows} rows ({verdict.redacted} redacted by "
              f"retention); newest hash {verdict.head}")  # fmt: skip
        return 0
    print(f"the audit trail has been tampered with: {verdict.problem} "
          f"({verdict.rows} rows before it hold)")  # fmt: skip
    return EXIT_BROKEN
