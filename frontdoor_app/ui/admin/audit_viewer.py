"""The audit viewer (admins): who did what to which record, newest first, a page at a time
from SQL; the selected row's change as before -> after; the filtered rows saved as CSV."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.access.audit_view import (
    PAGE_SIZE,
    AuditFilter,
    AuditPage,
    AuditRow,
    require_admin,
    view_page,
)
from frontdoor_app.access.audit_view import (
    export_csv as write_audit_csv,
)
from frontdoor_app.context import AppContext
from frontdoor_app.models.journal import AUDIT_ACTIONS
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import make_table

ANY = "Any"


def _change_text(r: AuditRow) -> str:
    if r.redacted:
        return translate("AuditViewer", "(removed by retention)")
    return "; ".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in r.changes)


def _change_cell(r: AuditRow) -> str:
    text = _change_text(r)
    return text if len(text) < 90 else text[:88] + "…"


def audit_model(parent: Any = None) -> RowsModel[AuditRow]:
    """Newest first; the change column is cut short, its tooltip has it whole."""
    return RowsModel(
        [
            (
                translate("AuditViewer", "When"),
                lambda r: r.at.astimezone().strftime("%d %b %Y %H:%M:%S"),
            ),
            (translate("AuditViewer", "User"), lambda r: r.user_login),
            (translate("AuditViewer", "Action"), lambda r: r.action),
            (
                translate("AuditViewer", "Record"),
                lambda r: f"{r.entity.replace('_', ' ')} {r.entity_id or ''}".strip(),
            ),
            (translate("AuditViewer", "Detail"), lambda r: r.detail),
            (translate("AuditViewer", "Change"), _change_cell, _change_text),
        ],
        parent=parent,
    )


def diff_html(r: AuditRow) -> str:
    """The row's change as a two-column table: what it was, what it became."""
    from html import escape

    head = (
        f"<p><b>{escape(r.action)}</b> of <b>{escape(r.entity.replace('_', ' '))} "
        f"{r.entity_id or ''}</b> by {escape(r.user_login)} at "
        f"{r.at.astimezone():%d %b %Y %H:%M:%S}</p>"
    )
    if r.detail:
        head += f"<p>{escape(r.detail)}</p>"
    if r.redacted:
        return (
            head + "<p><i>The personal content of this row was removed by retention; its "
            "hash is kept, so the chain still verifies.</i></p>"
        )
    if not r.changes:
        return head + "<p><i>No field values recorded (a view, export or print).</i></p>"
    rows = "".join(
        f"<tr><td><b>{escape(c.field)}</b></td>"
        f"<td style='background:#fde8e8'>{escape(c.before) or '—'}</td>"
        f"<td style='background:#e6f4ea'>{escape(c.after) or '—'}</td></tr>"
        for c in r.changes
    )
    return (
        head + "<table cellpadding='4' cellspacing='0' border='1' width='100%'>"
        "<tr><th align='left'>Field</th><th align='left'>Before</th>"
        f"<th align='left'>After</th></tr>{rows}</table>"
    )


