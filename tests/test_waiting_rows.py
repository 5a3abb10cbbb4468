"""What waits on the laptop is listed where the saved row will stand (``ui/case/waiting_rows``),
from the outbox file as it is kept, including one written before saves carried their time.
The window with the server away is tested in ``test_ui_offline*.py``."""

from __future__ import annotations

import datetime as dt
import json

from frontdoor_app.meeting.views import IntelligenceView
from frontdoor_app.ui.case.waiting_rows import WaitingEntry, entries, merged
from frontdoor_app.ui.core.outbox import Outbox

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
    assert new.sharing == "waiting to be sent · restricted: POL only"
    assert new.created_at.tzinfo is not None  # no time kept: when it was read
    assert (edit.author_name, edit.created_at) == ("Health Visitor One", AT)
    listed = merged(saved, rows, "edit_of")
    assert [r.id for r in listed] == [10, "waiting:b", "waiting:a"]
    assert isinstance(listed[1], WaitingEntry) and listed[1].text == "Seen at clinic (corrected)"
