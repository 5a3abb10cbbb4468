"""The Measures screen: every figure of the weekly report card as a trend with its numbers.

Each figure is a row (``FigurePanel`` in figure_panel.py): a trend chart, beside it the
numbers week by week in a table, and the breakdown over the weeks shown when the figure
has one. Everything is computed on the worker (frontdoor_app.measures.compute) with a
progress bar; the panels are built when each group of figures arrives. The agency and
locality filters apply to the figures that allow them; the others say that they count
everyone. The screen also saves the figures shown as the report-card PDF.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.measures import Measures, compute, default_range, week_start
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages, cause
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.measures.figure_panel import FigurePanel
from frontdoor_app.ui.widgets.flow import FlowRow, labelled

RANGES = ((12, "Last 12 weeks"), (26, "Last 26 weeks"), (52, "Last 52 weeks"))


class MeasuresScreen(QWidget):
    """Range and filters on top, a progress bar while the worker counts, then the figures."""

    loaded = Signal(object)  # the Measures shown (every group in)
    first_shown = Signal()  # the first group's panels are in place
    progressed = Signal(int, int)  # figures done, of how many (emitted from the worker)
    group_ready = Signal(int, object)  # generation, one group's Measures (from the worker)

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MeasuresScreen")
        self.setWindowTitle(self.tr("Measures"))
        self.setAccessibleName(self.tr("Measures: the weekly report card"))
        self.ctx, self.worker = ctx, worker
        self.messages = messages or Messages()
        self.ops = Ops(worker, self.messages, ctx)
        self.today: dt.date | None = None  # None: the real today (tests pin it)
        self.measures: Measures | None = None
        self.panels: dict[str, FigurePanel] = {}
        self._generation = 0
        layout = QVBoxLayout(self)
        bar = FlowRow()  # wraps onto more lines with a large system font
        self.range = QComboBox(self)
        self.range.setAccessibleName(self.tr("Range of weeks"))
        for weeks, words in RANGES:
            self.range.addItem(translate("MeasuresScreen", words), weeks)
        self.range.addItem(self.tr("Chosen weeks"), 0)
        self.first = QDateEdit(self)
        self.last = QDateEdit(self)
        for edit, name in ((self.first, self.tr("First week")), (self.last, self.tr("Last week"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
            edit.setAccessibleName(name)
        self.agency = QComboBox(self)
        self.agency.setAccessibleName(self.tr("Agency"))
        self.agency.addItem(self.tr("All agencies"), None)
        self.locality = QComboBox(self)
        self.locality.setAccessibleName(self.tr("Locality"))
        self.locality.addItem(self.tr("All localities"), None)
        for agency in ctx.profile.agencies:
            self.agency.addItem(f"{agency.name} ({agency.code})", agency.code)
        for loc in ctx.profile.localities:
            self.locality.addItem(f"{loc.name} ({loc.code})", loc.code)
        self.refresh_button = QPushButton(self.tr("&Refresh (F5)"), self)
        self.refresh_button.setAccessibleName(self.tr("Count the figures again"))
        self.save_button = QPushButton(self.tr("&Save report card…"), self)
        self.save_button.setAccessibleName(self.tr("Save the report card as a PDF"))
        for text, widget in (
            (self.tr("&Weeks"), self.range),
            (self.tr("&From"), self.first),
            (self.tr("&To"), self.last),
            (self.tr("&Agency"), self.agency),
            (self.tr("&Locality"), self.locality),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            bar.addWidget(labelled(label, widget))
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Counting the figures"))
        self.progress.setFormat(self.tr("Counting: %v of %m figures"))
        self.status = QLabel("", self)
        self.status.setObjectName("measuresStatus")
        self.status.setWordWrap(True)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        layout.addLayout(status_row)
        self.figures_scroll = QScrollArea(self)
        self.figures_scroll.setWidgetResizable(True)
        self.figures_scroll.setAccessibleName(self.tr("Figures"))
        self.body = QWidget(self.figures_scroll)
        self.body_layout = QVBoxLayout(self.body)
        self.figures_scroll.setWidget(self.body)
        layout.addWidget(self.figures_scroll, 1)
        self.progressed.connect(self._progress)
        self.group_ready.connect(self._show_group)
        self.range.currentIndexChanged.connect(self._range_chosen)
        self.first.dateChanged.connect(self._dates_edited)
        self.last.dateChanged.connect(self._dates_edited)
        self.agency.currentIndexChanged.connect(self.refresh)
        self.locality.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.save_button.clicked.connect(self.save_card)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self._setting_dates = False
        self._range_chosen()

    # ------------------------------------------------------------------ range
    def set_today(self, today: dt.date) -> None:
        """Pin today (tests, benchmarks) and show the default range around it."""
        self.today = today
        self._range_chosen()

    def _today(self) -> dt.date:
        return self.today or self.ctx.profile.today()

    def _range_chosen(self) -> None:
        weeks = self.range.currentData()
        if not weeks:
            return
        first, last = default_range(self._today(), int(weeks))
        self._setting_dates = True
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))
        self._setting_dates = False
        self.refresh()

    def _dates_edited(self) -> None:
        if self._setting_dates:
            return
        self.range.blockSignals(True)
        self.range.setCurrentIndex(self.range.count() - 1)  # "Chosen weeks"
        self.range.blockSignals(False)
        self.refresh()

    def set_range(self, first: dt.date, last: dt.date) -> None:
        """Choose the weeks containing ``first`` to ``last`` (one refresh)."""
        self._setting_dates = True
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))
        self._setting_dates = False
        self._dates_edited()

    def chosen(self) -> tuple[dt.date, dt.date]:
        # PySide6's stubs type QDate.toPython() as ``object``; it returns a datetime.date.
        return self.first.date().toPython(), self.last.date().toPython()  # type: ignore[return-value]

    # ------------------------------------------------------------------ computing
    def refresh(self) -> None:
        """Count the figures again, one group at a time: each group is shown as it arrives."""
        ctx = self.ctx
        first, last = self.chosen()
        agency, locality = self.agency.currentData(), self.locality.currentData()
        as_of = self.today
        self._generation += 1
        generation = self._generation
        self._parts: list[Measures] = []
        self.first_shown_at: float | None = None
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status.setText(
            self.tr("Counting the figures for the weeks of %1 to %2…")
            .replace("%1", f"{week_start(first):%d %b %Y}")
            .replace("%2", f"{week_start(last):%d %b %Y}")
        )

        # One call on the worker counts every figure, sharing what the figures have in
        # common; each group is sent here as soon as it is done and shown at once.
        def load(s: Any) -> tuple[int, Measures | None]:
            if generation != self._generation:
                return generation, None  # superseded before it started
            return generation, compute(
                s,
                ctx.profile,
                first,
                last,
                as_of=as_of,
                agency=agency,
                locality=locality,
                progress=self.progressed.emit,
                each_group=lambda part: self.group_ready.emit(generation, part),
            )

        self.ops.read(self, load, self._show, doing=self.windowTitle(), on_failed=self._failed)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.status.setText(
            self.tr("The figures could not be counted: %1").replace("%1", cause(exc))
        )

    def _clear(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.panels = {}

    def _show_group(self, generation: int, part: Measures) -> None:
        if generation != self._generation:
            return  # a newer range or filter was asked for meanwhile
        if not self._parts:
            self._clear()
        self._parts.append(part)
        narrowed = bool(part.agency or part.locality)
        group = part.figures[0].figure.group if part.figures else ""
        heading = QLabel(group, self.body)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        heading.setAccessibleName(group)
        self.body_layout.addWidget(heading)
        for r in part.figures:
            panel = FigurePanel(r, narrowed, self.body)
            self.panels[r.figure.key] = panel
            self.body_layout.addWidget(panel)
        if self.first_shown_at is None:
            self.first_shown_at = time.perf_counter()
            self.first_shown.emit()

    def _show(self, result: tuple[int, Measures | None]) -> None:
        """Every group is in (each shown as it came): the summary line and ``loaded``."""
        generation, measures = result
        if generation != self._generation or measures is None:
            return  # a newer range or filter was asked for meanwhile
        self.measures = measures
        self.body_layout.addStretch(1)
        self.progress.setVisible(False)
        filters = [x for x in (measures.agency, measures.locality) if x]
        self.status.setText(
            self.tr(
                "%1 weeks, %2 to %3%4. Counted as of %5. The latest week is marked ◆; the "
                "dashed line is the median of the 52 weeks before it."
            )
            .replace("%1", str(len(measures.weeks)))
            .replace("%2", f"{measures.first_week:%d %b %Y}")
            .replace("%3", f"{measures.last_week:%d %b %Y}")
            .replace(
                "%4",
                self.tr(", narrowed to %1").replace("%1", " and ".join(filters)) if filters else "",
            )
            .replace("%5", f"{measures.as_of:%d %b %Y}")
        )
        self.loaded.emit(measures)

    # ------------------------------------------------------------------ the PDF
    def save_card(self, path: str | None = None) -> None:
        """Save the figures shown as the report-card PDF (``path``: no dialog, for tests)."""
        measures = self.measures
        if measures is None:
            return
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Save the report card"),
                f"report-card-{measures.first_week:%Y%m%d}-{measures.last_week:%Y%m%d}.pdf",
                self.tr("PDF (*.pdf)"),
            )
            if not path:
                return
        ctx, target = self.ctx, path

        def write() -> str:
            from frontdoor_app.access import audit
            from frontdoor_app.export.report_card import card_context, render_report_card

            pdf = render_report_card(
                measures, card_context(ctx.profile), generated_at=dt.datetime.now(dt.UTC)
            )
            with open(target, "wb") as out:
                out.write(pdf)
            audit.record_now(
                ctx.sessions,
                ctx.actor,
                "export",
                "measures",
                None,
                "saved on the measures screen",
                after={
                    "first_week": measures.first_week.isoformat(),
                    "last_week": measures.last_week.isoformat(),
                    "agency": measures.agency,
                    "locality": measures.locality,
                    "files": [target],
                },
            )
            return target

        self.ops.command(
            self,
            lambda _reason: write(),
            lambda p: self.status.setText(self.tr("Saved to %1").replace("%1", p)),
            doing=self.tr("Save the report card"),
        )
