"""The minutes screen through qtbot: preview, save, print to a file, copies, export log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from frontdoor_app.context import AppContext
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.theme import style_sheet
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.minutes.minutes_screen import MinutesScreen
from frontdoor_app.ui.minutes.support import MinutesDialogs
from tests.minutes_builder import RESTRICTED_TEXT, BuiltMeeting, build_closed_meeting

TIMEOUT = 30_000


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[Worker]:
    w = Worker()
    yield w
    w.stop()


@pytest.fixture
def screen(
    ctx: AppContext, worker: Worker, qtbot: QtBot
) -> Iterator[tuple[MinutesScreen, BuiltMeeting]]:
    built = build_closed_meeting(ctx)
    messages = Messages()
    messages.answer_next()  # scripted: no real message box ever opens
    widget = MinutesScreen(ctx, worker, messages, MinutesDialogs())
    widget.setStyleSheet(style_sheet("desk"))  # as the application themes it
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    with qtbot.waitSignal(widget.preview_ready, timeout=TIMEOUT):
        widget.show()
    yield widget, built
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=TIMEOUT)


def pdf_text(path: Path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_preview_renders_pages_and_logs_the_generation(
    screen: tuple[MinutesScreen, BuiltMeeting], qtbot: QtBot, qtmodeltester: object, artefacts: Path
) -> None:
    widget, built = screen
    assert widget.page_count >= 6
    assert widget.current_choice() is not None
    assert widget.current_choice().meeting_id == built.meeting_id  # type: ignore[union-attr]
    first = widget._page_labels[0].pixmap()
    assert not first.isNull() and first.width() > 500
    assert widget.save_button.isEnabled() and widget.print_button.isEnabled()
    qtbot.waitUntil(lambda: widget.log_model.rowCount() >= 1, timeout=TIMEOUT)
    assert widget.log_model.row_at(0).user == "test.chair"
    assert "generated" in widget.log_model.row_at(0).detail
    qtmodeltester.check(widget.log_model)  # type: ignore[attr-defined]
    # The picture once the pages are laid out at their size (not squeezed while they come).
    pages = widget._page_labels
    qtbot.waitUntil(lambda: all(p.height() >= p.pixmap().height() for p in pages))
    widget.grab().save(str(artefacts / "minutes_screen.png"))


def test_save_writes_the_pdf_and_the_log_shows_it(
    screen: tuple[MinutesScreen, BuiltMeeting], qtbot: QtBot, tmp_path: Path
) -> None:
    widget, built = screen
    target = tmp_path / "saved.pdf"
    widget.dialogs.answer_next(str(target))
    with qtbot.waitSignal(widget.saved, timeout=TIMEOUT):
        widget.save_button.click()
    assert all(ref in pdf_text(target) for ref in built.refs)
    qtbot.waitUntil(
        lambda: any(
            f"saved to {target}" in widget.log_model.row_at(r).detail
            for r in range(widget.log_model.rowCount())
        ),
        timeout=TIMEOUT,
    )
    assert widget.log_model.data(widget.log_model.index(0, 2)) in ("Exported", "Printed")


def test_print_to_a_pdf_file_through_qprinter(
    screen: tuple[MinutesScreen, BuiltMeeting], qtbot: QtBot, tmp_path: Path
) -> None:
    widget, _ = screen
    target = tmp_path / "printed.pdf"
    widget.dialogs.answer_next(str(target))
    with qtbot.waitSignal(widget.printed, timeout=TIMEOUT) as blocker:
        widget.print_button.click()
    assert blocker.args == [widget.page_count]
    assert len(PdfReader(str(target)).pages) == widget.page_count
    qtbot.waitUntil(
        lambda: any(
            widget.log_model.row_at(r).action == "print" for r in range(widget.log_model.rowCount())
        ),
        timeout=TIMEOUT,
    )


def test_cancelled_dialogs_do_nothing(screen: tuple[MinutesScreen, BuiltMeeting]) -> None:
    widget, _ = screen
    widget.dialogs.answer_next(None, False)
    widget.save_button.click()
    widget.print_button.click()
    assert widget.dialogs.asked[-2:] == ["save", "print"]


def test_per_agency_copies_one_file_per_attending_agency(
    screen: tuple[MinutesScreen, BuiltMeeting], qtbot: QtBot, tmp_path: Path, artefacts: Path
) -> None:
    widget, built = screen
    widget.dialogs.answer_next(str(tmp_path))
    with qtbot.waitSignal(widget.copies_written, timeout=TIMEOUT) as blocker:
        widget.copies_button.click()
    files = sorted(p.name for p in tmp_path.glob("*.pdf"))
    # Present or information sent: CSWS, DVS, HSG, POL (HV sent apologies).
    codes = ("CSWS", "DVS", "HSG", "POL")
    assert blocker.args == [4]
    assert files == [f"minutes-2026-11-23-{c}.pdf" for c in codes]
    # Each copy is encrypted: its password is shown once, in the dialog, and nowhere else.
    dialog = widget.dialogs.passwords_dialog
    assert dialog is not None and dialog.isVisible()
    assert widget.dialogs.asked[-1] == "passwords"
    explanation = dialog.explanation.text()
    assert "not stored anywhere" in explanation and "different route" in explanation
    dialog.grab().save(str(artefacts / "minutes_copy_passwords.png"))
    passwords = {code: dialog.password_for(code) for code in codes}
    assert len(set(passwords.values())) == 4  # one password per agency
    texts = {}
    for code in codes:
        path = tmp_path / f"minutes-2026-11-23-{code}.pdf"
        raw = path.read_bytes()
        assert b"/Encrypt" in raw
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(path)
        for other in codes:
            if other != code:
                with pytest.raises(pikepdf.PasswordError):
                    pikepdf.open(path, password=passwords[other])
        with pikepdf.open(path, password=passwords[code]) as pdf:
            assert pdf.user_password_matched and pdf.is_encrypted
            assert pdf.encryption.bits == 256 and pdf.encryption.R == 6  # AES-256
            assert len(pdf.pages) >= 1
        reader = PdfReader(io.BytesIO(raw))
        assert reader.is_encrypted
        assert reader.decrypt(passwords[code])
        texts[code] = " ".join(p.extract_text() for p in reader.pages)
        assert "Copy for" in texts[code] and code in texts[code]
        assert passwords[code] not in "".join(texts[code].split())  # nor split by spaces
    assert RESTRICTED_TEXT not in texts["POL"]
    assert RESTRICTED_TEXT in texts["HSG"]
    assert any(ref in texts["CSWS"] for ref in built.refs)
    # The password is kept nowhere: not in the audit trail's export records nor the log.
    qtbot.waitUntil(
        lambda: (
            sum(
                "encrypted (AES-256)" in widget.log_model.row_at(r).detail
                for r in range(widget.log_model.rowCount())
            )
            == 4
        ),
        timeout=TIMEOUT,
    )
    for r in range(widget.log_model.rowCount()):
        assert not any(pw in widget.log_model.row_at(r).detail for pw in passwords.values())
    # Copy all puts every row on the clipboard for the admin to paste elsewhere.
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard().text()
    assert all(f"{code}\t{passwords[code]}" in clipboard for code in codes)
    # Print: the sheet carries the warning and every password.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    sheet = tmp_path / "sheet" / "passwords.pdf"
    sheet.parent.mkdir()
    printer.setOutputFileName(str(sheet))
    assert dialog.print_sheet(printer)
    printed = " ".join(pdf_text(sheet).split())
    assert "not stored anywhere" in printed
    # pypdf's extraction puts a space inside about 1 password in 80 (the sheet shows it
    # whole: poppler reads it whole, and so does the eye); passwords have no spaces.
    unspaced = "".join(printed.split())
    assert all(passwords[code] in unspaced for code in codes)
    dialog.close()


def test_a_failed_copy_still_shows_the_passwords_of_those_written(
    screen: tuple[MinutesScreen, BuiltMeeting], qtbot: QtBot, tmp_path: Path
) -> None:
    widget, _ = screen
    (tmp_path / "minutes-2026-11-23-DVS.pdf").mkdir()  # that copy cannot be written
    widget.dialogs.answer_next(str(tmp_path))
    widget.copies_button.click()
    qtbot.waitUntil(lambda: widget.dialogs.passwords_dialog is not None, timeout=TIMEOUT)
    dialog = widget.dialogs.passwords_dialog
    assert dialog is not None
    assert [c.agency for c in dialog.copies] == ["CSWS", "HSG", "POL"]
    with pikepdf.open(
        tmp_path / "minutes-2026-11-23-POL.pdf", password=dialog.password_for("POL")
    ) as pdf:
        assert len(pdf.pages) >= 1
    assert any(shown.kind == "error" for shown in widget.messages.log)
    dialog.close()


def test_todays_open_meeting_is_offered_as_a_draft(
    ctx: AppContext, worker: Worker, qtbot: QtBot
) -> None:

    build_closed_meeting(ctx, status="in_progress", day=ctx.profile.today())
    widget = MinutesScreen(ctx, worker, Messages(), MinutesDialogs())
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.preview_ready, timeout=TIMEOUT):
        widget.show()
    assert "draft" in widget.meeting_box.currentText()
    assert widget._produced is not None and widget._produced.draft
    assert "DRAFT" in widget._produced.reference
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=TIMEOUT)


def test_closing_mid_preview_drops_late_results(
    ctx: AppContext, worker: Worker, qtbot: QtBot
) -> None:
    build_closed_meeting(ctx)
    widget = MinutesScreen(ctx, worker, Messages(), MinutesDialogs())
    widget.show()
    qtbot.waitUntil(lambda: widget.progress.maximum() > 1, timeout=TIMEOUT)  # pages queued
    widget.deleteLater()
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=TIMEOUT)  # no error from late pages
