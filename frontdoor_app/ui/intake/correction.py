"""Correcting a quarantined notification: every field, each problem beside its field.

The admin edits the values, checks them (the same checks as an import), and imports the
record from here, or discards it with a reason. The record as sent stays visible below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.intake import quarantine as q
from frontdoor_app.intake.validate import Problem
from frontdoor_app.profile import NOTIFICATION_FIELDS, PERSON_FIELDS
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.core.worker import Worker


def field_label(name: str) -> str:
    labels = {
        "police_ref": translate("CorrectionDialog", "Police reference"),
        "force": translate("CorrectionDialog", "Force"),
        "received_at": translate("CorrectionDialog", "Received at"),
        "incident_at": translate("CorrectionDialog", "Incident at"),
        "incident_type": translate("CorrectionDialog", "Incident type"),
        "offence": translate("CorrectionDialog", "Offence"),
        "dash_risk": translate("CorrectionDialog", "DASH risk"),
        "dash_yes": translate("CorrectionDialog", "DASH 'yes' answers"),
        "address": translate("CorrectionDialog", "Address"),
        "postcode": translate("CorrectionDialog", "Postcode"),
        "children_present": translate("CorrectionDialog", "Children present (Y/N)"),
        "weapon": translate("CorrectionDialog", "Weapon (Y/N)"),
        "alcohol": translate("CorrectionDialog", "Alcohol (Y/N)"),
        "drugs": translate("CorrectionDialog", "Drugs (Y/N)"),
        "pregnancy": translate("CorrectionDialog", "Pregnancy (Y/N)"),
        "narrative": translate("CorrectionDialog", "Narrative"),
        "officer": translate("CorrectionDialog", "Officer"),
        "person_role": translate("CorrectionDialog", "Role"),
        "surname": translate("CorrectionDialog", "Surname"),
        "forenames": translate("CorrectionDialog", "Forenames"),
        "dob": translate("CorrectionDialog", "Date of birth"),
        "age": translate("CorrectionDialog", "Age"),
        "gender": translate("CorrectionDialog", "Gender"),
        "relationship_to_victim": translate("CorrectionDialog", "Relationship to victim"),
        "person_address": translate("CorrectionDialog", "Lives at"),
        "person_postcode": translate("CorrectionDialog", "Postcode lived at"),
        "school": translate("CorrectionDialog", "School"),
        "nhs_number": translate("CorrectionDialog", "NHS number"),
        "pnc_id": translate("CorrectionDialog", "PNC id"),
    }
    return labels.get(name, name)


class FieldRow(QWidget):
    """One field's editor with its problem (a word and a sign, not only a colour) beneath."""

    def __init__(self, name: str, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.editor: QLineEdit | QPlainTextEdit
        if name == "narrative":
            self.editor = QPlainTextEdit(value, self)
            self.editor.setMaximumHeight(110)
        else:
            self.editor = QLineEdit(value, self)
        self.editor.setAccessibleName(field_label(name))
        self.editor.setObjectName(f"field_{name}")
        layout.addWidget(self.editor)
        self.problem = QLabel("", self)
        self.problem.setObjectName("fieldProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.problem)

    def value(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def set_value(self, value: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(value)
        else:
            self.editor.setText(value)

    def show_problems(self, problems: Sequence[Problem]) -> None:
        text = "\n".join(
            f"⚠ {p.message}"
            + (" (" + translate("CorrectionDialog", "was") + f" {p.value!r})" if p.value else "")
            for p in problems
        )
        self.problem.setText(text)
        self.problem.setVisible(bool(problems))
        self.editor.setProperty("problem", bool(problems))
        self.editor.setAccessibleDescription(text)


class CorrectionDialog(QDialog):
    """Opened on one quarantined record; emits ``resolved`` when it was imported or discarded."""

    resolved = Signal(str)  # "imported" | "discarded"

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        draft: q.Draft,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.draft = ctx, worker, messages, draft
        self.ops = Ops(worker, messages, ctx)
        self.setObjectName("correctionDialog")
        ref = draft.police_ref or self.tr("(no reference)")
        self.setWindowTitle(self.tr("Correct quarantined notification {0}").format(ref))
        self.resize(920, 760)
        self.busy = False
        outer = QVBoxLayout(self)
        heading = QLabel(
            (
                self.tr("Notification {0} from {1}, line {2}")
                if len(draft.lines) == 1
                else self.tr("Notification {0} from {1}, lines {2}")
            ).format(ref, draft.file_name, ", ".join(str(n) for n in draft.lines)),
            self,
        )
        heading.setObjectName("correctionHeading")
        set_scaled_font(heading, 1.2, bold=True)
        outer.addWidget(heading)
        self.general = QLabel("", self)
        self.general.setObjectName("generalProblems")
        self.general.setWordWrap(True)
        outer.addWidget(self.general)
        self.fields_scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        self.body_layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.notification_rows: dict[str, FieldRow] = {}
        box = QGroupBox(self.tr("Notification"), body)
        form = QFormLayout(box)
        for name in NOTIFICATION_FIELDS:
            row = FieldRow(name, str(draft.notification.get(name, "")), box)
            self.notification_rows[name] = row
            form.addRow(field_label(name), row)
        self.body_layout.addWidget(box)
        self.person_rows: list[dict[str, FieldRow]] = []
        self.person_boxes: list[QGroupBox] = []
        for person in draft.persons or ({},):
            self._add_person(person)
        add = QPushButton(self.tr("&Add a person"), body)
        add.clicked.connect(lambda: self._add_person({}))
        self.body_layout.addWidget(add)
        sent = QGroupBox(self.tr("As sent by the police (kept unchanged)"), body)
        sent_layout = QVBoxLayout(sent)
        self.raw = QPlainTextEdit(draft.raw_text, sent)
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName(self.tr("The record as sent"))
        self.raw.setMaximumHeight(140)
        sent_layout.addWidget(self.raw)
        self.body_layout.addWidget(sent)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("&Check"), self)
        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setDefault(True)
        self.discard_button = QPushButton(self.tr("&Discard…"), self)
        self.cancel_button = QPushButton(self.tr("Close"), self)
        for button in (self.check_button, self.import_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.import_record)
        self.discard_button.clicked.connect(self.discard)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.import_record)
        self.show_problems(draft.problems)

    def _add_person(self, values: Mapping[str, str]) -> None:
        number = len(self.person_rows) + 1
        box = QGroupBox(self.tr("Person {0}").format(number), self.body_layout.parentWidget())
        form = QFormLayout(box)
        rows: dict[str, FieldRow] = {}
        for name in PERSON_FIELDS:
            row = FieldRow(name, str(values.get(name, "")), box)
            rows[name] = row
            form.addRow(field_label(name), row)
        self.person_rows.append(rows)
        self.person_boxes.append(box)
        self.body_layout.insertWidget(len(self.person_boxes), box)

    # --- values and problems

    def values(self) -> tuple[dict[str, str], list[dict[str, str]]]:
        note = {name: row.value() for name, row in self.notification_rows.items()}
        persons = [{name: row.value() for name, row in rows.items()} for rows in self.person_rows]
        return note, persons

    def field(self, name: str, person: int | None = None) -> FieldRow:
        return self.notification_rows[name] if person is None else self.person_rows[person][name]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Each problem beside its field; those of no one field at the top."""
        by_field: dict[tuple[str, int | None], list[Problem]] = {}
        general: list[Problem] = []
        for p in problems:
            if p.person is None and p.field in self.notification_rows:
                by_field.setdefault((p.field, None), []).append(p)
            elif (
                p.person is not None
                and p.person < len(self.person_rows)
                and (p.field in self.person_rows[p.person])
            ):
                by_field.setdefault((p.field, p.person), []).append(p)
            else:
                general.append(p)
        for name, row in self.notification_rows.items():
            row.show_problems(by_field.get((name, None), []))
        for index, rows in enumerate(self.person_rows):
            for name, row in rows.items():
                row.show_problems(by_field.get((name, index), []))
        lines = [
            f"⚠ {p.field}: {p.message}" + (f" ({p.value})" if p.value else "") for p in general
        ]
        placed = [(name, person) for (name, person) in by_field]
        if placed:
            where = [
                field_label(name)
                if person is None
                else self.tr("Person {0}: {1}").format(person + 1, field_label(name))
                for name, person in placed
            ]
            lines.insert(
                0,
                (
                    self.tr("⚠ 1 problem to correct, shown beside its field: {1}")
                    if len(problems) == 1
                    else self.tr("⚠ {0} problems to correct, each shown beside its field: {1}")
                ).format(len(problems), "; ".join(where)),
            )
        self.general.setText("\n".join(lines))
        self.general.setVisible(bool(lines))
        self.problem_count = len(problems)
        if placed:
            first = self.field(*placed[0])
            first.editor.setFocus()
            self.fields_scroll.ensureWidgetVisible(first)

    # --- actions

    def check(self) -> list[Problem]:
        note, persons = self.values()
        problems = q.check_correction(note, persons)
        self.show_problems(problems)
        if not problems:
            self.general.setText(self.tr("✓ No problems: the record can be imported."))
            self.general.setVisible(True)
        return problems

    def import_record(self) -> None:
        if self.busy:
            return
        note, persons = self.values()
        ctx, draft = self.ctx, self.draft

        def job() -> q.Correction:
            return q.correct_and_import(
                ctx.sessions, ctx.profile, ctx.actor, draft.record_id, draft.version, note, persons
            )

        self._run(job, self._imported)

    def _imported(self, result: Any) -> None:
        self._idle()
        assert isinstance(result, q.Correction)
        if not result.imported:
            self.show_problems(result.problems)
            self.messages.warning(
                self,
                self.tr("Not imported yet"),
                (
                    self.tr("1 problem remains; it is shown beside its field.")
                    if len(result.problems) == 1
                    else self.tr("{0} problems remain; each is shown beside its field.")
                ).format(len(result.problems)),
            )
            return
        self.resolved.emit("imported")
        self.accept()

    def discard(self) -> None:
        if self.busy:
            return
        reason = ask_discard_reason(self.messages, self)
        if reason is None:
            return
        ctx, draft = self.ctx, self.draft
        self._run(
            lambda: q.discard(ctx.sessions, ctx.actor, draft.record_id, draft.version, reason),
            self._discarded,
        )

    def _discarded(self, _row: Any) -> None:
        self._idle()
        self.resolved.emit("discarded")
        self.accept()

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.busy = True
        for button in (self.import_button, self.discard_button, self.check_button):
            button.setEnabled(False)
        self.ops.command(
            self,
            lambda _reason: job(),
            done,
            doing=self.tr("Could not save"),
            on_failed=self._failed,
        )

    def _idle(self) -> None:
        self.busy = False
        for button in (self.import_button, self.discard_button, self.check_button):
            button.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self._idle()
        self.ops.report(self, self.tr("Could not save"), error)


def ask_discard_reason(messages: Messages, parent: QWidget) -> str | None:
    """The reason a quarantined record is discarded (kept with it); None when not given."""
    reason = messages.text(
        parent,
        translate("Import", "Discard this record"),
        translate("Import", "Why is it discarded? (kept with the record)"),
    )
    if reason is None:
        return None
    if not reason.strip():
        messages.warning(
            parent,
            translate("Import", "Not discarded"),
            translate("Import", "A reason is needed to discard a record."),
        )
        return None
    return reason
