"""The database's recovery key, shown once when the encrypted file is set up, to print."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.cipher import recovery_sheet
from frontdoor_app.ui.core.i18n import translate


class RecoveryKeyDialog(QDialog):
    def __init__(self, key: str, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("RecoveryDialog", "Print the database recovery key"))
        self.setAccessibleName(translate("RecoveryDialog", "Database recovery key"))
        self.sheet = recovery_sheet(key, where)
        layout = QVBoxLayout(self)
        intro = QLabel(
            translate(
                "RecoveryDialog",
                "The database on this computer is encrypted. Its key is kept in this "
                "computer's keyring; if that is ever lost, this recovery key is the only "
                "way back in. It is shown only now: print it and lock it away.",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit(self.sheet, self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(translate("RecoveryDialog", "Recovery sheet"))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.text.setMinimumSize(640, 300)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(translate("RecoveryDialog", "Print the sheet…"), self)
        self.print_button.clicked.connect(self.print_sheet)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        done = buttons.addButton(
            translate("RecoveryDialog", "I have printed it"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        done.clicked.connect(self.accept)
        layout.addWidget(buttons)

    def document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setDefaultFont(self.text.font())
        doc.setPlainText(self.sheet)
        return doc

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)
