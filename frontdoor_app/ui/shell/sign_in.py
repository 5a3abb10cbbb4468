"""The sign-in dialog for a shared server: server, login, password, "remember", TLS.

``sign_in(settings, parent)`` returns the settings with a database URL carrying the
password in memory only, or None when the person cancels. A password kept in the OS
keyring is tried first, silently; the dialog opens when there is none or it is refused.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.access import signin
from frontdoor_app.access.signin import ServerAddress
from frontdoor_app.settings import Settings
from frontdoor_app.ui.core.theme import set_scaled_font


class SignInDialog(QDialog):
    def __init__(
        self, address: ServerAddress, problem: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in to the meeting server"))
        self.setObjectName("SignInDialog")
        self.address: ServerAddress = address
        self.password = ""
        self.note = ""
        column = QVBoxLayout(self)
        heading = QLabel(self.tr("Sign in"), self)
        set_scaled_font(heading, 1.4, bold=True)
        column.addWidget(heading)
        form = QFormLayout()
        self.host = QLineEdit(address.host, self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(address.port)
        self.database = QLineEdit(address.database, self)
        self.login = QLineEdit(address.login, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(
            self.tr("Remember the password on this computer (in the system's keyring)"), self
        )
        self.sslmode = QComboBox(self)
        self.sslmode.addItem(self.tr("Automatic (verify-full unless this computer)"), "")
        for mode in signin.SSLMODES:
            self.sslmode.addItem(mode, mode)
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(address.sslmode)))
        self.ca_file = QLineEdit(address.ca_file, self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        for widget, name in (
            (self.host, "Server"),
            (self.port, "Port"),
            (self.database, "Database"),
            (self.login, "Login"),
            (self.password_edit, "Password"),
            (self.sslmode, "Encryption"),
            (self.ca_file, "CA certificate file"),
        ):
            widget.setAccessibleName(name)
        form.addRow(self.tr("&Server"), self.host)
        form.addRow(self.tr("P&ort"), self.port)
        form.addRow(self.tr("&Database"), self.database)
        form.addRow(self.tr("&Login"), self.login)
        form.addRow(self.tr("&Password"), self.password_edit)
        form.addRow("", self.remember)
        form.addRow(self.tr("&Encryption (sslmode)"), self.sslmode)
        form.addRow(self.tr("CA certificate file"), ca_row)
        column.addLayout(form)
        self.problem = QLabel(problem, self)
        self.problem.setObjectName("SignInProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #9b1c1c; font-weight: bold;")
        self.problem.setVisible(bool(problem))
        column.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.sign_in_button = buttons.addButton(
            self.tr("Sign &in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        (self.password_edit if address.login else self.login).setFocus()

    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA certificate"), "", self.tr("Certificates (*.pem *.crt);;All (*)")
        )
        if path:
            self.ca_file.setText(path)

    def entered(self) -> ServerAddress:
        return ServerAddress(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            login=self.login.text().strip(),
            sslmode=self.sslmode.currentData() or "",
            ca_file=self.ca_file.text().strip(),
        )

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def try_sign_in(self) -> None:
        address, password = self.entered(), self.password_edit.text()
        if not address.host or not address.login:
            self.show_problem(self.tr("Fill in the server and your login."))
            return
        problem = signin.try_sign_in(address, password)
        if problem:
            self.show_problem(problem)
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return
        self.address, self.password = address, password
        if self.remember.isChecked():
            self.note = signin.keep_password(address, password) or ""
        else:
            signin.forget_password(address)
        self.accept()


def sign_in(settings: Settings, parent: QWidget | None = None) -> Settings | None:
    """The settings signed in to the shared server, or None when the person cancelled."""
    address = signin.address_from_url(settings.database_url)
    kept = signin.remembered(settings.data_dir)
    if kept is not None and kept.host == address.host and kept.database == address.database:
        address = dataclasses.replace(
            address,
            login=address.login or kept.login,
            sslmode=address.sslmode or kept.sslmode,
            ca_file=address.ca_file or kept.ca_file,
        )
    problem = ""
    if address.login:
        password = signin.saved_password(address)
        if password:
            problem = signin.try_sign_in(address, password) or ""
            if not problem:
                return settings.with_database(address.url(password))
    dialog = SignInDialog(address, problem, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    signin.remember(settings.data_dir, dialog.address)
    return settings.with_database(dialog.address.url(dialog.password))
