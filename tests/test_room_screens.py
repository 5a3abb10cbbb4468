"""The meeting room's other screens: built the first time they are opened, refreshed by the
changes they watch, and their modules not loaded with the main window."""

from __future__ import annotations

import ast
import subprocess
import sys

from PySide6.QtWidgets import QDialog, QWidget

from frontdoor_app.ui.meeting.screens import Screen, ScreenRegistry


class _Dialog(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


class _Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def test_a_screen_is_built_once_when_first_opened_and_refreshed_by_what_it_watches(qtbot) -> None:  # type: ignore[no-untyped-def]
    built: list[str] = []
    closed: list[bool] = []
    recorded: list[tuple[str, str, int | None, str]] = []

    def make_dialog() -> QWidget:
        built.append("dialog")
        dialog = _Dialog()
        qtbot.addWidget(dialog)
        return dialog

    def make_window() -> QWidget:
        built.append("window")
        window = _Window()
        qtbot.addWidget(window)
        return window

    registry = ScreenRegistry(lambda: closed.append(True), lambda *row: recorded.append(row))
    registry.declare(
        Screen("list", make_dialog, dialog=True, watches=frozenset({"action"})),
        Screen(
            "tracker",
            make_window,
            watches=frozenset({"attendance"}),
            on_show=lambda w: w.refresh(),
            audit=("tracker", "tracker shown"),
        ),
        Screen("nothing", lambda: None, dialog=True),
    )
    assert built == [] and registry.shown == {}  # nothing is built until it is opened
    dialog = registry.open("list")
    assert registry.open("list") is dialog and built == ["dialog"]
    window = registry.open("tracker")
    assert built == ["dialog", "window"] and window.refreshed == 1
    assert recorded == [("view", "tracker", None, "tracker shown")]
    assert registry.open("nothing") is None and "nothing" not in registry.shown

    registry.changed({"action", "draft"})
    assert dialog.refreshed == 1 and window.refreshed == 1
    registry.changed({"attendance"})
    assert dialog.refreshed == 1 and window.refreshed == 2
    window.hide()
    registry.changed({"attendance"})
    assert window.refreshed == 2  # not on screen: read when next shown

    dialog.reject()  # a dialog is forgotten when it closes, and the room is read again
    assert "list" not in registry.shown and closed == [True]
    assert registry.open("list") is not dialog and built == ["dialog", "window", "dialog"]
    registry.close_all()
    assert not window.isVisible()


def test_the_main_window_loads_without_its_other_screens_or_the_domain_reads() -> None:
    """Start-up: the main window's modules leave the other screens, the PDF machinery and
    the case's domain module to be loaded when first needed."""
    later = [
        "frontdoor_app.ui.intake.import_screen",
        "frontdoor_app.ui.minutes.minutes_screen",
        "frontdoor_app.ui.measures.measures_screen",
        "frontdoor_app.ui.fgc.panel",
        "frontdoor_app.ui.fgc.queue",
        "frontdoor_app.ui.admin.audit_viewer",
        "frontdoor_app.ui.meeting.action_tracker",
        "frontdoor_app.ui.meeting.attendance_dialog",
        "frontdoor_app.ui.projector.projector",
        "frontdoor_app.meeting.case",
        "frontdoor_app.meeting.decisions",
        # The FGC domain behind the room's waiting steps (ui/fgc/waits), and what it pulls
        # in: the referral PDF (reportlab) and the intake's fuzzy matching.
        "frontdoor_app.fgc.changes",
        "frontdoor_app.fgc.document",
        "frontdoor_app.export.referral",
        "reportlab",
        "frontdoor_app.intake.matching",
        "rapidfuzz",
        # The history tab's person links: read when the tab asks for them.
        "frontdoor_app.intake.links",
        "jellyfish",
    ]
    assert _loaded_by("frontdoor_app.ui.meeting.main_window", later) == []


def test_reading_a_case_leaves_the_fgc_writes_and_the_intake_matching_unloaded() -> None:
    """The worker's first case read (``meeting.case``) loads what a case shows, not the FGC
    offer a decision may start nor the matching that links a new invitee."""
    later = [
        "frontdoor_app.fgc.referrals",
        "frontdoor_app.intake.matching",
        "rapidfuzz",
        "reportlab",
    ]
    assert _loaded_by("frontdoor_app.meeting.case, frontdoor_app.meeting.drafts", later) == []


def _loaded_by(modules: str, later: list[str]) -> list[str]:
    """Which of ``later`` a fresh interpreter has loaded after importing ``modules``."""
    code = (
        f"import sys\nimport {modules}\nprint(sorted(m for m in {later!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return list(ast.literal_eval(out.stdout.strip()))
