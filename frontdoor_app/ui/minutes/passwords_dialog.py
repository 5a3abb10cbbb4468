"""The per-agency copies' passwords, shown once: copy to the clipboard or print, then gone.

The passwords are held only by this dialog (never written to the database, the audit trail,
a log or a file); closing it forgets them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class CopyPassword:
    """One encrypted per-agency copy: the agency, the file written and its password."""

    agency: str
    path: str
    password: str


class CopyPasswordsDialog(QDialog):
    """Each agency's password for its encrypted copy, with Copy and Print."""

    def __init__(self, copies: list[CopyPassword], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copies = sorted(copies, key=lambda c: c.agency)
        self.setObjectName("copyPasswordsDialog")
        self.setWindowTitle(self.tr("Passwords for the per-agency copies"))
        self.setModal(True)
        self.explanation = QLabel(
            self.tr(
                "Each agency's copy of the minutes is encrypted (AES-256) and opens only with "
                "its password below.\n"
                "These passwords are shown only now: they are not stored anywhere, not in the "
                "database, the audit trail or a file. Copy or print them before you close this "
                "window.\n"
                "Send each password by a different route than the file (for example by phone "
                "or a separate message), never in the same e-mail."
            )
        )
        self.explanation.setObjectName("copyPasswordsExplanation")
        self.explanation.setWordWrap(True)
        self.table = QTableWidget(len(self.copies), 3)
        self.table.setObjectName("copyPasswordsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Agency"), self.tr("Password"), self.tr("File")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for row, copy in enumerate(self.copies):
            for column, text in enumerate((copy.agency, copy.password, Path(copy.path).name)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setFont(mono)  # a password read out or typed: 0/O, 1/l distinct
                item.setToolTip(copy.path)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Passwords, one row per agency"))
        self.copy_button = QPushButton(self.tr("&Copy all"))
        self.copy_button.setObjectName("copyPasswordsCopy")
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setObjectName("copyPasswordsPrint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.print_button.clicked.connect(self.print_sheet)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 200 + 30 * len(self.copies))

    def password_for(self, agency: str) -> str:
        """The password shown on the agency's row (what the admin reads off the screen)."""
        for row in range(self.table.rowCount()):
            agency_item, password_item = self.table.item(row, 0), self.table.item(row, 1)
            if agency_item is not None and agency_item.text() == agency:
                return password_item.text() if password_item is not None else ""
        raise KeyError(agency)

    def as_text(self) -> str:
        lines = [f"{c.agency}\t{c.password}\t{c.path}" for c in self.copies]
        return "\n".join(lines) + "\n"

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())

    def sheet(self) -> QTextDocument:
        """The printable sheet: the same warning and one row per agency."""
        rows = "".join(
            f"<tr><td>{html.escape(c.agency)}</td><td><tt>{html.escape(c.password)}</tt></td>"
            f"<td>{html.escape(c.path)}</td></tr>"
            for c in self.copies
        )
        text = html.escape(self.explanation.text()).replace("\n", "<br>")
        heads = "".join(
            f"<th>{html.escape(h)}</th>"
            for h in (self.tr("Agency"), self.tr("Password"), self.tr("File"))
        )
        document = QTextDocument()
        document.setHtml(
            f"<h2>{html.escape(self.windowTitle())}</h2><p>{text}</p>"
            f"<table border='1' cellpadding='4'><tr>{heads}</tr>"
            f"{rows}</table>"
        )
        return document

    def print_sheet(self, printer: QPrinter | None = None) -> bool:
        """Print the sheet; with no printer given, the user chooses one."""
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
        self.sheet().print_(printer)
        return True
