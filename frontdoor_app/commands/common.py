"""What every sub-command shares: settings from the options, the context, errors."""

from __future__ import annotations

import argparse
import sys

from frontdoor_app import cipher
from frontdoor_app.context import AppContext, administrator_context, build_context
from frontdoor_app.profile import ProfileError
from frontdoor_app.settings import load_settings


def context_from(args: argparse.Namespace, administrator: bool = False) -> AppContext:
    """The signed-in user's context; ``administrator``: on a server, the administrator
    acting as the owner role (``frontdoor demo`` after ``server init``)."""
    settings = load_settings(database_url=args.database, profile=args.profile)
    if administrator and not settings.is_embedded:
        return administrator_context(settings)
    ctx = build_context(settings)
    if ctx.recovery_key:  # a new embedded database: its recovery key is shown this once
        print(cipher.recovery_sheet(ctx.recovery_key, settings.database_url), file=sys.stderr)
    return ctx


def fail(message: str, status: int = 1) -> int:
    print(f"frontdoor: {message}", file=sys.stderr)
    return status


def profile_error(exc: ProfileError) -> int:
    return fail(f"the authority profile has a mistake: {exc}")
