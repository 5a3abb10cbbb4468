"""The import screen (admin): choose the feed file, import it off the UI thread with a
progress bar, read the summary, work through the quarantine and the possible matches.

Open it with ``ImportScreen(ctx, worker, parent=None, messages=None)``; it is a window of
its own. ``imported`` is emitted with the summary after each import, so the main window can
refresh what it shows; with the box ticked (the default) the import also builds or tops up
today's agenda (``intake.agenda.build_agenda``), as does a corrected record once imported
(``agenda_changed`` is emitted with the meeting id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.intake import links
from frontdoor_app.intake import quarantine as q
from frontdoor_app.intake.agenda import build_agenda
from frontdoor_app.intake.importer import FeedUnreadable, ImportSummary, import_file
from frontdoor_app.intake.training import model_view
from frontdoor_app.ui.core.messages import Messages, cause
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.intake.correction import CorrectionDialog, ask_discard_reason
from frontdoor_app.ui.intake.matching_dialog import MatchingModelDialog
from frontdoor_app.ui.intake.models import match_model, quarantine_model


class ProgressRelay(QObject):
    """Carries the importer's progress from the worker thread to the UI thread."""

    progressed = Signal(int, int)

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)  # queued: the relay lives on the UI thread


def _table(model: Any, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The last column (the problem, the reasons) takes the rest of the width and wraps.
    header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setVisible(False)
    return view


class ImportScreen(QWidget):
    """Import the morning's police feed and deal with what it could not take in."""

    imported = Signal(object)  # ImportSummary
    agenda_changed = Signal(int)  # meeting id: a corrected record joined today's agenda
    lists_loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        parent: QWidget | None = None,
        messages: Messages | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx, self.worker = ctx, worker
        self.messages = messages or Messages()
        self.ops = Ops(worker, self.messages, ctx)
        self.path: Path | None = None
        self.summary: ImportSummary | None = None
        self.running = False
        self.correction: CorrectionDialog | None = None
        self.agenda_meeting_id: int | None = None
        self.setObjectName("importScreen")
        self.setWindowTitle(self.tr("Import the police feed"))
        self.setAccessibleName(self.tr("Import the police feed"))
        self.resize(1200, 760)
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._progress)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Import the police feed"), self)
        title.setObjectName("importTitle")
        set_scaled_font(title, 1.3, bold=True)
        layout.addWidget(title)
        chooser = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("&Choose file…"), self)
        self.choose_button.setToolTip(self.tr("Ctrl+O"))
        self.file_label = QLabel(self.tr("No file chosen"), self)
        self.file_label.setObjectName("importFile")
        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setEnabled(False)
        self.agenda_box = QCheckBox(self.tr("Put new notifications on &today's agenda"), self)
        self.agenda_box.setChecked(True)
        self.agenda_box.setToolTip(
            self.tr("Builds or tops up the meeting of {0}, ordered by risk.").format(
                self.ctx.profile.today().strftime("%d %B %Y")
            )
        )
        chooser.addWidget(self.choose_button)
        chooser.addWidget(self.file_label, 1)
        chooser.addWidget(self.agenda_box)
        chooser.addWidget(self.import_button)
        layout.addLayout(chooser)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName(self.tr("Import progress"))
        self._progress_still(self.tr("No import running"))
        layout.addWidget(self.progress)
        self.summary_label = QLabel(
            self.tr("Choose the feed file the police sent, then Import."), self
        )
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self._build_quarantine_tab()
        self._build_matches_tab()
        self._build_links_tab()
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button.clicked.connect(self.start_import)
        QShortcut(QKeySequence("Ctrl+O"), self, self.choose_file)
        self.refresh_lists()

    # --- building

    def _build_quarantine_tab(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.quarantine_filter = QComboBox(page)
        self.quarantine_filter.setAccessibleName(self.tr("Which quarantined records"))
        self.quarantine_filter.addItem(self.tr("Waiting to be dealt with"), "waiting")
        self.quarantine_filter.addItem(self.tr("All, including corrected and discarded"), None)
        self.open_button = QPushButton(self.tr("&Open and correct…"), page)
        self.discard_button = QPushButton(self.tr("&Discard…"), page)
        bar.addWidget(self.quarantine_filter)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.discard_button)
        layout.addLayout(bar)
        self.quarantine = quarantine_model()
        self.quarantine_view = _table(self.quarantine, "quarantineTable", page)
        self.quarantine_view.setAccessibleName(self.tr("Quarantined notifications"))
        layout.addWidget(self.quarantine_view, 1)
        self.tabs.addTab(page, self.tr("Quarantine"))
        self.quarantine_filter.currentIndexChanged.connect(lambda _i: self.refresh_lists())
        self.open_button.clicked.connect(self.open_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self.quarantine_view.activated.connect(lambda _i: self.open_selected())

    def _build_matches_tab(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        hint = QLabel(
            self.tr(
                "Each person the police named who may be someone already known. "
                "Confirm to join the known person's history, or say it is not the "
                "same person."
            ),
            page,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        bar = QHBoxLayout()
        self.same_button = QPushButton(self.tr("&Same person"), page)
        self.different_button = QPushButton(self.tr("&Not the same person"), page)
        bar.addStretch(1)
        bar.addWidget(self.same_button)
        bar.addWidget(self.different_button)
        self.model_button = QPushButton(self.tr("Matching &model…"), page)
        self.model_button.setToolTip(
            self.tr(
                "How people are matched: thresholds, expected "
                "daily workload, the weight of each comparison"
            )
        )
        self.model_button.clicked.connect(self.show_matching_model)
        bar.addWidget(self.model_button)
        layout.addLayout(bar)
        self.matches = match_model()
        self.matches_view = _table(self.matches, "matchesTable", page)
        self.matches_view.setAccessibleName(self.tr("Possible matches"))
        layout.addWidget(self.matches_view, 1)
        self.tabs.addTab(page, self.tr("Possible matches"))
        self.same_button.clicked.connect(lambda: self.decide_selected(True))
        self.different_button.clicked.connect(lambda: self.decide_selected(False))

    def _build_links_tab(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        hint = QLabel(
            self.tr(
                "The people this import linked to someone already known, weakest "
                "first. Undo a link that is wrong: the person becomes a person of "
                "their own again, and the reason is kept."
            ),
            page,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        bar = QHBoxLayout()
        self.undo_button = QPushButton(self.tr("&Undo link…"), page)
        bar.addStretch(1)
        bar.addWidget(self.undo_button)
        layout.addLayout(bar)
        self.links = match_model()
        self.links_view = _table(self.links, "linksTable", page)
        self.links_view.setAccessibleName(self.tr("Links made by this import"))
        layout.addWidget(self.links_view, 1)
        self.tabs.addTab(page, self.tr("Links made"))
        self.undo_button.clicked.connect(self.undo_selected)

    # --- importing

    def show_matching_model(self) -> None:
        """The matching model in use, read-only (``frontdoor matching train`` retrains it)."""
        self.ops.read(self, model_view, self._show_matching_model, doing=self.tr("Matching model"))

    def _show_matching_model(self, view: Any) -> None:
        self.matching_dialog = MatchingModelDialog(view, self)
        self.matching_dialog.open()

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the police feed"),
            "",
            self.tr("Police feed (*.csv *.json *.jsonl);;All files (*)"),
        )
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(str(path))
        self.import_button.setEnabled(not self.running)
        self.import_button.setFocus()

    def start_import(self) -> None:
        if self.path is None or self.running:
            return
        self.running = True
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.progress.setFormat(self.tr("%v of %m notifications"))
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.summary_label.setText(self.tr("Reading {0}…").format(self.path.name))
        ctx, path, report = self.ctx, self.path, self.relay.report
        with_agenda = self.agenda_box.isChecked()

        def job() -> tuple[ImportSummary, int | None]:
            day = ctx.profile.today() if with_agenda else None
            summary = import_file(ctx.sessions, ctx.profile, ctx.actor, path, report, agenda_on=day)
            return summary, summary.meeting_id

        self.ops.command(
            self,
            lambda _reason: job(),
            self._import_done,
            doing=self.tr("Import failed"),
            on_failed=self._import_failed,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _progress_still(self, words: str) -> None:
        """No count to show (none yet, an empty file, a failure): the bar says so in words,
        not "0 of 1 notifications"."""
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(words)

    def _finish(self) -> None:
        self.running = False
        self.choose_button.setEnabled(True)
        self.import_button.setEnabled(self.path is not None)

    def _import_done(self, result: Any) -> None:
        summary, self.agenda_meeting_id = result
        assert isinstance(summary, ImportSummary)
        self._finish()
        self.summary = summary
        if summary.total:
            self.progress.setRange(0, summary.total)
            self.progress.setValue(summary.total)
        else:
            self._progress_still(self.tr("No notifications in the file"))
        self.summary_label.setText(self.summary_text(summary))
        if summary.quarantined:
            self.tabs.setCurrentIndex(0)
        elif summary.possible_matches:
            self.tabs.setCurrentIndex(1)
        self.imported.emit(summary)
        self.refresh_lists()

    def summary_text(self, s: ImportSummary) -> str:
        text = self.tr("{0}: imported {1}, updated {2}, unchanged {3}, quarantined {4}.").format(
            s.file, s.imported, s.updated, s.unchanged, s.quarantined
        )
        extra = []
        if self.agenda_meeting_id is not None:
            extra.append(self.tr("Today's agenda has been brought up to date."))
        if s.already_imported:
            extra.append(self.tr("This file had been imported before; nothing new was added."))
        if s.flagged_no_child:
            extra.append(
                (
                    self.tr("{0} notification lists no child: flagged for the meeting to check.")
                    if s.flagged_no_child == 1
                    else self.tr(
                        "{0} notifications list no child: flagged for the meeting to check."
                    )
                ).format(s.flagged_no_child)
            )
        if s.possible_matches:
            extra.append(
                (
                    self.tr("{0} possible match to confirm.")
                    if s.possible_matches == 1
                    else self.tr("{0} possible matches to confirm.")
                ).format(s.possible_matches)
            )
        if s.quarantined:
            extra.append(
                self.tr(
                    "⚠ Quarantined notifications are kept whole: open each to correct "
                    "and import it, or discard it with a reason."
                )
            )
        return "\n".join([text, *extra])

    def _import_failed(self, error: BaseException) -> None:
        self._finish()
        self._progress_still(self.tr("Nothing imported"))
        if isinstance(error, FeedUnreadable):
            text = self.tr("The file was not imported and nothing was changed: {0}").format(
                error.message
            )
        else:
            # its first line, never the statement and the values it carried
            text = self.tr("The import stopped: {0}").format(cause(error))
        self.summary_label.setText("⚠ " + text)
        self.messages.error(self, self.tr("Import failed"), text)

    # --- the two lists

    def refresh_lists(self) -> None:
        sessions = self.ctx.sessions
        status = self.quarantine_filter.currentData()

        batch_id = self.summary.batch_id if self.summary else None

        def job() -> tuple[list[q.QuarantineRow], list[links.MatchRow], list[links.MatchRow]]:
            made = links.links_of_batch(sessions, batch_id) if batch_id else []
            return q.list_quarantine(sessions, status), links.possible_matches(sessions), made

        self.ops.query(self, job, self._lists_loaded, doing=self.tr("Could not load the lists"))

    def _lists_loaded(self, result: Any) -> None:
        quarantined, matches, made = result
        self.quarantine.set_rows(quarantined)
        self.matches.set_rows(matches)
        self.links.set_rows(made)
        self.tabs.setTabText(2, self.tr("Links made ({0})").format(len(made)))
        waiting = sum(1 for r in quarantined if r.status == "waiting")
        self.tabs.setTabText(0, self.tr("Quarantine ({0} waiting)").format(waiting))
        self.tabs.setTabText(1, self.tr("Possible matches ({0})").format(len(matches)))
        for view in (self.quarantine_view, self.matches_view, self.links_view):
            view.resizeRowsToContents()
            if view.model().rowCount() and not view.currentIndex().isValid():
                view.selectRow(0)
        self.lists_loaded.emit()

    def _selected(self, view: QTableView) -> int | None:
        index = view.currentIndex()
        return index.row() if index.isValid() else None

    def open_selected(self) -> None:
        row_number = self._selected(self.quarantine_view)
        row = self.quarantine.row_at(row_number) if row_number is not None else None
        if row is None:
            return
        if row.status != "waiting":
            self.messages.info(
                self,
                self.tr("Already dealt with"),
                self.tr("This record has been {0}.").format(row.status),
            )
            return
        ctx = self.ctx
        self.ops.query(
            self,
            lambda: q.load_draft(ctx.sessions, ctx.profile, row.id),
            self._open_draft,
            doing=self.tr("Open the record"),
        )

    def _open_draft(self, draft: Any) -> None:
        assert isinstance(draft, q.Draft)
        self.correction = CorrectionDialog(self.ctx, self.worker, self.messages, draft, self)
        self.correction.resolved.connect(self._resolved)
        self.correction.open()

    def _resolved(self, how: str) -> None:
        self.refresh_lists()
        if how == "imported" and self.agenda_box.isChecked():
            ctx = self.ctx
            self.ops.command(
                self,
                lambda _reason: build_agenda(
                    ctx.sessions, ctx.profile, ctx.actor, ctx.profile.today()
                ),
                self.agenda_changed.emit,
                doing=self.tr("Bring today's agenda up to date"),
            )

    def discard_selected(self) -> None:
        row_number = self._selected(self.quarantine_view)
        row = self.quarantine.row_at(row_number) if row_number is not None else None
        if row is None or row.status != "waiting":
            return
        reason = ask_discard_reason(self.messages, self)
        if reason is None:
            return
        ctx = self.ctx
        self.ops.command(
            self,
            lambda _reason: q.discard(ctx.sessions, ctx.actor, row.id, row.version, reason),
            lambda _r: self.refresh_lists(),
            doing=self.tr("Discard this record"),
        )

    def decide_selected(self, same: bool) -> None:
        row_number = self._selected(self.matches_view)
        row = self.matches.row_at(row_number) if row_number is not None else None
        if row is None:
            return
        ctx = self.ctx
        decide = links.confirm_match if same else links.reject_match
        self.ops.command(
            self,
            lambda _reason: decide(ctx.sessions, ctx.actor, row.link_id),
            lambda _r: self.refresh_lists(),
            doing=self.tr("Possible matches"),
        )

    def undo_selected(self) -> None:
        row_number = self._selected(self.links_view)
        row = self.links.row_at(row_number) if row_number is not None else None
        if row is None or row.status != "linked":
            return
        reason = self.messages.text(
            self,
            self.tr("Undo this link"),
            self.tr(
                "{0} was linked to {1}. Why is the link wrong? (kept with the decision)"
            ).format(row.incoming.name, row.known.name),
        )
        if reason is None:
            return
        if not reason.strip():
            self.messages.warning(
                self, self.tr("Link kept"), self.tr("A reason is needed to undo a link.")
            )
            return
        ctx = self.ctx
        self.ops.command(
            self,
            lambda _reason: links.undo_link(ctx.sessions, ctx.actor, row.link_id, reason),
            lambda _r: self.refresh_lists(),
            doing=self.tr("Undo this link"),
        )
