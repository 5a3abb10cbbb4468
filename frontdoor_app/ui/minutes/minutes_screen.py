"""Minutes (admin): pick a meeting, preview its pages, save, print, per-agency copies, log.

All database work, PDF layout and page rendering run on the worker; the screen only
shows the results. Every generation, save and print is audited (see the export log).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.meeting.minutes_export import (
    MeetingChoice,
    ProducedMinutes,
    copies_allowed,
    export_log,
    meeting_choices,
    produce_minutes,
    record_minutes,
    save_minutes,
    suggested_name,
    write_encrypted_copy,
)
from frontdoor_app.ui.core.messages import Messages, cause
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.minutes.passwords_dialog import CopyPassword
from frontdoor_app.ui.minutes.support import (
    MinutesDialogs,
    close_document,
    export_log_box,
    export_log_model,
    named,
    pdf_document,
    print_pdf,
    render_page,
)
from frontdoor_app.ui.widgets.flow import FlowRow, labelled

STATUS_WORDS = {
    "closed": "closed",
    "in_progress": "in progress (draft)",
    "planned": "planned (draft)",
}


class MinutesScreen(QWidget):
    """The minutes screen. ``dialogs`` and ``messages`` are seams tests answer."""

    preview_ready = Signal(int)  # pages shown
    log_loaded = Signal(int)  # rows
    saved = Signal(str)
    printed = Signal(int)
    copies_written = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages | None = None,
        dialogs: MinutesDialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker = ctx, worker
        self.messages = messages or Messages()
        self.ops = Ops(worker, self.messages, ctx)
        self.dialogs = dialogs or MinutesDialogs()
        self.setObjectName("minutesScreen")
        self.setWindowTitle(self.tr("Minutes"))
        self._choices: tuple[MeetingChoice, ...] = ()
        self._produced: ProducedMinutes | None = None
        self._generation = 0  # ignore results of a preview the user has moved on from
        self._page_labels: list[QLabel] = []
        self._build()
        self.reload_meetings()

    # --- layout -------------------------------------------------------------------
    def _build(self) -> None:
        self.meeting_box = named(QComboBox(), "minutesMeeting")
        self.copy_box = named(QComboBox(), "minutesCopy")
        for box in (self.meeting_box, self.copy_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumContentsLength(22)
        self.preview_button = named(QPushButton(self.tr("&Preview")), "minutesPreviewButton")
        self.save_button = named(QPushButton(self.tr("&Save PDF…")), "minutesSave")
        self.print_button = named(QPushButton(self.tr("P&rint…")), "minutesPrint")
        self.copies_button = named(QPushButton(self.tr("Per-&agency copies…")), "minutesCopies")
        meeting_label = QLabel(self.tr("&Meeting:"))
        meeting_label.setBuddy(self.meeting_box)
        copy_label = QLabel(self.tr("&Copy for:"))
        copy_label.setBuddy(self.copy_box)
        top = FlowRow()  # wraps onto more lines with a large system font
        top.addWidget(labelled(meeting_label, self.meeting_box))
        top.addWidget(labelled(copy_label, self.copy_box))
        top.addWidget(self.preview_button)
        for widget in (self.save_button, self.print_button, self.copies_button):
            top.add_right(widget)
        self.progress = named(QProgressBar(), "minutesProgress")
        self.progress.setTextVisible(True)
        self.status = named(QLabel(), "minutesStatus")
        self.status.setWordWrap(True)
        self.pages = named(QWidget(), "minutesPages")
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_layout.setSpacing(12)
        self.preview_scroll = named(QScrollArea(), "minutesPreview")
        self.preview_scroll.setWidget(self.pages)
        self.preview_scroll.setWidgetResizable(True)
        self.log_model = export_log_model(self.ctx.profile.timezone, self)
        # On a shared server the log is the audit trail's, which admins read.
        self.log_shown = self.ctx.settings.is_embedded or self.ctx.actor.is_admin
        log_box, self.log_view = export_log_box(self.log_model, self.log_shown)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.preview_scroll)
        splitter.addWidget(log_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 180])  # the pages are the point of the screen
        self.preview_scroll.setMinimumHeight(320)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        self.meeting_box.currentIndexChanged.connect(self._meeting_changed)
        self.preview_button.clicked.connect(self.preview)
        self.copy_box.activated.connect(lambda _index: self.preview())
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_minutes)
        self.copies_button.clicked.connect(self.write_copies)
        self._set_ready(False)

    def _alive(self) -> bool:
        """False once the screen is closed. Answers to this screen are dropped by ``Ops``
        then; the preview's (asked with no parent, so it is always released) check this."""
        return shiboken6.isValid(self)

    def _set_ready(self, ready: bool) -> None:
        for button in (self.save_button, self.print_button, self.copies_button):
            button.setEnabled(ready)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._say(cause(exc))
        self.ops.report(self, self.windowTitle(), exc)

    # --- meetings -----------------------------------------------------------------
    def reload_meetings(self) -> None:
        ctx = self.ctx
        today = ctx.profile.today()

        self._say(self.tr("Looking for meetings…"))
        self.ops.read(
            self,
            lambda s: meeting_choices(s, today),
            self._meetings_loaded,
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _meetings_loaded(self, choices: tuple[MeetingChoice, ...]) -> None:
        self._choices = choices
        self.meeting_box.blockSignals(True)
        self.meeting_box.clear()
        for choice in choices:
            words = self.tr(STATUS_WORDS.get(choice.status, choice.status))
            self.meeting_box.addItem(
                f"{choice.meeting_date:%a %d %b %Y} — {words}", choice.meeting_id
            )
        self.meeting_box.blockSignals(False)
        if not choices:
            self._say(self.tr("No closed meeting yet, and no meeting today."))
            return
        self._meeting_changed(self.meeting_box.currentIndex())

    def current_choice(self) -> MeetingChoice | None:
        index = self.meeting_box.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    def select_meeting(self, meeting_id: int) -> None:
        index = self.meeting_box.findData(meeting_id)
        if index >= 0:
            self.meeting_box.setCurrentIndex(index)

    def _meeting_changed(self, index: int) -> None:
        choice = self.current_choice()
        self.copy_box.clear()
        # The full record is the chair's and admins'; a representative has their agency's copy.
        allowed = copies_allowed(self.ctx.actor)
        if allowed is None:
            self.copy_box.addItem(self.tr("Full record"), None)
        if choice is None:
            return
        for code in choice.attending_agencies if allowed is None else allowed:
            self.copy_box.addItem(self.tr("Copy for {0}").format(code), code)
        if self.copy_box.count() == 0:
            self._say(self.tr("You are signed in as a viewer: minutes are not yours to produce."))
            return
        self.preview()
        self.reload_log()

    # --- preview ------------------------------------------------------------------
    def preview(self) -> None:
        choice = self.current_choice()
        if choice is None:
            return
        self._generation += 1
        generation = self._generation
        self._produced = None
        self._set_ready(False)
        self._clear_pages()
        agency = self.copy_box.currentData()
        draft = choice.status != "closed"
        ctx = self.ctx

        def job() -> tuple[ProducedMinutes, Any, Path]:
            produced = produce_minutes(
                ctx.sessions,
                ctx.profile,
                choice.meeting_id,
                agency=agency,
                draft=draft,
                actor=ctx.actor,
            )
            record_minutes(
                ctx.sessions, ctx.actor, produced, "export", "generated on the minutes screen"
            )
            document, path = pdf_document(produced.pdf)
            return produced, document, path

        self.progress.setRange(0, 0)  # busy until the page count is known
        self._say(self.tr("Producing the minutes…"))
        # No parent: a preview made after the screen closed must still be released.
        self.ops.command(
            None,
            lambda _reason: job(),
            lambda result: self._produced_ready(generation, *result),
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _produced_ready(
        self, generation: int, produced: ProducedMinutes, document: Any, path: Path
    ) -> None:
        if not self._alive() or generation != self._generation:
            self._release(document, path)
            return
        self._produced = produced
        self.progress.setRange(0, produced.pages)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Rendering page %v of %m"))
        for page in range(produced.pages):
            self._render(document, page, generation)
        self._release(document, path, lambda _: self._pages_done(generation))
        self.reload_log()

    def _render(self, document: Any, page: int, generation: int) -> None:
        self.ops.query(
            self,
            lambda: render_page(document, page),
            lambda image: self._page_ready(generation, image),
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _release(
        self, document: Any, path: Path, then: Callable[[Any], None] | None = None
    ) -> None:
        """Close the preview on the worker (queued after its pages), even if the screen
        has closed meanwhile; ``then`` runs if it has not."""
        self.ops.query(
            None,
            lambda: close_document(document, path),
            lambda done: then(done) if then is not None and self._alive() else None,
            doing="releasing the minutes preview",  # only logged: the screen may be gone
            on_failed=self._failed,
        )

    def _page_ready(self, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return
        label = named(QLabel(), "minutesPage")
        label.setPixmap(QPixmap.fromImage(image))
        label.setAccessibleName(self.tr("Page {0}").format(len(self._page_labels) + 1))
        self.pages_layout.addWidget(label)
        self._page_labels.append(label)
        self.progress.setValue(len(self._page_labels))

    def _pages_done(self, generation: int) -> None:
        if generation != self._generation or self._produced is None:
            return
        p = self._produced
        self._set_ready(True)
        self.progress.setFormat(self.tr("%m pages"))
        kind = self.tr("Draft minutes") if p.draft else self.tr("Minutes")
        self._say(
            self.tr("{0} of {1:%A %d %B %Y}: {2} pages, ref. {3}.").format(
                kind, p.meeting_date, p.pages, p.reference
            )
        )
        self.preview_ready.emit(len(self._page_labels))

    def _clear_pages(self) -> None:
        for label in self._page_labels:
            self.pages_layout.removeWidget(label)
            label.deleteLater()
        self._page_labels = []

    @property
    def page_count(self) -> int:
        return len(self._page_labels)

    # --- save, print, copies ------------------------------------------------------
    def save(self) -> None:
        produced = self._produced
        if produced is None:
            return
        name = suggested_name(produced.meeting_date, produced.agency, produced.draft)
        path = self.dialogs.save_path(self, str(Path.home() / name))
        if not path:
            return
        ctx = self.ctx
        self.ops.command(
            self,
            lambda _reason: save_minutes(ctx.sessions, ctx.actor, produced, Path(path)),
            self._saved,
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _saved(self, path: str) -> None:
        self._say(self.tr("Saved to {0}.").format(path))
        self.reload_log()
        self.saved.emit(path)

    def print_minutes(self) -> None:
        produced = self._produced
        if produced is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(produced.reference)
        printer.setFullPage(True)  # the PDF carries its own margins and marking
        if not self.dialogs.setup_printer(self, printer):
            return
        ctx = self.ctx
        where = printer.outputFileName() or printer.printerName() or self.tr("the default printer")

        def job() -> int:
            pages = print_pdf(produced.pdf, printer)
            record_minutes(ctx.sessions, ctx.actor, produced, "print", f"printed on {where}")
            return pages

        self.progress.setRange(0, 0)
        self._say(self.tr("Printing…"))
        self.ops.command(
            self,
            lambda _reason: job(),
            self._printed,
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _printed(self, pages: int) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._say(
            self.tr("Printed 1 page.")
            if pages == 1
            else self.tr("Printed {0} pages.").format(pages)
        )
        self.reload_log()
        self.printed.emit(pages)

    def write_copies(self) -> None:
        choice = self.current_choice()
        if choice is None or not choice.attending_agencies:
            self.messages.info(
                self,
                self.windowTitle(),
                self.tr("No agency attended or sent information: no copies to make."),
            )
            return
        folder = self.dialogs.folder(self)
        if not folder:
            return
        ctx = self.ctx
        draft = choice.status != "closed"
        agencies = choice.attending_agencies
        self.progress.setRange(0, len(agencies))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Copy %v of %m"))
        written: list[CopyPassword] = []

        def job(code: str, _reason: str | None) -> CopyPassword:
            made = write_encrypted_copy(
                ctx.sessions, ctx.profile, ctx.actor, choice.meeting_id, code, Path(folder), draft
            )
            return CopyPassword(made.agency, str(made.path), made.password)

        failed: list[BaseException] = []

        def finish() -> None:
            if len(written) + len(failed) < len(agencies):
                return
            if written:
                self._say(
                    self.tr(
                        "{0} per-agency copies written to {1}, each encrypted with its own "
                        "password."
                    ).format(len(written), folder)
                )
                self.reload_log()
                # Even when a copy failed: the written ones are useless without these.
                self.dialogs.show_passwords(self, list(written))
            count = len(written)
            written.clear()
            if not failed:
                self.copies_written.emit(count)

        def one_done(copy: CopyPassword) -> None:
            written.append(copy)
            self.progress.setValue(len(written))
            finish()

        def one_failed(exc: BaseException) -> None:
            failed.append(exc)
            self._failed(exc)
            finish()

        for code in agencies:
            self.ops.command(
                self,
                partial(job, code),
                one_done,
                doing=self.windowTitle(),
                on_failed=one_failed,
            )

    # --- export log ---------------------------------------------------------------
    def reload_log(self) -> None:
        choice = self.current_choice()
        if choice is None or not self.log_shown:
            return

        def done(rows: Any) -> None:
            self.log_model.set_rows(rows)
            self.log_loaded.emit(len(rows))

        self.ops.read(
            self,
            lambda s: export_log(s, choice.meeting_id),
            done,
            doing=self.windowTitle(),
            on_failed=self._failed,
        )
