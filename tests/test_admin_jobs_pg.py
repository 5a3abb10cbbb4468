"""An admin's daily jobs, run signed in to the shared server as that admin (row-level security
on): import the police feed, write the minutes, re-estimate the matching model, check the
audit trail, list what retention would remove, write the measures. Each is let through; a
representative trying the same is refused by the application or the server, and nothing
of theirs is stored.

The superuser that ``pg_app_url`` signs in as passes every policy; these sign in as the
people the server knows (``users add``), as in the room.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from frontdoor_app.access import audit
from frontdoor_app.access.people import add_user
from frontdoor_app.cli import main
from frontdoor_app.commands.retention import APPLY_ON_SERVER
from frontdoor_app.context import build_context
from frontdoor_app.demo import build_demo_url
from frontdoor_app.meeting.minutes_data import load_minutes
from frontdoor_app.models import AuditEvent, Household, ImportBatch, Meeting, Notification
from tests.intake_feedkit import feed_so_far

pytestmark = pytest.mark.postgres

TODAY = dt.date.today()


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login, password=None).render_as_string(False)


def test_the_admins_daily_jobs_run_signed_in_to_the_server(
    pg_app_url: str, fresh_settings, profile, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    build_demo_url(pg_app_url, "small", seed=11, today=TODAY, feed_dir=tmp_path / "feeds")
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    try:
        with setup.session() as s:
            add_user(s, "jobs.admin", "Jobs Admin", "admin", None, "a proper password a")
            add_user(s, "jobs.rep", "Jobs Rep", "representative", "HSG", "a proper password r")
            feed = feed_so_far(s, seed=4242, count=8, today=TODAY, profile=profile)
        with setup.read_session() as s:
            notifications = s.scalar(select(func.count()).select_from(Notification))
            batches = s.scalar(select(func.count()).select_from(ImportBatch))
    finally:
        setup.close()
    path = tmp_path / "police-feed.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    admin, rep = _as(pg_app_url, "jobs.admin"), _as(pg_app_url, "jobs.rep")

    # A representative imports nothing: refused, and the feed is not stored.
    assert main(["--database", rep, "import", str(path)]) != 0
    capsys.readouterr()
    # The admin imports the morning's feed.
    assert main(["--database", admin, "import", "--json", str(path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary, summary
    check = build_context(fresh_settings.with_database(pg_app_url), profile)
    try:
        with check.read_session() as s:
            assert s.scalar(select(func.count()).select_from(Notification)) == notifications + 8
            assert s.scalar(select(func.count()).select_from(ImportBatch)) == batches + 1
    finally:
        check.close()

    jobs = [
        ["minutes", "--date", TODAY.isoformat(), "--draft", "--out", str(tmp_path / "m.pdf")],
        ["matching", "train"],
        ["audit", "verify"],
        ["retention", "--dry-run"],
        [
            "measures",
            "--from",
            (TODAY - dt.timedelta(days=28)).isoformat(),
            "--to",
            TODAY.isoformat(),
            "--out",
            str(tmp_path / "card.pdf"),
        ],
    ]
    for job in jobs:
        code = main(["--database", admin, *job])
        said = capsys.readouterr()
        assert code == 0, (job, said.out[-800:], said.err[-800:])
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "card.pdf").read_bytes().startswith(b"%PDF")
    # The representative runs none of the admins' jobs, each refused in words.
    for job in (["matching", "train"], ["audit", "verify"], ["retention", "--dry-run"]):
        assert main(["--database", rep, *job]) != 0, job
        said = capsys.readouterr().err
        assert said.startswith("frontdoor: ") and "Traceback" not in said, (job, said)
    # The admin disables the representative: the server login stays (its administrator's
    # to take away), and opens nothing from now on.
    assert main(["--database", rep, "fgc", "queue"]) == 0
    capsys.readouterr()
    assert main(["--database", admin, "users", "disable", "jobs.rep"]) == 0
    assert "can no longer read or change anything" in capsys.readouterr().out
    assert main(["--database", rep, "fgc", "queue"]) != 0
    said = capsys.readouterr().err
    assert said.startswith("frontdoor: ") and "Traceback" not in said, said


def test_the_servers_own_refusal_is_said_in_words_not_a_traceback(
    pg_app_url: str, fresh_settings, profile, tmp_path: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Were the application's own check ever missing, the server still refuses, and the
    command says so in one line (exit 6), never with the statement or a traceback."""
    from frontdoor_app.intake import training

    build_demo_url(pg_app_url, "small", seed=12, today=TODAY, feed_dir=tmp_path / "feeds")
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    try:
        with setup.session() as s:
            add_user(s, "jobs.rep2", "Jobs Rep", "representative", "HSG", "a proper password r")
    finally:
        setup.close()
    monkeypatch.setattr(training, "require", lambda *_args: None)  # the first line gone
    assert main(["--database", _as(pg_app_url, "jobs.rep2"), "matching", "train"]) == 6
    said = capsys.readouterr().err
    assert said == (
        "frontdoor: the server refused this: permission denied for table matching_model\n"
    ), said


