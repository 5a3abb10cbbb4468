"""The admin's "People and access" screen: who may sign in, in which role and agency.

It calls the same functions as ``frontdoor users`` (``access.people``). On a shared server
each user is a login of its own; creating logins and changing passwords needs the server's
administrator rights, so a signed-in admin without them is told to ask for
``frontdoor users add`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
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

from frontdoor_app.access import people
from frontdoor_app.access.server_rules import APP_ROLES
from frontdoor_app.context import AppContext
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages, cause
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import label, make_table, offer

ROLE_WORDS = {
    "chair": "Chair",
    "representative": "Representative",
    "fgc_coordinator": "FGC coordinator",
    "admin": "Admin",
    "viewer": "Viewer",
}


def access_words(person: people.Person) -> str:
    if not person.active:
        return "Disabled"
    if person.can_log_in is False:
        return "Cannot sign in"
    return "Active"


def people_model(parent: QWidget | None = None) -> RowsModel[people.Person]:
    """One row a user; a disabled one greyed."""
    grey = QBrush(Qt.GlobalColor.darkGray)
    return RowsModel(
        [
            (translate("PeopleScreen", "Login"), lambda p: p.login),
            (translate("PeopleScreen", "Name"), lambda p: p.display_name),
            (translate("PeopleScreen", "Role"), lambda p: ROLE_WORDS.get(p.role, p.role)),
            (translate("PeopleScreen", "Agency"), lambda p: p.agency_code or "\u2014"),
            (translate("PeopleScreen", "Access"), access_words),
        ],
        parent=parent,
        key=lambda p: p.login,
        roles={Qt.ItemDataRole.ForegroundRole: lambda p: None if p.active else grey},
    )


class PeopleScreen(QWidget):
    """A table of users, a form to add one, and buttons for the one chosen in the table:
    disable their sign-in, give it back, set their password. Each button is usable only
    when it applies to the person chosen (its tooltip says why not)."""

    changed = Signal()

    def __init__(
        self, ctx: AppContext, worker: Worker, messages: Messages, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages = ctx, worker, messages or Messages()
        self.ops = Ops(worker, self.messages, ctx)
        self.server = not ctx.settings.is_embedded
        self.setWindowTitle(self.tr("People and access"))
        self.setObjectName("PeopleScreen")
        self.people: list[people.Person] = []
        column = QVBoxLayout(self)
        heading = label(self.tr("People and access"), self, "People and access")
        set_scaled_font(heading, 1.4, bold=True)
        column.addWidget(heading)
        where = (
            self.tr(
                "Shared server: each person signs in with their own login and "
                "password; the server enforces what each role may see and do."
            )
            if self.server
            else self.tr(
                "This computer's database: each person is chosen by their login; "
                "there are no passwords."
            )
        )
        column.addWidget(label(where, self))
        self.model = people_model(self)
        self.table = make_table(self.model, "People", self, stretch_column=1)
        column.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.disable_button = QPushButton(self.tr("&Disable sign-in"), self)
        self.disable_button.clicked.connect(self.disable_selected)
        self.enable_button = QPushButton(self.tr("Give access &back"), self)
        self.enable_button.clicked.connect(self.enable_selected)
        self.password_button = QPushButton(self.tr("Set &password…"), self)
        self.password_button.clicked.connect(self.set_password_selected)
        self.password_button.setVisible(self.server)
        buttons.addWidget(self.disable_button)
        buttons.addWidget(self.enable_button)
        buttons.addWidget(self.password_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addWidget(self._build_form())
        self.status = label("", self, "Status")
        column.addWidget(self.status)
        self.may = ctx.actor.role == "admin" or (not self.server and ctx.actor.role == "chair")
        self.form_box.setEnabled(self.may)
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self._chosen()
        if not self.may:
            self.status.setText(self.tr("Only an admin can change who has access."))

    def _build_form(self) -> QGroupBox:
        self.form_box = QGroupBox(self.tr("Add a person"), self)
        form = QFormLayout(self.form_box)
        self.login_edit = QLineEdit(self.form_box)
        self.login_edit.setPlaceholderText(self.tr("for example hsg.rao"))
        self.name_edit = QLineEdit(self.form_box)
        self.role_box = QComboBox(self.form_box)
        for role in APP_ROLES:
            self.role_box.addItem(self.tr(ROLE_WORDS[role]), role)
        self.role_box.setCurrentIndex(self.role_box.findData("representative"))
        self.agency_box = QComboBox(self.form_box)
        self.agency_box.addItem(self.tr("(none)"), None)  # the agencies come with the people
        self.password_edit = QLineEdit(self.form_box)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit(self.form_box)
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        for widget, name in (
            (self.login_edit, "Login"),
            (self.name_edit, "Name"),
            (self.role_box, "Role"),
            (self.agency_box, "Agency"),
            (self.password_edit, "Password"),
            (self.password_again, "Password again"),
        ):
            widget.setAccessibleName(name)
        form.addRow(self.tr("&Login"), self.login_edit)
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Role"), self.role_box)
        form.addRow(self.tr("A&gency"), self.agency_box)
        if self.server:
            form.addRow(self.tr("Pass&word"), self.password_edit)
            form.addRow(self.tr("Password a&gain"), self.password_again)
        else:
            self.password_edit.hide()
            self.password_again.hide()
        self.add_button = QPushButton(self.tr("&Add"), self.form_box)
        self.add_button.clicked.connect(self.add_person)
        form.addRow("", self.add_button)
        return self.form_box

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        self.ops.read(
            self,
            lambda s: (people.list_users(s), people.agency_choices(s)),
            self._show,
            doing=self.windowTitle(),
            on_failed=self._failed,
        )

    def _show(self, result: tuple[Sequence[people.Person], Sequence[people.AgencyChoice]]) -> None:
        found, agencies = result
        if self.agency_box.count() == 1:  # only "(none)": the first answer fills the list
            for agency in agencies:
                self.agency_box.addItem(f"{agency.name} ({agency.code})", agency.code)
        self.people = list(found)
        self.model.set_rows(self.people)  # the table fits its columns itself (make_table)
        self._chosen()  # the person chosen may have changed (disabled, or back)

    def selected(self) -> people.Person | None:
        rows = self.table.selectionModel().selectedRows()
        return self.people[rows[0].row()] if rows else None

    def _chosen(self, *_args: object) -> None:
        """The buttons for the person chosen: usable when they apply, else why not."""
        person = self.selected()
        first = (
            self.tr("Only an admin can change who has access.")
            if not self.may
            else self.tr("Choose a person in the table first.")
            if person is None
            else ""
        )
        off = back = first
        if person is not None and not first:
            if person.login == self.ctx.actor.login:
                off = self.tr("Nobody takes away their own access: another admin can.")
            elif not person.active:
                off = self.tr("%1 is disabled already.").replace("%1", person.login)
            if person.active and person.can_log_in is not False:
                back = self.tr("%1 can sign in.").replace("%1", person.login)
        offer(off, self.disable_button)
        offer(back, self.enable_button)
        offer(first, self.password_button)

    # ------------------------------------------------------------------ writes
    def _write(self, job: Callable[[], Any], done_text: str | Callable[[Any], str]) -> None:
        """Run ``job``; then say ``done_text`` (or what it makes of the job's answer)."""

        def done(result: Any) -> None:
            self.status.setText(done_text if isinstance(done_text, str) else done_text(result))
            self.changed.emit()
            self.refresh()

        self.ops.command(
            self, lambda _reason: job(), done, doing=self.windowTitle(), on_failed=self._failed
        )

    def add_person(self) -> None:
        login, name = self.login_edit.text().strip(), self.name_edit.text().strip()
        role, agency = self.role_box.currentData(), self.agency_box.currentData()
        password = None
        if self.server:
            password = self.password_edit.text()
            if password != self.password_again.text():
                self.status.setText(self.tr("The two passwords differ."))
                return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda: people.add_person(sessions, actor, login, name, role, agency, password),
            self.tr("Added %1.").replace("%1", login),
        )
        self.password_edit.clear()
        self.password_again.clear()

    def disable_selected(self) -> None:
        person = self.selected()
        if person is None:
            self.status.setText(self.tr("Choose a person in the table first."))
            return
        if not self.messages.ask(
            self,
            self.windowTitle(),
            self.tr("Stop %1 signing in? Their open sessions end now.").replace(
                "%1", person.display_name
            ),
        ):
            return
        sessions, actor, login = self.ctx.sessions, self.ctx.actor, person.login
        self._write(
            lambda: people.disable_person(sessions, actor, login),
            lambda done: (
                self.tr("%1 can no longer sign in.")
                if done.login_taken
                else self.tr(
                    "%1 can no longer read or change anything. Their server login stays "
                    "until the server's administrator removes it (`frontdoor users "
                    "disable %1`)."
                )
            ).replace("%1", login),
        )

    def enable_selected(self) -> None:
        person = self.selected()
        if person is None:
            self.status.setText(self.tr("Choose a person in the table first."))
            return
        sessions, actor, login = self.ctx.sessions, self.ctx.actor, person.login
        self._write(
            lambda: people.enable_person(sessions, actor, login),
            lambda done: (
                self.tr("%1 can sign in again.")
                if done.login_given
                else self.tr(
                    "%1 may read and change again what their role allows, once their "
                    "server login is open: ask the server's administrator to run "
                    "`frontdoor users enable %1`."
                )
            ).replace("%1", login),
        )

    def set_password_selected(self) -> None:
        person = self.selected()
        if person is None:
            self.status.setText(self.tr("Choose a person in the table first."))
            return
        password = self.password_edit.text()
        if password != self.password_again.text():
            self.status.setText(self.tr("Type the new password twice in the form below."))
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda: people.set_person_password(sessions, actor, person.login, password),
            self.tr("Password of %1 set.").replace("%1", person.login),
        )

    def _failed(self, exc: BaseException) -> None:
        text = cause(exc)
        if "permission denied" in text.lower() or "must have" in text.lower():
            text = self.tr(
                "This server lets only its database administrator create logins and "
                "set passwords: ask them to run `frontdoor users add`."
            )
        self.status.setText(text)
