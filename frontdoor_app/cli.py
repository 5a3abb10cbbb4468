"""The ``frontdoor`` command: the desktop application by default, admin sub-commands besides."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from frontdoor_app import __version__
from frontdoor_app.access.actor import AccessDenied, SignInError
from frontdoor_app.cipher import DatabaseKeyError
from frontdoor_app.commands import COMMANDS, command_module
from frontdoor_app.profile_error import ProfileError
from frontdoor_app.refusal import first_line, server_refused

_OPTIONS_WITH_VALUE = ("--database", "--profile")


def requested_commands(argv: Sequence[str]) -> list[str]:
    """The sub-commands whose parsers are needed for ``argv`` (none for the desktop app)."""
    tokens = iter(argv)
    for token in tokens:
        if token in _OPTIONS_WITH_VALUE:
            next(tokens, None)
        elif not token.startswith("-"):
            return [token] if token in COMMANDS else list(COMMANDS)
    return list(COMMANDS) if {"-h", "--help"} & set(argv) else []


def build_parser(commands: Sequence[str] = tuple(COMMANDS)) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdoor",
        description="The front door daily domestic abuse meeting. Without a sub-command, "
        "opens the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"frontdoor {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: FRONTDOOR_DATABASE_URL, else the embedded SQLite file)",
    )
    parser.add_argument("--profile", metavar="FILE", help="authority profile (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check the installation: start offscreen on a fresh data folder (or --database), "
        "build the demo, open today's agenda and exit (status 0 when it did)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        command_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(requested_commands(argv))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            return run_desktop(args)
        return int(args.handler(args))
    except ProfileError as exc:
        print(f"frontdoor: the authority profile has a mistake: {exc}", file=sys.stderr)
        return 2
    except SignInError as exc:
        print(f"frontdoor: cannot sign in: {exc}", file=sys.stderr)
        return 5
    except AccessDenied as exc:
        print(f"frontdoor: {exc}", file=sys.stderr)
        return 6
    except DatabaseKeyError as exc:
        print(f"frontdoor: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # The server's own refusal of something the application did not stop first: said
        # in its words (the first line: never the statement, which can name a family).
        if not server_refused(exc):
            raise
        print(f"frontdoor: the server refused this: {first_line(exc)}", file=sys.stderr)
        return 6


def run_desktop(args: argparse.Namespace) -> int:
    # No automatic cycle collection: the window's GUI-thread collector (ui.core.collector)
    # takes over as soon as the window exists, and nothing is collected on another thread.
    import gc

    gc.disable()
    # The embedded file's key is fetched while Qt loads: importing the keyring takes a while.
    # Not for the smoke test's throwaway folder, which never touches the computer's keyring,
    # nor for a shared server, which has no embedded file.
    import os

    from frontdoor_app.settings import ENV_DATABASE

    url = args.database or os.environ.get(ENV_DATABASE) or "sqlite:"
    if url.startswith("sqlite") and not (args.smoke_test and args.database is None):
        from frontdoor_app.key_prefetch import prefetch_key

        prefetch_key()
    # Imported here so the admin commands run on machines without Qt's system libraries.
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is loaded
        from frontdoor_app.ui.shell.smoke import smoke_test

        return smoke_test(database_url=args.database, profile=args.profile)
    from frontdoor_app.ui.shell.app import run

    return run(database_url=args.database, profile=args.profile)


if __name__ == "__main__":
    sys.exit(main())