def test_the_chair_prints_the_final_minutes_with_the_trails_hash_at_close(
    pg_app_url: str, fresh_settings, profile, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The final minutes carry the audit chain's hash as the meeting closed, from a trail
    only admins read: the chair's minutes and a representative's agency copy carry the
    same hash an admin reads there (they used to fail: permission denied for audit_event)."""
    build_demo_url(pg_app_url, "small", seed=13, today=TODAY, feed_dir=tmp_path / "feeds")
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    try:
        with setup.session() as s:
            add_user(s, "min.chair", "Min Chair", "chair", "CSWS", "a proper password c")
            add_user(s, "min.rep", "Min Rep", "representative", "HSG", "a proper password r")
            add_user(s, "min.admin", "Min Admin", "admin", None, "a proper password a")
            closed = s.scalars(
                select(Meeting)
                .where(Meeting.status == "closed")
                .order_by(Meeting.meeting_date.desc())
            ).first()
            assert closed is not None
            day = closed.meeting_date.isoformat()
            # The demo's meetings are built closed; the trail gets the closing row a chair's
            # "Close meeting" writes (meeting.lifecycle), sealed onto the chain.
            audit.record(s, setup.actor, "update", "meeting", closed.id, detail="meeting closed")
        with setup.read_session() as s:
            at_close = s.scalar(
                select(AuditEvent.chain_hash)
                .where(
                    AuditEvent.entity == "meeting",
                    AuditEvent.entity_id == closed.id,
                    AuditEvent.detail == "meeting closed",
                )
                .order_by(AuditEvent.id.desc())
            )
            assert at_close
    finally:
        setup.close()
    for login, extra in (("min.chair", []), ("min.rep", ["--agency", "HSG"]), ("min.admin", [])):
        out = tmp_path / f"{login}.pdf"
        code = main(
            ["--database", _as(pg_app_url, login), "minutes", "--date", day, "--out", str(out)]
            + extra
        )
        said = capsys.readouterr()
        assert code == 0, (login, said.err)
        assert out.read_bytes().startswith(b"%PDF")
        ctx = build_context(fresh_settings.with_database(_as(pg_app_url, login)), profile)
        try:
            with ctx.read_session() as s:
                assert load_minutes(s, profile, closed.id).audit_head == at_close, login
        finally:
            ctx.close()


def test_retention_on_the_server_is_listed_by_an_admin_and_applied_by_its_administrator(
    pg_app_url: str, fresh_settings, profile, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """Removing a household's rows and redacting its audit rows is more than any signed-in
    user may do on the server: an admin lists what would go, as themselves; applying it is
    the server's administrator's (who ran `server init`), and the chain still verifies."""
    build_demo_url(pg_app_url, "small", seed=14, today=TODAY, feed_dir=tmp_path / "feeds")
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    try:
        with setup.session() as s:
            add_user(s, "ret.admin", "Ret Admin", "admin", None, "a proper password a")
    finally:
        setup.close()

    def households() -> int:
        ctx = build_context(fresh_settings.with_database(pg_app_url), profile)
        try:
            with ctx.read_session() as s:
                return int(s.scalar(select(func.count()).select_from(Household)) or 0)
        finally:
            ctx.close()

    admin, later = _as(pg_app_url, "ret.admin"), ["--today", "2045-01-02"]
    assert main(["--database", admin, "retention", "--dry-run", *later]) == 0
    listed = capsys.readouterr().out.splitlines()[-1]
    going = int(listed.split(" households would go")[0])
    assert going > 0, listed
    before = households()
    assert main(["--database", admin, "retention", "--apply", *later]) == 6
    assert capsys.readouterr().err == f"frontdoor: {APPLY_ON_SERVER}\n"
    assert households() == before  # nothing removed
    assert main(["--database", pg_app_url, "retention", "--apply", *later]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"removed {going} households"), said
    assert households() == before - going
    assert main(["--database", admin, "audit", "verify"]) == 0, capsys.readouterr()
