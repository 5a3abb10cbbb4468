"""An outcome that asks a question: "Information shared with a named agency" names the agency.

The profile says what each outcome asks beside its box (``detail_prompt``) and whether the
decision needs the answer (``detail_required``). The domain refuses a decision without a
needed answer, in words; the decision tab opens the answer's box when the outcome is ticked
and says why Save is disabled; the answer is kept with the outcome and shown wherever the
outcome is: the minutes (read back from the PDF), the projector, the case history, and
after the close a changed answer is an amendment like a changed outcome.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from frontdoor_app.access.reference import sync_reference
from frontdoor_app.access.users import ensure_user
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.export.minutes import render_minutes
from frontdoor_app.meeting import agenda, decisions, lifecycle
from frontdoor_app.meeting.errors import DecisionRefused
from frontdoor_app.meeting.minutes_data import load_minutes
from frontdoor_app.meeting.projector import load_projector_view
from frontdoor_app.models import Amendment, DecisionOutcome, Meeting, OutcomeCode
from frontdoor_app.profile import DETAIL_MAX, ProfileError, parse_profile
from tests.meeting_support import build_open
from tests.ui_support import LEFT, close_window, context_for, idle, open_window, start_meeting

INFO_LABEL = "Information shared with a named agency"
HV = "Health Visiting (0-19 Public Health Nursing)"


@pytest.fixture
def any_ctx(fresh_settings, any_app_url, profile):  # type: ignore[no-untyped-def]
    context = build_context(fresh_settings.with_database(any_app_url), profile)
    yield context
    context.close()


def test_the_named_agency_is_needed_kept_printed_projected_and_amended(any_ctx: AppContext) -> None:
    ctx = any_ctx
    who, built, police = build_open(ctx, 2)
    item = built.item_ids[1]  # medium, no MARAC criterion: no rationale needed

    def save(details: dict[str, str] | None, **kw):  # type: ignore[no-untyped-def]
        return decisions.save_decision(
            ctx.sessions,
            who.chair,
            ctx.profile,
            item,
            ["IDVA", "INFO"],
            "medium",
            None,
            details=details,
            **kw,
        )

    # Refused, in words, with no answer, a blank one, or one too long to keep.
    for empty in (None, {}, {"INFO": "   "}, {"IDVA": HV}):
        with pytest.raises(DecisionRefused) as refused:
            save(empty)
        assert f"'{INFO_LABEL}' needs an answer to 'Shared with which agency'." in str(
            refused.value
        )
    with pytest.raises(DecisionRefused, match=f"is {DETAIL_MAX + 1} characters; keep it to"):
        save({"INFO": "x" * (DETAIL_MAX + 1)})
    with ctx.session() as s:
        assert s.scalars(select(DecisionOutcome)).all() == []

    saved = save({"INFO": f"  {HV}\u200b "})
    assert [(o.code, o.detail) for o in saved.outcomes] == [("INFO", HV), ("IDVA", None)]
    with ctx.session() as s:
        info = s.scalar(select(OutcomeCode).where(OutcomeCode.code == "INFO"))
        assert info is not None
        stored = s.scalar(
            select(DecisionOutcome.detail).where(DecisionOutcome.outcome_code_id == info.id)
        )
        assert stored == HV

    # The projector shows the outcome with its answer.
    agenda.set_current(ctx.sessions, who.chair, built.meeting_id, item)
    with ctx.session() as s:
        shown = load_projector_view(s, built.meeting_id, initials_mode=True)
    assert f"{INFO_LABEL} ({HV})" in shown.outcomes

    # Close (the other case deferred), then change the answer alone: an amendment.
    agenda.defer_remaining(ctx.sessions, who.chair, built.meeting_id)
    lifecycle.mark_confidentiality_read(ctx.sessions, who.chair, built.meeting_id)
    lifecycle.add_attendance(
        ctx.sessions, who.chair, built.meeting_id, police, "PC 4711 Smith", "present"
    )
    with ctx.session() as s:
        version = s.get(Meeting, built.meeting_id).version  # type: ignore[union-attr]
    lifecycle.close_meeting(ctx.sessions, who.chair, built.meeting_id, version)
    save({"INFO": "Midwifery"}, version=saved.version, reason="The midwife was named after")
    with ctx.session() as s:
        amended = s.scalars(
            select(Amendment).where(
                Amendment.meeting_id == built.meeting_id, Amendment.field == "outcomes"
            )
        ).all()
        assert [(a.before, a.after) for a in amended] == [
            (f"INFO ({HV}), IDVA", "INFO (Midwifery), IDVA")
        ]
        data = load_minutes(s, ctx.profile, built.meeting_id)
    case = next(c for c in data.cases if c.outcomes)
    assert case.outcomes[0] == f"{INFO_LABEL} (Midwifery)"
    pdf = render_minutes(data, generated_at=dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"{INFO_LABEL} (Midwifery)" in " ".join(text.split())


def test_the_profile_says_what_is_asked_and_the_database_keeps_it(ctx: AppContext) -> None:
    info = next(o for o in ctx.profile.outcomes if o.code == "INFO")
    assert (info.detail_prompt, info.detail_required) == ("Shared with which agency", True)
    with ctx.session() as s:
        options = {o.code: o for o in lifecycle.outcome_options(s)}
    assert (options["INFO"].detail_prompt, options["INFO"].detail_required) == (
        "Shared with which agency",
        True,
    )
    assert (options["POLACT"].detail_prompt, options["POLACT"].detail_required) == (
        "What the police will do",
        False,
    )
    assert options["LETTER"].detail_prompt is None and not options["LETTER"].detail_required

    # A new profile's question reaches the database with the next sync.
    asked = dataclasses.replace(info, detail_prompt="Which agency was told", detail_required=False)
    changed = dataclasses.replace(
        ctx.profile,
        outcomes=tuple(asked if o.code == "INFO" else o for o in ctx.profile.outcomes),
    )
    with ctx.session() as s:
        assert sync_reference(s, changed, ctx.actor) >= 1
        s.commit()
    with ctx.session() as s:
        options = {o.code: o for o in lifecycle.outcome_options(s)}
    assert (options["INFO"].detail_prompt, options["INFO"].detail_required) == (
        "Which agency was told",
        False,
    )


def test_a_needed_answer_without_a_question_is_a_profile_mistake(tmp_path: Path) -> None:
    text = ctx_profile_text().replace(
        'code = "LETTER"\nlabel = "Letter to the victim"\n',
        'code = "LETTER"\nlabel = "Letter to the victim"\ndetail_required = true\n',
    )
    with pytest.raises(ProfileError) as err:
        parse_profile(text, str(tmp_path / "authority.toml"))
    words = str(err.value)
    assert "'detail_required' needs a 'detail_prompt'" in words
    lines = text.splitlines()
    line = lines.index('label = "Letter to the victim"') + 2
    assert f"line {line}" in words


def ctx_profile_text() -> str:
    from frontdoor_app.profile import SAMPLE_PROFILE

    return SAMPLE_PROFILE.read_text(encoding="utf-8")


def test_the_chair_names_the_agency_in_the_decision_tab(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        item = start_meeting(qtbot, win)
        tab = win.case_view.decision
        win.cases.focus("decision")
        idle(qtbot, win)
        # The checklist is laid out although it was filled while its tab was hidden (it
        # was drawn 0 px high: the group's new size did not reach the tab's layout).
        for box in tab.boxes.values():
            assert box.height() >= box.sizeHint().height() > 0
        edit = tab.details["INFO"]
        assert edit.isHidden() and edit.placeholderText() == ("Shared with which agency (needed)")
        assert tab.details["POLACT"].placeholderText() == "What the police will do (optional)"
        assert "LETTER" not in tab.details

        # Ticked from the keyboard: the answer's box opens and takes the focus; Save waits.
        box = tab.boxes["INFO"]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked() and edit.isVisible()
        qtbot.waitUntil(lambda: win.focusWidget() is edit, timeout=2000)
        case = win.case_view.case
        tab.risk.setCurrentIndex(tab.risk.findData(case.incident.dash_risk))
        if case.item.marac:
            tab.rationale.setPlainText("Shared so the health visitor can visit this week.")
        assert not tab.save.isEnabled()
        assert f"'{INFO_LABEL}' needs an answer to 'Shared with which agency'." in (
            tab.reason.text()
        )

        # The agencies' names are offered as it is typed.
        qtbot.keyClicks(edit, "visiting")
        completer = edit.completer()
        assert completer is not None
        offered = completer.completionModel()
        names = [offered.index(r, 0).data() for r in range(offered.rowCount())]
        assert names == [HV]
        edit.setText(HV)
        assert tab.save.isEnabled() and tab.reason.text() == ""
        assert tab._content()["details"] == {"INFO": HV}

        # Unticked, the answer is not kept; ticked again, it is back.
        box.setChecked(False)
        assert edit.isHidden() and tab.answers() == {}
        box.setChecked(True)
        assert tab.answers() == {"INFO": HV}

        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: win.case_view.case.decision is not None, timeout=5000)
        saved = win.case_view.case.decision
        assert [(o.code, o.detail) for o in saved.outcomes] == [("INFO", HV)]
        assert win.messages.log == []
        with chair_ctx.session() as s:
            rows = s.execute(
                select(OutcomeCode.code, DecisionOutcome.detail).join(
                    DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id
                )
            ).all()
            decided = decisions.load_decision(s, item)
        assert decided is not None and [(o.code, o.detail) for o in decided.outcomes] == [
            ("INFO", HV)
        ]
        assert ("INFO", HV) in rows
        # The form shows the saved answer when the case is shown again.
        qtbot.waitUntil(lambda: tab.base_version == saved.version, timeout=3000)
        assert edit.text() == HV and edit.isVisible()

        # A draft keeps the answer: a form restored from it has the same answer again.
        draft = tab._content()
        edit.setText("")
        box.setChecked(False)
        tab.restore_draft(draft)
        assert box.isChecked() and edit.text() == HV
    finally:
        close_window(win)


def test_the_demos_earlier_meetings_name_the_agency(chair_ctx: AppContext) -> None:
    """The demo's history is what a new user reads first: its minutes name the agency too."""
    with chair_ctx.session() as s:
        rows = s.execute(
            select(OutcomeCode.code, DecisionOutcome.detail).join(
                DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id
            )
        ).all()
    info = [d for code, d in rows if code == "INFO"]
    assert info and all(info), "every INFO outcome in the demo names an agency"
    names = {a.name for a in chair_ctx.profile.agencies}
    assert set(info) <= names
    assert any(d for code, d in rows if code == "POLACT")
    assert all(d is None for code, d in rows if code in ("LETTER", "NFA", "EH"))


