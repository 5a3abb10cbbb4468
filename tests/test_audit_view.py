"""The audit viewer: admins only (proven by attack), filters, newest first, paged in SQL,
readable before -> after, CSV with formulas neutralised; the screen, looked at."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.access.audit_view import (
    AuditAccessDenied,
    AuditFilter,
    audit_page,
    iter_rows,
    neutralise,
    write_csv,
)
from frontdoor_app.access.users import ensure_user
from frontdoor_app.cli import main
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.models import AgendaItem, AuditEvent, HouseholdMember
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from tests.ui_support import admin_context

HOSTILE = ['=HYPERLINK("http://x","y")', "+44 113 000", "-1+2", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.fixture
def admin_ctx(
    demo_db: str, fresh_settings: Settings, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    monkeypatch.setenv("FRONTDOOR_USER", "dp.admin")  # the command line acts as the admin too
    settings = dataclasses.replace(fresh_settings.with_database(demo_db), user_login="dp.admin")
    ctx = admin_context(settings, profile)
    assert ctx.actor.is_admin
    yield ctx
    ctx.close()


def _actor(ctx: AppContext, login: str, role: str) -> Actor:
    with ctx.session() as s:
        ensure_user(s, login, login, role, "HV" if role == "representative" else None)
    other = build_context(dataclasses.replace(ctx.settings, user_login=login), ctx.profile)
    other.close()
    return other.actor


def test_only_an_admin_reads_the_trail(admin_ctx: AppContext, tmp_path: Path) -> None:
    url = str(admin_ctx.engine.url)
    with admin_ctx.read_session() as s:
        assert audit_page(s, admin_ctx.actor, AuditFilter()).total > 100  # allowed first
    out = tmp_path / "all.csv"
    assert main(["--database", url, "audit", "--csv", "--out", str(out)]) == 0
    for role in ("chair", "representative", "viewer"):
        actor = _actor(admin_ctx, f"someone.{role}", role)
        with admin_ctx.read_session() as s, pytest.raises(AuditAccessDenied, match="only an admin"):
            audit_page(s, actor, AuditFilter())
        with admin_ctx.read_session() as s, pytest.raises(AuditAccessDenied):
            next(iter_rows(s, actor, AuditFilter()))


def test_the_command_refuses_a_chair(
    admin_ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FRONTDOOR_USER", "test.chair")
    out = tmp_path / "refused.csv"
    url = str(admin_ctx.engine.url)
    assert main(["--database", url, "audit", "--person", "1", "--csv", "--out", str(out)]) == 5
    assert "only an admin" in capsys.readouterr().err and not out.exists()


def test_filters_newest_first_and_pages_agree_with_sql(admin_ctx: AppContext) -> None:
    ctx = admin_ctx
    with ctx.session() as s:
        for n in range(7):
            audit.record(
                s,
                ctx.actor,
                "update",
                "household",
                1,
                {"address": f"{n} Old Road"},
                {"address": f"{n} New Road"},
                f"moved {n}",
            )
    with ctx.read_session() as s:
        everything = s.scalar(select(func.count(AuditEvent.id))) or 0
        first = audit_page(s, ctx.actor, AuditFilter(), 0, 50)
        second = audit_page(s, ctx.actor, AuditFilter(), 50, 50)
        assert first.total == everything
        ids = [r.id for r in first.rows + second.rows]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 100
        mine = audit_page(s, ctx.actor, AuditFilter(user_login="DP.ADMIN", action="update"))
        assert mine.total == 7 and all(r.user_login == "dp.admin" for r in mine.rows)
        newest = mine.rows[0]
        assert newest.detail == "moved 6"
        assert [(c.field, c.before, c.after) for c in newest.changes] == [
            ("address", "6 Old Road", "6 New Road")
        ]
        household = audit_page(s, ctx.actor, AuditFilter(household_id=1))
        expected = (
            s.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.entity == "household", AuditEvent.entity_id == 1
                )
            )
            or 0
        )
        assert household.total >= expected >= 7
        assert {r.entity for r in household.rows} <= {
            "household",
            "notification",
            "agenda_item",
            "household_member",
            "fgc_referral",
            "action",
            "person_link",
        }


def test_a_persons_rows_include_who_viewed_their_familys_case(admin_ctx: AppContext) -> None:
    ctx = admin_ctx
    with ctx.read_session() as s:
        item = s.scalars(select(AgendaItem).where(AgendaItem.household_id.is_not(None))).first()
        assert item is not None
        person = s.scalar(
            select(HouseholdMember.person_id).where(
                HouseholdMember.household_id == item.household_id
            )
        )
    with ctx.session() as s:
        audit.record(s, ctx.actor, "view", "agenda_item", item.id, detail="case opened")
    with ctx.read_session() as s:
        page = audit_page(s, ctx.actor, AuditFilter(person_id=person, action="view"))
        assert any(r.entity == "agenda_item" and r.entity_id == item.id for r in page.rows)
        case = audit_page(s, ctx.actor, AuditFilter(case_id=item.id))
        assert case.rows and case.rows[0].detail == "case opened"


def test_csv_neutralises_what_a_spreadsheet_would_run(
    admin_ctx: AppContext, tmp_path: Path
) -> None:
    ctx = admin_ctx
    with ctx.session() as s:
        for text in HOSTILE:
            audit.record(
                s, ctx.actor, "update", "person", 999, {"surname": "Plain"}, {"surname": text}, text
            )
    buffer = io.StringIO()
    with ctx.read_session() as s:
        count = write_csv(iter_rows(s, ctx.actor, AuditFilter(person_id=999)), buffer)
    assert count == len(HOSTILE)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    details = [row[7] for row in rows[1:]]
    assert sorted(details) == sorted("'" + t for t in HOSTILE)
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    assert neutralise("Smith") == "Smith" and neutralise("") == ""
    out = tmp_path / "person.csv"
    assert (
        main(
            [
                "--database",
                str(ctx.engine.url),
                "audit",
                "--person",
                "999",
                "--csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with out.open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == len(HOSTILE) + 1


def test_the_viewer_screen(
    qtbot,
    admin_ctx: AppContext,
    artefacts: Path,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from frontdoor_app.ui.admin.audit_viewer import AuditViewerScreen
    from frontdoor_app.ui.core.messages import Messages
    from frontdoor_app.ui.core.worker import Worker

    ctx = admin_ctx
    with ctx.session() as s:
        audit.record(
            s,
            ctx.actor,
            "update",
            "household",
            3,
            {"address": "14 Acacia Avenue", "postcode": "LS6 2AB"},
            {"address": "2 Moor View", "postcode": "LS11 5QT"},
            "address corrected",
        )
    messages = Messages()
    messages.scripted = True
    worker = Worker()
    screen = AuditViewerScreen(ctx, worker, messages)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitUntil(lambda: screen.page is not None, timeout=10_000)
    assert screen.page is not None and screen.page.total > 100
    assert screen.model.rowCount() == 100 and screen.older.isEnabled()
    first = screen.page.rows
    screen.older.click()  # keyset paging: the rows older than this page's last
    qtbot.waitUntil(lambda: screen.page is not None and screen.page.offset == 100, timeout=10_000)
    assert screen.page.rows[0].id < first[-1].id and screen.newer.isEnabled()
    screen.newer.click()
    qtbot.waitUntil(lambda: screen.page is not None and screen.page.offset == 0, timeout=10_000)
    # The newest page again (with the viewer's own reads of the trail on top: they are audited).
    newest = [r.id for r in screen.page.rows]
    assert newest[0] > first[0].id and {r.id for r in first[:90]} <= set(newest)
    screen.household.setText("3")
    screen.go(0)
    qtbot.waitUntil(lambda: screen.page is not None and screen.page.total < 100, timeout=10_000)
    assert "14 Acacia Avenue" in screen.detail.toPlainText()
    screen.grab().save(str(artefacts / "audit_viewer.png"))
    out = tmp_path / "viewer.csv"
    assert screen.export_csv(str(out)) == screen.page.total
    worker.stop()
    # A chair cannot open it.
    chair = _actor(ctx, "some.chair", "chair")
    refused = Worker()
    try:
        with pytest.raises(AuditAccessDenied):
            AuditViewerScreen(dataclasses.replace(ctx, actor=chair), refused, messages)
    finally:
        refused.stop()
