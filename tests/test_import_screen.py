"""The import screen through real widgets: import with progress, the summary, correcting a
quarantined record in its form, discarding one, confirming a possible match."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from frontdoor_app.intake.importer import import_records
from frontdoor_app.models import Meeting, Notification, QuarantinedRecord
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.theme import style_sheet
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.intake.import_screen import ImportScreen
from tests.intake_feedkit import NOW, notification, person, write_csv
from tests.ui_support import snapshot


def make_screen(qtbot, ctx, worker) -> ImportScreen:  # type: ignore[no-untyped-def]
    messages = Messages()
    messages.scripted = True
    widget = ImportScreen(ctx, worker, messages=messages)
    widget.setStyleSheet(style_sheet("desk"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def screen(qtbot, ctx, sync_worker) -> ImportScreen:  # type: ignore[no-untyped-def]
    """The screen on the synchronous worker: each job is done when the click returns."""
    return make_screen(qtbot, ctx, sync_worker)


@pytest.fixture
def threaded_screen(qtbot, ctx) -> Iterator[ImportScreen]:  # type: ignore[no-untyped-def]
    """The screen on the real worker thread (progress and one import at a time need it)."""
    worker = Worker()
    widget = make_screen(qtbot, ctx, worker)
    idle(qtbot, widget)
    yield widget
    worker.stop()


def idle(qtbot, widget: ImportScreen) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: widget.worker.pending == 0, timeout=20_000)


def feed_with_problems(tmp_path):
    people = [
        person("victim", "Shaw", "Kelly", "1991-02-03"),
        person("child", "Shaw", "Mia", "2019-05-05", nhs_number="123"),
    ]
    return write_csv(
        tmp_path,
        "feed-2026-11-23.csv",
        [
            *(
                notification(
                    f"OK-{n}",
                    [
                        person("victim", f"Name{n}", "Anna", "1990-01-01"),
                        person("child", f"Name{n}", "Ben", "2019-01-01"),
                    ],
                )
                for n in range(60)
            ),
            notification("BAD-1", people, postcode="LS99"),
            notification("BAD-2", dash_risk="extreme"),
        ],
    )


def test_import_with_progress_then_correct_a_record(
    qtbot, threaded_screen, tmp_path, artefacts, qtmodeltester
):  # type: ignore[no-untyped-def]
    screen = threaded_screen
    seen: list[tuple[int, int]] = []
    screen.relay.progressed.connect(lambda done, total: seen.append((done, total)))
    assert screen.progress.text() == "No import running"  # not "0 of 1 notifications"
    screen.set_file(feed_with_problems(tmp_path))
    assert screen.import_button.isEnabled()
    with qtbot.waitSignal(screen.imported, timeout=30_000) as signal:
        screen.import_button.click()
        assert not screen.import_button.isEnabled()  # one import at a time
    summary = signal.args[0]
    assert (summary.imported, summary.quarantined) == (60, 2)
    assert seen[0] == (0, 62) and seen[-1] == (62, 62) and len(seen) >= 3
    assert screen.progress.value() == 62 and screen.progress.maximum() == 62
    assert screen.progress.text() == "62 of 62 notifications"
    text = screen.summary_label.text()
    assert "imported 60" in text and "quarantined 2" in text
    assert "agenda has been brought up to date" in text
    with screen.ctx.session() as s:
        meeting = s.scalar(
            select(Meeting).where(Meeting.meeting_date == screen.ctx.profile.today())
        )
        assert meeting is not None and meeting.id == screen.agenda_meeting_id
    idle(qtbot, screen)
    assert screen.quarantine.rowCount() == 2 and "2 waiting" in screen.tabs.tabText(0)
    qtmodeltester.check(screen.quarantine)
    qtmodeltester.check(screen.matches)
    screen.resize(1200, 700)
    snapshot(screen, artefacts / "import-screen-summary.png")

    screen.quarantine_view.selectRow(0)
    screen.open_button.click()
    qtbot.waitUntil(
        lambda: screen.correction is not None and screen.correction.isVisible(), timeout=10_000
    )
    dialog = screen.correction
    postcode = dialog.field("postcode")
    nhs = dialog.field("nhs_number", 1)
    assert postcode.problem.isVisible() and "UK postcode" in postcode.problem.text()
    assert nhs.problem.isVisible() and "10 digits" in nhs.problem.text()
    assert not dialog.field("address").problem.isVisible()
    dialog.resize(920, 900)
    snapshot(dialog, artefacts / "import-correction-form.png")
    postcode.set_value("LS9 9ZZ")
    assert [p.field for p in dialog.check()] == ["nhs_number"]
    assert not postcode.problem.isVisible() and nhs.problem.isVisible()
    nhs.set_value("")
    assert dialog.check() == []
    with (
        qtbot.waitSignal(screen.agenda_changed, timeout=10_000) as joined,
        qtbot.waitSignal(dialog.resolved, timeout=10_000) as done,
    ):
        dialog.import_button.click()
    assert done.args == ["imported"] and joined.args == [screen.agenda_meeting_id]
    idle(qtbot, screen)
    assert screen.quarantine.rowCount() == 1 and "1 waiting" in screen.tabs.tabText(0)
    with screen.ctx.session() as s:
        n = s.scalar(select(Notification).where(Notification.police_ref == "BAD-1"))
        assert n is not None and n.postcode == "LS9 9ZZ"


def test_discard_from_the_list_needs_a_reason(qtbot, screen, tmp_path):  # type: ignore[no-untyped-def]
    screen.agenda_box.setChecked(False)
    feed = [notification("BAD-3", dash_risk="?"), notification("OK-3")]
    screen.set_file(write_csv(tmp_path, "feed.csv", feed))
    with qtbot.waitSignal(screen.imported, timeout=20_000):
        screen.start_import()
    with screen.ctx.session() as s:
        assert s.scalar(select(Meeting)) is None  # the box was unticked: no agenda built
    screen.quarantine_view.selectRow(0)
    screen.messages.answer_next("   ")
    screen.discard_button.click()
    assert screen.messages.last().kind == "warning"
    screen.messages.answer_next("sent in error by the force")
    screen.discard_button.click()
    assert screen.quarantine.rowCount() == 0
    with screen.ctx.session() as s:
        record = s.scalar(select(QuarantinedRecord))
        assert (record.status, record.resolution_reason) == (
            "discarded",
            "sent in error by the force",
        )
    screen.quarantine_filter.setCurrentIndex(1)  # all records, discarded ones too
    assert screen.quarantine.rowCount() == 1
    assert "Discarded: sent in error" in screen.quarantine.data(screen.quarantine.index(0, 4))


def test_unreadable_file_shows_one_clear_message(qtbot, screen, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    screen.set_file(path)
    screen.start_import()
    assert "nothing was changed" in screen.summary_label.text()
    assert screen.progress.text() == "Nothing imported"
    assert screen.messages.last().kind == "error" and "empty" in screen.messages.last().text
    assert screen.import_button.isEnabled() and screen.choose_button.isEnabled()


def test_confirm_a_possible_match(qtbot, screen, tmp_path, artefacts):  # type: ignore[no-untyped-def]
    ctx = screen.ctx
    import_records(
        ctx.sessions,
        ctx.profile,
        ctx.actor,
        [
            notification(
                "OLD-1",
                [
                    person("victim", "Hussain", "Amina", "1994-05-02"),
                    person("child", "Hussain", "Zara", "2016-01-09"),
                ],
                received_at="2026-03-02T08:00:00",
                incident_at="2026-03-01T22:00:00",
            )
        ],
        now=NOW,
    )
    screen.set_file(
        write_csv(
            tmp_path,
            "feed.csv",
            [
                notification(
                    "NEW-1", [person("victim", "Hussain", "Amna", "", age="32")], postcode="LS6 1AA"
                )
            ],
        )
    )
    with qtbot.waitSignal(screen.imported, timeout=20_000) as signal:
        screen.start_import()
    assert signal.args[0].possible_matches == 1
    assert screen.tabs.currentIndex() == 1 and screen.matches.rowCount() == 1
    text = " ".join(screen.matches.data(screen.matches.index(0, c)) for c in range(8))
    assert "Amna Hussain" in text and "Amina Hussain" in text and "%" in text
    screen.resize(1200, 600)
    snapshot(screen, artefacts / "import-possible-matches.png")
    screen.matches_view.selectRow(0)
    screen.same_button.click()
    assert screen.matches.rowCount() == 0 and "(0)" in screen.tabs.tabText(1)


def test_undo_a_wrong_link_from_the_links_made(qtbot, screen, tmp_path, artefacts, qtmodeltester):  # type: ignore[no-untyped-def]
    ctx = screen.ctx
    old = [
        person("victim", "Hussain", "Amina", "1994-05-02"),
        person("child", "Hussain", "Zara", "2016-01-09"),
    ]
    import_records(
        ctx.sessions,
        ctx.profile,
        ctx.actor,
        [
            notification(
                "OLD-2", old, received_at="2026-03-02T08:00:00", incident_at="2026-03-01T22:00:00"
            )
        ],
        now=NOW,
    )
    screen.set_file(write_csv(tmp_path, "feed.csv", [notification("NEW-2", old)]))
    with qtbot.waitSignal(screen.imported, timeout=20_000):
        screen.start_import()
    assert screen.links.rowCount() == 2 and "(2)" in screen.tabs.tabText(2)
    qtmodeltester.check(screen.links)
    screen.tabs.setCurrentIndex(2)
    screen.resize(1200, 500)
    snapshot(screen, artefacts / "import-links-made.png")
    victim = next(i for i, r in enumerate(screen.links.rows) if r.role == "victim")
    screen.links_view.selectRow(victim)
    screen.messages.answer_next("a different Amina: the GP confirmed")
    screen.undo_button.click()
    assert screen.links.rows[victim].status == "undone"
    with ctx.session() as s:
        people = {n.police_ref: n.persons[0].person_id for n in s.scalars(select(Notification))}
    assert people["NEW-2"] != people["OLD-2"]


def test_a_feed_with_no_notifications_says_so_on_the_bar(qtbot, screen, tmp_path):  # type: ignore[no-untyped-def]
    screen.set_file(write_csv(tmp_path, "quiet-night.csv", []))
    screen.start_import()
    assert screen.summary is not None and screen.summary.total == 0
    assert screen.progress.text() == "No notifications in the file"
