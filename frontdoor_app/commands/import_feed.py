"""``frontdoor import FILE [--json]``: import a police feed file and print the summary.

Exit status (shared/formats/notifications.md): 0 when nothing was quarantined, 3 when
some notifications were quarantined, 1 when the file could not be read (nothing changed),
2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontdoor_app.intake.importer import FeedUnreadable, import_file

from .common import context_from, fail


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import", help="import a police domestic abuse notification feed (CSV or JSON)"
    )
    parser.add_argument("file", metavar="FILE", help="the feed file (.csv, .json or .jsonl)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        return fail(f"{args.file}: no such file", 1)
    ctx = context_from(args)
    try:
        summary = import_file(ctx.sessions, ctx.profile, ctx.actor, path)
    except FeedUnreadable as exc:
        return fail(f"{path.name} was not imported: {exc.message}", 1)
    finally:
        ctx.close()
    if args.json:
        json.dump(summary.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(summary.in_words())
    return summary.exit_status
