"""Case tab: what each agency knows, the victim's view and the child's voice; add for my agency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import AgencyOption, CaseView, IntelligenceView
from frontdoor_app.ui.case.waiting_rows import WaitingEntry, listed, waiting_words
from frontdoor_app.ui.core.conflict_view import Conflict, pairs
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.changed_notice import changed_notice
from frontdoor_app.ui.widgets.flow import FlowRow
from frontdoor_app.ui.widgets.reader_note import ReaderNote
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, fill_agencies, label, make_table, offer
from frontdoor_app.ui.widgets.words import hhmm

DRAFT_KIND = "intelligence"
KINDS = (
    ("agency", "Agency intelligence"),
    ("victim_view", "Victim's view"),
    ("child_voice", "Child's voice"),
)


def kind_word(kind: str) -> str:
    return translate("Intelligence", dict(KINDS).get(kind, kind))


def sharing_words(restricted: bool, may_share: bool, agency_code: str) -> str:
    """How far an entry may go, in words: a saved one, one typed, one waiting to be sent."""
    if restricted:
        return translate("Intelligence", "restricted: %1 only").replace("%1", agency_code)
    if may_share:
        return translate("Intelligence", "may share beyond meeting")
    return translate("Intelligence", "meeting only")


def sharing_word(entry: IntelligenceView | WaitingEntry) -> str:
    if isinstance(entry, WaitingEntry):
        words = sharing_words(entry.restricted, entry.may_share, entry.agency_code)
        return waiting_words(words)
    return sharing_words(
        entry.restricted, entry.may_share_beyond_meeting, entry.restricted_to_agency_code or ""
    )


def entry_conflict(mine: dict[str, Any], theirs: IntelligenceView) -> Conflict:
    """What the conflict view shows: the edit typed (``mine``, the form's content) beside
    the entry as it now stands."""
    t = translate
    restricted, may_share = bool(mine.get("restricted")), bool(mine.get("may_share"))
    my_sharing = sharing_words(restricted, may_share, theirs.agency_code)
    rows = [
        (t("Intelligence", "Entry"), str(mine.get("text", "")), theirs.text),
        (t("Intelligence", "Sharing"), my_sharing, sharing_word(theirs)),
    ]
    what = (
        t("Intelligence", "The entry by %1 (%2)")
        .replace("%1", theirs.author_name)
        .replace("%2", theirs.agency_code)
    )
    return Conflict(what, theirs.saved_by, hhmm(theirs.updated_at), pairs(rows))


Row = IntelligenceView | WaitingEntry  # a saved entry, or one waiting on this laptop
KIND_COLUMN = 1


def entry_model() -> RowsModel[Row]:
    return RowsModel(
        [
            (translate("Intelligence", "Agency"), lambda e: e.agency_name),
            (
                translate("Intelligence", "Kind"),
                lambda e: "" if e.kind == "agency" else kind_word(e.kind),
            ),
            (translate("Intelligence", "Author"), lambda e: e.author_name),
            (translate("Intelligence", "Time"), lambda e: hhmm(e.created_at)),
            (translate("Intelligence", "Entry"), lambda e: e.text),
            (translate("Intelligence", "Sharing"), sharing_word),
        ],
        describe=lambda e: (
            f"{e.agency_name}, {kind_word(e.kind)}, {e.author_name}: {e.text} ({sharing_word(e)})"
        ),
    )


class IntelligenceTab(QWidget):
    """The entries by agency, and a form to add one (Ctrl+I puts the cursor in it)."""

    save_requested = Signal(dict)  # kind, agency_id, text, may_share, restricted
    edit_requested = Signal(dict)  # entry_id, version (the one editing started from), ...
    see_change_requested = Signal()
    draft_changed = Signal(str, object)  # draft kind, content (None when cleared)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Intelligence"))
        # The entry being edited, as it was when editing started (None: adding a new one).
        # The edit is saved against that version, never against a live refresh's.
        self.editing: IntelligenceView | None = None
        self.agency_was_enabled = True
        layout = QVBoxLayout(self)
        self.model = entry_model()
        self.table = make_table(
            self.model,
            self.tr("Intelligence entries"),
            self,
            stretch_column=4,
            narrow={0: AGENCY_CHARS},
            empty=self.tr("Nothing shared yet: each agency's entry appears here once saved."),
        )
        layout.addWidget(self.table, 3)
        under = QHBoxLayout()
        self.hidden_note = label("", self, self.tr("Restricted entries note"))
        self.hidden_note.setObjectName("restrictedTag")
        self.edit = QPushButton(self.tr("Edit selected entry"), self)
        self.edit.setAccessibleName(self.tr("Edit the selected entry"))
        under.addWidget(self.hidden_note, 1)
        under.addWidget(self.edit)
        layout.addLayout(under)
        self.notice, self.see_change = changed_notice(self, layout)
        self.see_change.clicked.connect(self.see_change_requested.emit)

        box = QGroupBox(self.tr("+ Add for my agency (Ctrl+I)"), self)
        self.box = box
        box.setAccessibleName(self.tr("Add intelligence"))
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.kind = QComboBox(box)
        self.kind.setAccessibleName(self.tr("Kind of entry"))
        for code, words in KINDS:
            self.kind.addItem(translate("Intelligence", words), code)
        self.agency = QComboBox(box)
        self.agency.setAccessibleName(self.tr("Agency"))
        # As wide as the row allows, not the longest agency's name (a large system font).
        self.agency.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agency.setMinimumContentsLength(12)
        row.addWidget(self.kind)
        row.addWidget(self.agency, 1)
        form.addRow(self.tr("Kind and agency:"), row)
        self.text = QPlainTextEdit(box)
        self.text.setAccessibleName(self.tr("What your agency knows"))
        self.text.setPlaceholderText(self.tr("What your agency knows about this family"))
        self.text.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(lines * 3)
        self.text.setMaximumHeight(lines * 7)  # the entries above matter more than the box
        form.addRow(self.tr("Entry:"), self.text)
        # Side by side while they fit, wrapping with a large system font (``FlowRow``).
        flags = FlowRow()
        self.may_share = QCheckBox(self.tr("May be shared beyond the meeting"), box)
        self.may_share.setAccessibleName(self.tr("May be shared beyond the meeting"))
        self.restricted = QCheckBox(self.tr("Restricted to my agency (never projected)"), box)
        self.restricted.setAccessibleName(self.tr("Restricted to my agency"))
        self.save = QPushButton(self.tr("Save entry"), box)
        self.save.setAccessibleName(self.tr("Save intelligence entry"))
        flags.addWidget(self.may_share)
        flags.addWidget(self.restricted)
        self.cancel_edit = QPushButton(self.tr("Cancel edit"), box)
        self.cancel_edit.setAccessibleName(self.tr("Cancel the edit"))
        self.cancel_edit.hide()
        flags.add_right(self.cancel_edit)
        flags.add_right(self.save)
        form.addRow(flags)
        layout.addWidget(box)
        self.reader_note = ReaderNote(self, self.tr("entries"))
        layout.addWidget(self.reader_note)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._emit_draft)
        self._restoring = False
        self.text.textChanged.connect(self._typed)
        self.save.clicked.connect(self._save)
        self.edit.clicked.connect(self.start_editing)
        # Who may change which entry (``access.actor.may_change_entry``, from the window):
        # "Edit" is offered for those entries only, and says why not for the others.
        self.may_change: Callable[[IntelligenceView], bool] = lambda _entry: True
        # What of this case waits on the laptop to be sent (``waiting_rows``; the window's).
        self.waiting_for: Callable[[CaseView], Sequence[WaitingEntry]] = lambda _case: ()
        self.table.selectionModel().currentChanged.connect(lambda *_: self._offer_edit())
        self._offer_edit()
        self.cancel_edit.clicked.connect(self.stop_editing)
        self.restricted.toggled.connect(lambda on: self.may_share.setEnabled(not on))

    def set_agencies(
        self, agencies: Sequence[AgencyOption], mine: int | None, can_choose: bool
    ) -> None:
        fill_agencies(self.agency, agencies, mine)
        self.agency.setEnabled(can_choose or mine is None)

    def set_writes(self, writes: bool, you: str) -> None:
        """The add form for those who add entries; for anyone else, who does."""
        self.reader_note.show_for(self.box, writes, you)

    def show_case(self, case: CaseView) -> None:
        entries = case.intelligence + case.victim_views + case.child_voices
        saved = sorted(entries, key=lambda e: e.created_at)
        listed(self.model, saved, self.waiting_for(case), "edit_of")
        # The Kind column marks a victim's view or a child's voice: blank on every row of a
        # case that has neither (most cases), it is hidden there, leaving the entry its room.
        marked = any(row.kind != "agency" for row in self.model.rows)
        if self.table.isColumnHidden(KIND_COLUMN) == marked:
            self.table.setColumnHidden(KIND_COLUMN, not marked)
        if case.hidden_restricted:
            self.hidden_note.setText(
                self.tr("1 entry restricted to another agency is not shown to you.")
                if case.hidden_restricted == 1
                else self.tr(
                    "%1 entries restricted to other agencies are not shown to you."
                ).replace("%1", str(case.hidden_restricted))
            )
        else:
            self.hidden_note.setText("")
        if self.editing is not None and self.current() is None:
            self.stop_editing()  # another case: an edit of this one's entry cannot stay
        self._show_notice()
        self._offer_edit()

    # ------------------------------------------------------------------ editing an entry
    def set_editor(self, may_change: Callable[[IntelligenceView], bool]) -> None:
        self.may_change = may_change
        self._offer_edit()

    def _offer_edit(self) -> None:
        entry = self.selected()
        if entry is None and isinstance(self._row(), WaitingEntry):
            why = self.tr(
                "This is waiting on your laptop to be sent: it can be changed once the "
                "server has it."
            )
        elif entry is None:
            why = self.tr("Choose an entry in the table to edit it.")
        elif self.may_change(entry):
            why = ""
        else:
            why = self.tr(
                "Only the chair, the author or a colleague from %1 can change this entry."
            ).replace("%1", entry.agency_name)
        offer(why, self.edit)

    def selected(self) -> IntelligenceView | None:
        """The saved entry chosen in the table (None: none, or one waiting to be sent)."""
        row = self._row()
        return row if isinstance(row, IntelligenceView) else None

    def _row(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def start_editing(self, entry: IntelligenceView | None = None) -> None:
        """Put the selected entry (or ``entry``) in the form, to be saved against its
        version as it is now."""
        entry = entry if isinstance(entry, IntelligenceView) else self.selected()
        if entry is None:
            return
        self.editing = entry
        self._restoring = True
        try:
            self.text.setPlainText(entry.text)
            self.kind.setCurrentIndex(max(0, self.kind.findData(entry.kind)))
            self.agency.setCurrentIndex(max(0, self.agency.findData(entry.agency_id)))
            self.restricted.setChecked(entry.restricted)
            self.may_share.setChecked(entry.may_share_beyond_meeting)
        finally:
            self._restoring = False
        self._draft_timer.stop()
        self.kind.setEnabled(False)
        self.agency_was_enabled = self.agency.isEnabled()
        self.agency.setEnabled(False)
        self.box.setTitle(
            self.tr("Editing the entry by %1 (%2)")
            .replace("%1", entry.author_name)
            .replace("%2", hhmm(entry.created_at))
        )
        self.save.setText(self.tr("Save changes"))
        self.cancel_edit.show()
        self._show_notice()
        self.text.setFocus()

    def stop_editing(self) -> None:
        """Back to adding: the form is emptied."""
        if self.editing is None:
            return
        self.editing = None
        self.kind.setEnabled(True)
        self.agency.setEnabled(self.agency_was_enabled)
        self.box.setTitle(self.tr("+ Add for my agency (Ctrl+I)"))
        self.save.setText(self.tr("Save entry"))
        self.cancel_edit.hide()
        self.clear_form()
        self._show_notice()

    def rebase(self, theirs: IntelligenceView) -> None:
        """Keep what is typed, now as an edit of ``theirs``."""
        if self.editing is not None:
            self.editing = theirs
        self._show_notice()

    def current(self) -> IntelligenceView | None:
        """The entry being edited as the screen now shows it (maybe newer than ``editing``)."""
        if self.editing is None:
            return None
        editing = self.editing.id
        return next(
            (e for e in self.model.rows if e.id == editing and isinstance(e, IntelligenceView)),
            None,
        )

    def edit_content(self) -> dict[str, Any]:
        """What the edit would save, against the version editing started from."""
        assert self.editing is not None
        return {
            **self._content(),
            "entry_id": self.editing.id,
            "version": self.editing.version,
            "agency_id": self.editing.agency_id,
        }

    def _show_notice(self) -> None:
        now = self.current()
        if self.editing is None or now is None or now.version == self.editing.version:
            self.notice.hide()
            self.see_change.hide()
            return
        self.notice.setText(
            self.tr("Changed by %1 at %2 — see the change before you save.")
            .replace("%1", now.saved_by)
            .replace("%2", hhmm(now.updated_at))
        )
        self.notice.show()
        self.see_change.show()

    def focus_entry(self) -> None:
        self.text.setFocus()

    def restore_draft(self, content: Any) -> None:
        """Put back what was typed before a crash or a closed laptop."""
        if not isinstance(content, dict) or not content.get("text"):
            return
        self._restoring = True
        try:
            self.text.setPlainText(str(content["text"]))
            index = self.kind.findData(content.get("kind", "agency"))
            self.kind.setCurrentIndex(max(0, index))
            self.may_share.setChecked(bool(content.get("may_share")))
            self.restricted.setChecked(bool(content.get("restricted")))
        finally:
            self._restoring = False

    def clear_form(self) -> None:
        self._restoring = True
        try:
            self.text.clear()
            self.may_share.setChecked(False)
            self.restricted.setChecked(False)
            self.kind.setCurrentIndex(0)
        finally:
            self._restoring = False
        self._draft_timer.stop()

    def _typed(self) -> None:
        if not self._restoring and self.editing is None:  # a draft is of a new entry
            self._draft_timer.start()

    def flush_draft(self) -> None:
        """Save a pending draft now (before switching case or closing)."""
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self._emit_draft()

    def _content(self) -> dict[str, Any]:
        return {
            "text": self.text.toPlainText(),
            "kind": self.kind.currentData(),
            "may_share": self.may_share.isChecked(),
            "restricted": self.restricted.isChecked(),
        }

    def _emit_draft(self) -> None:
        content = self._content()
        self.draft_changed.emit(DRAFT_KIND, content if content["text"].strip() else None)

    def _save(self) -> None:
        if self.editing is not None:
            self.edit_requested.emit(self.edit_content())
            return
        content = self._content()
        content["agency_id"] = self.agency.currentData()
        self.save_requested.emit(content)

    def entry_label(self) -> QLabel:
        return self.hidden_note