def test_on_every_other_laptop_the_decision_is_read_as_the_chair_saves_it(
    qtbot, chair_ctx, demo_db, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    """A representative (and a viewer) reads the decision: nothing to tick or type, no
    Save, and a line saying the chair records it. Before, their form could be filled in
    and Save pressed, to be refused only then."""
    with chair_ctx.session() as s:
        ensure_user(s, "v.iewer", "Vi Ewer", "viewer", None)
    others = [
        context_for(fresh_settings, demo_db, profile, login) for login in ("hv.lee", "v.iewer")
    ]
    chair = open_window(qtbot, chair_ctx)
    windows = [open_window(qtbot, c) for c in others]
    try:
        item = start_meeting(qtbot, chair)
        assert chair.case_view.decision.may_decide and not chair.case_view.decision.save.isHidden()
        for win in windows:
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case is not None and w.case_view.case.item.item_id == item
                ),
                timeout=5000,
            )
            win.cases.focus("decision")
            idle(qtbot, win)
            tab = win.case_view.decision
            assert not tab.may_decide, win.ctx.actor.role
            assert tab.save.isHidden()
            # Shown in full colour (a disabled box would grey out the very outcomes to
            # read), but neither a click nor a key reaches a box or the risk.
            for widget in [*tab.boxes.values(), tab.risk, tab.pj_marac]:
                assert widget.isEnabled() and widget.focusPolicy() == Qt.FocusPolicy.NoFocus
            box = tab.boxes["NFA"]
            QTest.mouseClick(
                win.windowHandle(),
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                box.mapTo(win, QPoint(6, box.height() // 2)),  # on the box itself
            )
            idle(qtbot, win)
            assert not box.isChecked()
            assert tab.rationale.isReadOnly()
            assert tab.reader_note.isVisibleTo(win) and not tab.reason.isVisibleTo(win)
            assert tab.reader_note.text() == (
                "The chair records the decision; it shows here as soon as it is saved."
            )
        decisions.save_decision(
            chair_ctx.sessions,
            chair_ctx.actor,
            chair_ctx.profile,
            item,
            ["INFO", "LETTER"],
            chair.case_view.case.incident.dash_risk,  # the police grade: no rationale needed
            "Shared so the health visitor can visit this week.",
            details={"INFO": HV},
        )
        for win in windows:
            tab = win.case_view.decision
            qtbot.waitUntil(lambda t=tab: t._case.decision is not None, timeout=5000)
            idle(qtbot, win)
            assert tab.boxes["INFO"].isChecked() and tab.boxes["LETTER"].isChecked()
            edit = tab.details["INFO"]
            assert edit.isVisibleTo(win) and edit.isReadOnly() and edit.text() == HV
            assert win.focusWidget() is not edit  # shown, not put in front of them to type
            assert (
                tab.rationale.toPlainText() == "Shared so the health visitor can visit this week."
            )
            assert tab.save.isHidden()
        windows[0].grab().save(str(artefacts / "decision-read-only.png"))
    finally:
        for win in windows:
            close_window(win)
        close_window(chair)
        for c in others:
            c.close()
