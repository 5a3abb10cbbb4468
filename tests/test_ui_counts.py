"""A count of one reads "1 case", "1 yes answer", "1 day late": never "1 cases" or "(s)"."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QGuiApplication

from frontdoor_app.context import AppContext
from frontdoor_app.intake.importer import ImportSummary
from frontdoor_app.meeting import lifecycle
from frontdoor_app.meeting.agenda import load_agenda
from frontdoor_app.meeting.case import load_case
from frontdoor_app.models import AgendaItem
from frontdoor_app.ui.case.incident_tab import IncidentTab
from frontdoor_app.ui.case.intelligence_tab import IntelligenceTab
from frontdoor_app.ui.widgets.words import agenda_heading, agenda_summary
from frontdoor_app.wording import counted
from tests.ui_support import TODAY, close_window, open_window


def test_counted_says_one_and_many() -> None:
    assert counted(1, "notification") == "1 notification"
    assert counted(0, "notification") == "0 notifications"
    assert counted(3, "row") == "3 rows"
    assert counted(1204, "row") == "1,204 rows"
    assert counted(1, "possible match", "possible matches") == "1 possible match"
    assert counted(2, "possible match", "possible matches") == "2 possible matches"


def test_the_import_summary_in_words_counts_one_and_many() -> None:
    one = ImportSummary("feed.csv", imported=1, rows_read=1, flagged_no_child=1, possible_matches=1)
    words = one.in_words()
    assert "feed.csv: 1 notification read (1 row)." in words
    assert "1 notification lists no child" in words
    assert "1 possible match for a person to confirm" in words
    two = ImportSummary("feed.csv", imported=2, rows_read=5, flagged_no_child=2, possible_matches=2)
    words = two.in_words()
    assert "feed.csv: 2 notifications read (5 rows)." in words
    assert "2 notifications list no child" in words
    assert "2 possible matches for a person to confirm" in words
    assert "(s)" not in one.in_words() + words and "(es)" not in one.in_words() + words


def test_the_agenda_heading_counts_one_case_and_many(chair_ctx: AppContext) -> None:
    with chair_ctx.read_session() as s:
        meeting = lifecycle.find_meeting(s, TODAY)
        assert meeting is not None
        rows = load_agenda(s, meeting.id).rows
    assert len(rows) > 1
    assert agenda_heading(rows[:1]) == "AGENDA  1 case · 0 done"
    assert agenda_heading(rows) == f"AGENDA  {len(rows)} cases · 0 done"
    assert agenda_summary(len(rows), rows) == f"To discuss: {len(rows)} · Deferred: 0"


def _first_case(ctx: AppContext):  # type: ignore[no-untyped-def]
    with ctx.read_session() as s:
        meeting = lifecycle.find_meeting(s, TODAY)
        assert meeting is not None
        item_id = s.query(AgendaItem.id).filter_by(meeting_id=meeting.id, position=1).scalar()
        return load_case(s, item_id, ctx.actor, clock=ctx.profile.clock, audit_view=False)


def test_a_case_says_one_yes_answer_and_one_hidden_entry(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    case = _first_case(chair_ctx)
    incident, intelligence = IncidentTab(), IntelligenceTab()
    qtbot.addWidget(incident)
    qtbot.addWidget(intelligence)
    for yes, hidden, said, note in (
        (1, 1, "1 yes answer", "1 entry restricted to another agency is not shown to you."),
        (2, 3, "2 yes answers", "3 entries restricted to other agencies are not shown to you."),
    ):
        shown = dataclasses.replace(
            case,
            incident=dataclasses.replace(case.incident, dash_yes=yes),
            hidden_restricted=hidden,
        )
        incident.show_case(shown)
        intelligence.show_case(shown)
        assert incident.fields["dash"].text().endswith(" · " + said)
        assert intelligence.hidden_note.text() == note


def test_the_projector_button_counts_its_screens(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        screens = len(QGuiApplication.screens())
        assert screens == 1  # the offscreen platform has one
        assert win.toolbar.projector_button.text() == "Projector ▸ 1 screen"
    finally:
        close_window(win)
