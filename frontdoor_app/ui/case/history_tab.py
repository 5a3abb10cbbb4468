"""Case tab: the household's timeline, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

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
        # Half each: at 1280x720, two thirds for the timeline left its rows room to spare
        # and the links below two and a half of a family's five people.
        layout.addWidget(self.table, 1)
        self.links_caption = label(
            self.tr("How the people in this notification were matched to people already known:"),
            self,
        )
        layout.addWidget(self.links_caption)
        self.links = links_model()
        self.links_table = make_table(self.links, self.tr("Person links"), self, stretch_column=4)
        layout.addWidget(self.links_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.undo = QPushButton(self.tr("Undo the selected link…"), self)
        self.undo.setAccessibleName(self.tr("Undo the selected person link"))
        row.addWidget(self.undo)
        layout.addLayout(row)
        self.undo.clicked.connect(self._undo)
        self.notification_id: int | None = None
        self.links_for: int | None = None  # the notification whose links are shown

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