class AuditViewerScreen(QWidget):
    def __init__(
        self, ctx: AppContext, worker: Worker, messages: Messages, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        require_admin(ctx.actor)
        self.ctx, self.worker, self.messages = ctx, worker, messages
        self.ops = Ops(worker, messages, ctx)
        self.offset = 0
        self.page: AuditPage | None = None
        self.starts: list[int] = []  # where each newer page began (for "Newer")
        self.setWindowTitle(translate("AuditViewer", "Audit trail"))
        self.setAccessibleName(translate("AuditViewer", "Audit trail"))
        layout = QVBoxLayout(self)
        layout.addWidget(self._filters())
        self.model = audit_model(self)
        self.table = make_table(
            self.model, translate("AuditViewer", "Audit rows"), self, stretch_column=5
        )
        self.table.selectionModel().currentRowChanged.connect(self._show_row)
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(translate("AuditViewer", "Before and after"))
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([520, 220])
        layout.addWidget(split, 1)
        nav = QHBoxLayout()
        self.newer = QPushButton(translate("AuditViewer", "◀ Newer"), self)
        self.older = QPushButton(translate("AuditViewer", "Older ▶"), self)
        self.position = QLabel("", self)
        self.export = QPushButton(translate("AuditViewer", "Export CSV…"), self)
        self.newer.clicked.connect(self.go_newer)
        self.older.clicked.connect(self.go_older)
        self.export.clicked.connect(self.export_csv)
        nav.addWidget(self.newer)
        nav.addWidget(self.older)
        nav.addWidget(self.position, 1)
        nav.addWidget(self.export)
        layout.addLayout(nav)
        self.go(0)

    def _filters(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.user = QLineEdit(box)
        self.household = QLineEdit(box)
        self.person = QLineEdit(box)
        self.case = QLineEdit(box)
        self.action = QComboBox(box)
        self.action.addItems([ANY, *AUDIT_ACTIONS])
        day = self.ctx.profile.today()
        today = QDate(day.year, day.month, day.day)
        self.use_dates = QCheckBox(translate("AuditViewer", "Between"), box)
        self.date_from = QDateEdit(today.addDays(-30), box)
        self.date_to = QDateEdit(today, box)
        for date_edit in (self.date_from, self.date_to):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("dd MMM yyyy")
        for field, (text, widget) in enumerate(
            [
                (translate("AuditViewer", "User"), self.user),
                (translate("AuditViewer", "Household id"), self.household),
                (translate("AuditViewer", "Person id"), self.person),
                (translate("AuditViewer", "Case (agenda item) id"), self.case),
            ]
        ):
            form = QFormLayout()
            form.addRow(text, widget)
            widget.setAccessibleName(text)
            grid.addLayout(form, 0, field)
        form = QFormLayout()
        form.addRow(translate("AuditViewer", "Action"), self.action)
        grid.addLayout(form, 1, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(translate("AuditViewer", "and"), box))
        dates.addWidget(self.date_to)
        grid.addLayout(dates, 1, 1, 1, 2)
        apply = QPushButton(translate("AuditViewer", "Show"), box)
        apply.setDefault(True)
        apply.clicked.connect(lambda: self.go(0))
        grid.addWidget(apply, 1, 3)
        for edit in (self.user, self.household, self.person, self.case):
            edit.returnPressed.connect(lambda: self.go(0))
        return box

    def current_filter(self) -> AuditFilter:
        def number(edit: QLineEdit, what: str) -> int | None:
            text = edit.text().strip()
            if not text:
                return None
            if not text.isdigit():
                raise ValueError(
                    translate("AuditViewer", "{what} must be a number, not {text!r}").format(
                        what=what, text=text
                    )
                )
            return int(text)

        dates = self.use_dates.isChecked()
        # PySide6's stubs type QDate.toPython() as ``object``; it returns a datetime.date.
        return AuditFilter(
            user_login=self.user.text().strip() or None,
            household_id=number(self.household, translate("AuditViewer", "The household id")),
            person_id=number(self.person, translate("AuditViewer", "The person id")),
            case_id=number(self.case, translate("AuditViewer", "The case id")),
            action=None if self.action.currentText() == ANY else self.action.currentText(),
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
        )

    def go_older(self) -> None:
        if self.page is not None and self.page.rows:
            # Keyset paging: the rows older than this page's last (an index seek).
            self.starts.append(self.page.rows[0].id + 1)
            self.go(self.offset + PAGE_SIZE, self.page.rows[-1].id)

    def go_newer(self) -> None:
        if self.starts:
            start = self.starts.pop()
            self.go(max(0, self.offset - PAGE_SIZE), start if self.starts else None)

    def go(self, offset: int, before_id: int | None = None) -> None:
        try:
            f = self.current_filter()
        except ValueError as exc:
            self.messages.error(self, translate("AuditViewer", "Audit trail"), str(exc))
            return
        if offset == 0 and before_id is None:
            self.starts = []
        sessions, actor = self.ctx.sessions, self.ctx.actor
        # A read that records its viewing in the trail: a command.
        self.ops.command(
            self,
            lambda _reason: view_page(sessions, actor, f, offset, before_id),
            self._loaded,
            doing=translate("AuditViewer", "Audit trail"),
        )

    def _loaded(self, page: AuditPage) -> None:
        self.page, self.offset = page, page.offset
        self.model.set_rows(page.rows)
        last = page.offset + len(page.rows)
        self.position.setText(
            translate("AuditViewer", "{a}–{b} of {n} rows, newest first").format(
                a=page.offset + 1 if page.rows else 0, b=last, n=page.total_text
            )
        )
        self.newer.setEnabled(page.offset > 0)
        self.older.setEnabled(last < page.total)
        if page.rows:
            self.table.selectRow(0)
        else:
            self.detail.setHtml(translate("AuditViewer", "<p>No audit rows match.</p>"))

    def _show_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.row_at(current.row())
        if r is not None:
            self.detail.setHtml(diff_html(r))

    def export_csv(self, path: str | None = None) -> int:
        """Save every filtered row (not just this page) as CSV; returns how many."""
        if path is None:
            stamp = self.ctx.profile.today().isoformat()
            path, _ = QFileDialog.getSaveFileName(
                self,
                translate("AuditViewer", "Export the audit rows"),
                f"audit-{stamp}.csv",
                "CSV (*.csv)",
            )
            if not path:
                return 0
        f = self.current_filter()
        # Synchronous: the caller is told how many rows were written (the domain runs it
        # in one unit of work).
        with open(path, "w", newline="", encoding="utf-8") as out:
            count = write_audit_csv(self.ctx.sessions, self.ctx.actor, f, out)
        self.messages.info(
            self,
            translate("AuditViewer", "Audit trail"),
            translate("AuditViewer", "{n} rows saved to {path}.").format(n=count, path=path),
        )
        return count
