"""What waits on the laptop is listed where the saved row will stand (``ui/case/waiting_rows``),
from the outbox file as it is kept, including one written before saves carried their time.
The window with the server away is tested in ``test_ui_offline*.py``; here, one opened
with a save the last session left."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt
from sqlalchemy import select

from frontdoor_app.meeting.views import ActionView, IntelligenceView
from frontdoor_app.models import IntelligenceEntry
from frontdoor_app.ui.case.intelligence_tab import sharing_word
from frontdoor_app.ui.case.waiting_rows import WaitingAction, WaitingEntry, entries, merged
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.outbox import Outbox
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, build_open
from tests.ui_support import context_for

AGENCIES = {7: ("West Yorkshire Police", "POL"), 9: ("Health Visiting", "HV")}
AT = dt.datetime(2026, 11, 23, 9, 40, tzinfo=dt.UTC)


def _saved(entry_id: int, text: str) -> IntelligenceView:
    return IntelligenceView(
        id=entry_id,
        agenda_item_id=3,
        kind="agency",
        agency_id=9,
        agency_code="HV",
        agency_name="Health Visiting",
        author_id=5,
        author_name="Health Visitor One",
        text=text,
        may_share_beyond_meeting=False,
        restricted_to_agency_id=None,
        restricted_to_agency_code=None,
        created_at=AT,
        updated_at=AT,
        version=1,
    )


def test_the_outbox_says_when_it_changed_and_when_each_save_was_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    box = Outbox(tmp_path, "pc.one")
    told: list[int] = []
    box.listeners.append(lambda: told.append(len(box)))
    before = dt.datetime.now(dt.UTC)
    box.put("r1", "intelligence", 3, {"text": "typed offline", "agency_id": 7, "ref": "r1"})
    (item,) = list(box)
    assert before <= dt.datetime.fromisoformat(item["kept_at"]) <= dt.datetime.now(dt.UTC)
    box.remove("nothing-such")  # nothing changed: nobody is told
    box.remove("r1")
    assert told == [1, 0]


def test_new_entries_follow_the_saved_ones_and_an_edit_takes_its_entry_s_place(tmp_path) -> None:  # type: ignore[no-untyped-def]
    older = tmp_path / "waiting-pc.one.json"  # written before saves carried their time
    items = [
        {
            "ref": "a",
            "kind": "intelligence",
            "item_id": 3,
            "content": {"text": "Two call-outs", "agency_id": 7, "restricted": True},
        },
        {
            "ref": "b",
            "kind": "entry_edit",
            "item_id": 3,
            "content": {"text": "Seen at clinic (corrected)", "entry_id": 11, "version": 1},
        },
        {"ref": "c", "kind": "entry_edit", "item_id": 3, "content": {"entry_id": 99}},
        {"ref": "d", "kind": "action", "item_id": 3, "content": {"description": "x"}},
    ]
    older.write_text(json.dumps(items), encoding="utf-8")
    box = Outbox(tmp_path, "pc.one")
    saved = [_saved(10, "First"), _saved(11, "Seen at clinic")]
    rows = entries(list(box), saved, AGENCIES, "PC One")
    # the edit of an entry not shown (99) and the action are not entries of this list
    assert [(r.id, r.edit_of) for r in rows] == [("waiting:a", None), ("waiting:b", 11)]
    new, edit = rows
    assert (new.agency_name, new.author_name, new.kind) == (
        "West Yorkshire Police",
        "PC One",
        "agency",
    )
    assert sharing_word(new) == "waiting to be sent · restricted: POL only"
    assert new.created_at.tzinfo is not None  # no time kept: when it was read
    assert (edit.author_name, edit.created_at) == ("Health Visitor One", AT)
    listed = merged(saved, rows, "edit_of")
    assert [r.id for r in listed] == [10, "waiting:b", "waiting:a"]
    assert isinstance(listed[1], WaitingEntry) and listed[1].text == "Seen at clinic (corrected)"


def test_a_save_left_on_the_laptop_is_listed_and_sent_when_the_window_next_opens(
    qtbot, ctx, fresh_settings, db_url, profile
) -> None:  # type: ignore[no-untyped-def]
    """What the question on closing promises: closed with a save waiting, the laptop sends
    it when the person next opens the window, once, and it is listed as saved."""
    _who, built, police = build_open(ctx)
    item = built.item_ids[0]
    text = "PC 4711 (typed yesterday, Wi-Fi down): bail conditions breached twice"
    rep = context_for(fresh_settings, db_url, profile, "pc.4711")
    left = Outbox(rep.settings.data_dir, "pc.4711")  # as the closed window left it
    content = {"text": text, "kind": "agency", "agency_id": police, "ref": "left-1"}
    left.put("left-1", "intelligence", item, content)
    win = MainWindow(rep, Worker(), Messages(), meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    try:
        win.load()
        qtbot.waitUntil(lambda: len(win.outbox) == 0, timeout=10_000)
        win.show_item(item)
        tab = win.case_view.intelligence
        qtbot.waitUntil(
            lambda: [(type(r), r.text) for r in tab.model.rows] == [(IntelligenceView, text)],
            timeout=10_000,
        )
        with ctx.read_session() as s:
            stored = s.execute(
                select(IntelligenceEntry.agenda_item_id, IntelligenceEntry.agency_id).where(
                    IntelligenceEntry.text == text
                )
            ).all()
        assert [tuple(row) for row in stored] == [(item, police)]
        assert not [m for m in win.messages.log if m.kind in ("error", "question")]
    finally:
        win.shutdown()
        win.worker.stop()
        rep.close()


def test_a_waiting_save_stays_listed_until_the_feed_brings_the_saved_row(
    qtbot, ctx, fresh_settings, db_url, profile
) -> None:  # type: ignore[no-untyped-def]
    """Sent at last, a waiting entry and action leave the outbox before the change feed
    brings their saved rows: meanwhile their rows stay listed (the list, and so the tab's
    count, never a row short), then the saved rows take their places, uncoloured."""
    _who, built, police = build_open(ctx)
    item = built.item_ids[0]
    rep = context_for(fresh_settings, db_url, profile, "pc.4711")
    win = MainWindow(rep, Worker(), Messages(), meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    text = "PC 4711: bail conditions breached twice (typed with the Wi-Fi down)"
    task = "Check the bail address with the custody sergeant"
    try:
        win.load()
        win.show_item(item)
        cv = win.case_view
        qtbot.waitUntil(lambda: cv.case is not None and cv.case.item.item_id == item)
        entries_before = len(cv.intelligence.model.rows)
        actions_before = len(cv.actions_tab.model.rows)
        seen_on_removal: list[tuple[list[object], list[object]]] = []

        def on_change() -> None:  # after the case view's own listener has listed it again
            if len(win.outbox) < 2:
                rows = list(cv.intelligence.model.rows), list(cv.actions_tab.model.rows)
                seen_on_removal.append(rows)

        win.live.stop()  # the feed held still: the rows come only when it reads again
        win.outbox.put(
            "w-entry",
            "intelligence",
            item,
            {"text": text, "kind": "agency", "agency_id": police, "ref": "w-entry"},
        )
        due = (DAY + dt.timedelta(days=2)).isoformat()
        action = {"agency_id": police, "description": task, "due_date": due, "ref": "w-action"}
        win.outbox.put("w-action", "action", item, action)
        win.outbox.listeners.append(on_change)
        assert [type(r) for r in cv.intelligence.model.rows[entries_before:]] == [WaitingEntry]
        win.saves.send_waiting()
        qtbot.waitUntil(lambda: len(win.outbox) == 0, timeout=10_000)
        assert len(seen_on_removal) == 2
        for entries_shown, actions_shown in seen_on_removal:
            assert len(entries_shown) == entries_before + 1
            assert len(actions_shown) == actions_before + 1
            assert entries_shown[-1].text == text and actions_shown[-1].description == task
            assert isinstance(actions_shown[-1], ActionView | WaitingAction)

        win.live.start()  # the feed reads the log: the saved rows take the waiting ones' place
        qtbot.waitUntil(
            lambda: (
                [type(r) for r in cv.intelligence.model.rows[entries_before:]] == [IntelligenceView]
                and [type(r) for r in cv.actions_tab.model.rows[actions_before:]] == [ActionView]
            ),
            timeout=10_000,
        )
        assert cv.intelligence.model.rows[-1].text == text
        assert cv.actions_tab.model.rows[-1].description == task
        index = cv.intelligence.model.index(len(cv.intelligence.model.rows) - 1, 0)
        assert index.data(Qt.ItemDataRole.BackgroundRole) is None  # no longer coloured
    finally:
        win.shutdown()
        win.worker.stop()
        rep.close()
