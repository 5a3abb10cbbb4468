"""Case tab: each decision to share, or not to share, an agency's information, with its reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import AgencyOption, CaseView, SharingView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.reader_note import ReaderNote
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, fill_agencies, label, make_table
from frontdoor_app.ui.widgets.words import hhmm


def sharing_model() -> RowsModel[SharingView]:
    return RowsModel(
        [
            (translate("Sharing", "Agency"), lambda v: v.agency_name),
            (
                translate("Sharing", "Decision"),
                lambda v: (
                    translate("Sharing", "share")
                    if v.shared
                    else translate("Sharing", "do not share")
                ),
            ),
            (translate("Sharing", "With whom"), lambda v: v.with_whom or ""),
            (translate("Sharing", "Reason"), lambda v: v.reason),
            (translate("Sharing", "Time"), lambda v: hhmm(v.created_at)),
        ],
        describe=lambda v: (
            f"{v.agency_name}: {'share' if v.shared else 'do not share'} "
            f"{v.with_whom or ''} because {v.reason}"
        ),
    )


class SharingTab(QWidget):
    """Golden rule: the decision is recorded either way, always with the reason."""

    record_requested = Signal(dict)  # agency_id, shared, with_whom, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Sharing"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                self.tr(
                    "Information stays the property of the agency that gave "
                    "it. Record each decision to share it beyond the meeting, "
                    "or not to, and why."
                ),
                self,
            )
        )
        self.model = sharing_model()
        self.table = make_table(
            self.model,
            self.tr("Sharing decisions"),
            self,
            stretch_column=3,
            narrow={0: AGENCY_CHARS},
            empty=self.tr("No sharing decisions recorded for this case."),
        )
        layout.addWidget(self.table, 1)
        box = QGroupBox(self.tr("Record a sharing decision"), self)
        box.setAccessibleName(self.tr("Record a sharing decision"))
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.agency = QComboBox(box)
        self.agency.setAccessibleName(self.tr("Agency whose information it is"))
        self.shared = QComboBox(box)
        self.shared.setAccessibleName(self.tr("Share or not"))
        self.shared.addItem(self.tr("Share"), True)
        self.shared.addItem(self.tr("Do not share"), False)
        row.addWidget(self.agency, 1)
        row.addWidget(self.shared)
        form.addRow(self.tr("Agency:"), row)
        self.with_whom = QLineEdit(box)
        self.with_whom.setAccessibleName(self.tr("With whom"))
        self.with_whom.setPlaceholderText(self.tr("e.g. the school's designated safeguarding lead"))
        form.addRow(self.tr("With whom:"), self.with_whom)
        reason_row = QHBoxLayout()
        self.reason = QLineEdit(box)
        self.reason.setAccessibleName(self.tr("Reason for the sharing decision"))
        self.record = QPushButton(self.tr("Record decision"), box)
        self.record.setAccessibleName(self.tr("Record the sharing decision"))
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.record)
        form.addRow(self.tr("Reason:"), reason_row)
        layout.addWidget(box)
        self.box = box
        self.reader_note = ReaderNote(self, self.tr("sharing decisions"))
        layout.addWidget(self.reader_note)
        self.record.clicked.connect(self._record)
        self.reason.returnPressed.connect(self._record)

    def set_agencies(
        self, agencies: Sequence[AgencyOption], mine: int | None, can_choose: bool = True
    ) -> None:
        """A representative records their own agency's decisions (the domain refuses others)."""
        fill_agencies(self.agency, agencies, mine)
        self.agency.setEnabled(can_choose or mine is None)

    def set_writes(self, writes: bool, you: str) -> None:
        """The form for those who record sharing decisions; for anyone else, who does."""
        self.reader_note.show_for(self.box, writes, you)

    def show_case(self, case: CaseView) -> None:
        self.model.set_rows(case.sharing)

    def clear_form(self) -> None:
        self.with_whom.clear()
        self.reason.clear()

    def _record(self) -> None:
        self.record_requested.emit(
            {
                "agency_id": self.agency.currentData(),
                "shared": bool(self.shared.currentData()),
                "with_whom": self.with_whom.text().strip() or None,
                "reason": self.reason.text(),
            }
        )
