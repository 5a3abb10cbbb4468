"""Case tab: the household's timeline, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import CaseView, HistoryEvent
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import label, make_table
from frontdoor_app.ui.widgets.words import day

if TYPE_CHECKING:  # the intake's links module (and its name keys) loads when links are read
    from frontdoor_app.intake.links import MatchRow

KIND_WORDS = {
    "notification": "Notification",
    "meeting": "Meeting",
    "action": "Action",
    "fgc": "FGC",
}


def kind_word(event: HistoryEvent) -> str:
    return translate("History", KIND_WORDS.get(event.kind, event.kind))


def history_model() -> RowsModel[HistoryEvent]:
    return RowsModel(
        [
            (translate("History", "Date"), lambda e: day(e.at)),
            (translate("History", "What"), kind_word),
            (translate("History", "Who or reference"), lambda e: e.title),
            (translate("History", "Detail"), lambda e: e.detail),
            (translate("History", "Status"), lambda e: (e.status or "").replace("_", " ")),
        ],
        describe=lambda e: (
            f"{day(e.at)}: {kind_word(e)}"
            + (f" · {e.title}".replace("\n", ", ") if e.title else "")
            + f". {e.detail} {e.status or ''}"
        ),
    )


def links_model() -> RowsModel[MatchRow]:
    return RowsModel(
        [
            (translate("History", "Role"), lambda m: m.role.replace("_", " ")),
            # The name above the date of birth: two narrow columns leave "Why" the room.
            (
                translate("History", "As the police sent"),
                lambda m: f"{m.incoming.name}\nborn {m.incoming.born}",
            ),
            (translate("History", "Linked to"), lambda m: f"{m.known.name}\nborn {m.known.born}"),
            (translate("History", "Score"), lambda m: f"{m.score:.2f}"),
            (translate("History", "Why"), lambda m: "; ".join(m.reasons)),
            (translate("History", "Status"), lambda m: f"{m.status} ({m.decided_by})"),
        ],
        describe=lambda m: f"{m.incoming.name} linked to {m.known.name}: {'; '.join(m.reasons)}",
    )


def needed_height(view: QTableView) -> int:
    """The height that shows every row of ``view`` with no scrolling (at least three rows'
    worth, where an empty table says what it is)."""
    rows = view.verticalHeader().length()
    least = 3 * view.verticalHeader().defaultSectionSize()
    return max(rows, least) + view.horizontalHeader().height() + 2 * view.frameWidth()


class HistoryTab(QWidget):
    """The timeline, and the person links that brought it up (each can be undone)."""

    links_wanted = Signal(int)  # notification id
    undo_requested = Signal(object)  # MatchRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("History"))
        layout = QVBoxLayout(self)
        self.caption = label("", self, self.tr("History summary"))
        layout.addWidget(self.caption)
        self.model = history_model()
        self.table = make_table(self.model, self.tr("Household history"), self, stretch_column=3)
        # The timeline above, the links below, in a splitter the chair can drag, its height
        # shared by what each table's rows need (``share_height``): a family's five people
        # are not cut short under a timeline with room to spare, nor the reverse.
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.table)
        self.below = below = QWidget(self.split)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        self.links_caption = label(
            self.tr("How the people in this notification were matched to people already known:"),
            below,
        )
        below_layout.addWidget(self.links_caption)
        self.links = links_model()
        self.links_table = make_table(self.links, self.tr("Person links"), below, stretch_column=4)
        below_layout.addWidget(self.links_table, 1)
        self.split.addWidget(below)
        layout.addWidget(self.split, 1)
        self.dragged = False  # the chair moved the divider: kept until the next case
        self.split.splitterMoved.connect(self._dragged)
        self._share = QTimer(self)
        self._share.setSingleShot(True)
        self._share.setInterval(0)
        self._share.timeout.connect(self.share_height)
        for view in (self.table, self.links_table):
            # after the rows are measured at their columns' widths (new rows, a new width)
            view.rows_fitted.connect(self._share_later)
        self.split.installEventFilter(self)
        row = QHBoxLayout()
        row.addStretch(1)
        self.undo = QPushButton(self.tr("Undo the selected link…"), self)
        self.undo.setAccessibleName(self.tr("Undo the selected person link"))
        row.addWidget(self.undo)
        layout.addLayout(row)
        self.undo.clicked.connect(self._undo)
        self.notification_id: int | None = None
        self.links_for: int | None = None  # the notification whose links are shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.split and event.type() == QEvent.Type.Resize:
            self._share_later()
        return False

    def _share_later(self, *_: object) -> None:
        self._share.start()

    def _dragged(self, _pos: int, _index: int) -> None:
        self.dragged = True

    def share_height(self) -> None:
        """The splitter's height between the timeline and the links, by what their rows
        need: the links all they need where that leaves the timeline its rows or half the
        room (the timeline the rest, the links then just above the button that undoes
        one); else a timeline that fits in half all it needs and the links the rest; else
        half each. The longer one scrolls."""
        if self.dragged or not self.split.isVisible():
            return
        room = sum(self.split.sizes())
        if room <= 0:
            return
        extra = self.below.height() - self.links_table.height()  # its caption, as laid out
        timeline, links = needed_height(self.table), needed_height(self.links_table) + extra
        if links <= max(room - timeline, room // 2):
            top = room - links
        elif timeline <= room // 2:
            top = timeline
        else:
            top = room // 2
        self.split.setSizes([top, room - top])

    def want_links(self) -> None:
        """Ask for the links of the case on screen, once per case."""
        if self.notification_id is not None and self.links_for != self.notification_id:
            self.links_for = self.notification_id
            self.links_wanted.emit(self.notification_id)

    def show_links(self, notification_id: int, rows: list[MatchRow]) -> None:
        if notification_id == self.notification_id:
            self.links.set_rows(rows)

    def _undo(self) -> None:
        row = self.links.row_at(self.links_table.currentIndex().row())
        if row is not None:
            self.undo_requested.emit(row)

    def show_case(self, case: CaseView) -> None:
        if case.incident.notification_id != self.notification_id:
            self.notification_id = case.incident.notification_id
            self.links_for = None
            self.dragged = False
            self.links.set_rows(())
        self.model.set_rows(case.history)
        if case.history:
            self.caption.setText(
                self.tr("%1 earlier events for this household, newest first").replace(
                    "%1", str(len(case.history))
                )
            )
        else:
            self.caption.setText(
                self.tr("No earlier history: this household is new to the front door.")
            )
