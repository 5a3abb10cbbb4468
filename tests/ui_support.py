"""Shared by the meeting-room UI tests: a demo database with today's agenda, windows on it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from frontdoor_app.access.users import ensure_user
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.demo import build_demo
from frontdoor_app.intake.agenda import build_agenda
from frontdoor_app.intake.importer import import_file
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings

TODAY = dt.date(2026, 11, 23)  # a Monday: the window covers the weekend


def build_template(folder: Path, settings: Settings, profile: Profile) -> Path:
    """The small demo city with today's feed imported and today's agenda built."""
    path = folder / "template.sqlite"
    ctx = build_context(settings.with_database(f"sqlite:///{path}"), profile)
    try:
        summary = build_demo(ctx, scale="small", today=TODAY, feed_dir=folder / "feeds")
        if summary.agenda_meeting_id is None:  # older demo builds leave the feed to intake
            import_file(ctx.sessions, ctx.profile, ctx.actor, summary.feed_path)
            build_agenda(ctx.sessions, ctx.profile, ctx.actor, TODAY)
        with ctx.session() as s:
            ensure_user(s, "hv.lee", "Hannah Lee", "representative", "HV")
            ensure_user(s, "test.chair", "Jo Chair", "chair", "CSWS")
    finally:
        ctx.close()
    return path


def copy_of(template: Path, folder: Path) -> str:
    target = folder / "meeting.sqlite"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def context_for(settings: Settings, url: str, profile: Profile, login: str) -> AppContext:
    """A client of its own (own engine and connections) signed in as ``login``."""
    return build_context(dataclasses.replace(settings.with_database(url), user_login=login),
                         profile)  # fmt: skip
