"""What the minutes screen needs besides its widgets: dialogs seam, log model, page jobs."""

from __future__ import annotations

import tempfile
from collections import deque
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QObject,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.minutes_export import ExportLogRow
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.minutes.passwords_dialog import CopyPassword, CopyPasswordsDialog
from frontdoor_app.ui.widgets.rows_model import RowsModel

PREVIEW_WIDTH = 760  # pixels: a page readable on a laptop without zooming

Named = TypeVar("Named", bound=QObject)

Answer = str | bool | None  # a queued answer: a path, or whether the print dialog was accepted


def named(widget: Named, name: str) -> Named:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


class MinutesDialogs:
    """The file and print dialogs, behind one seam: tests queue answers instead."""

    def __init__(self) -> None:
        self._answers: deque[Answer] = deque()
        self.scripted = False
        self.asked: list[str] = []
        self.passwords_dialog: CopyPasswordsDialog | None = None  # scripted: the last shown

    def answer_next(self, *answers: Answer) -> None:
        """Queue answers: a path (str) for a file or folder, True/False for the print dialog."""
        self.scripted = True
        self._answers.extend(answers)

    def _next(self) -> Answer:
        return self._answers.popleft() if self._answers else None

    def _next_path(self) -> str | None:
        answer = self._next()
        return answer if isinstance(answer, str) else None  # False or None: cancelled

    def save_path(self, parent: QWidget | None, suggested: str) -> str | None:
        self.asked.append("save")
        if self.scripted:
            return self._next_path()
        path, _ = QFileDialog.getSaveFileName(
            parent,
            translate("MinutesScreen", "Save the minutes"),
            suggested,
            translate("MinutesScreen", "PDF files (*.pdf)"),
        )
        return path or None

    def folder(self, parent: QWidget | None) -> str | None:
        self.asked.append("folder")
        if self.scripted:
            return self._next_path()
        return (
            QFileDialog.getExistingDirectory(
                parent, translate("MinutesScreen", "Folder for the per-agency copies")
            )
            or None
        )

    def show_passwords(self, parent: QWidget | None, copies: list[CopyPassword]) -> None:
        """Show the encrypted copies' passwords once. Scripted (tests): the dialog is shown
        without blocking and kept in ``passwords_dialog`` for the test to read and close."""
        self.asked.append("passwords")
        dialog = CopyPasswordsDialog(copies, parent)
        if self.scripted:
            self.passwords_dialog = dialog
            dialog.show()
            return
        dialog.exec()
        dialog.deleteLater()  # the passwords go with it

    def setup_printer(self, parent: QWidget | None, printer: QPrinter) -> bool:
        """Let the user choose the printer; in tests, print to the queued PDF file path."""
        self.asked.append("print")
        if self.scripted:
            answer = self._next()
            if not answer:
                return False
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(answer))
            return True
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(translate("MinutesScreen", "Print the minutes"))
        return dialog.exec() == QDialog.DialogCode.Accepted


def export_log_model(
    timezone: str = "Europe/London", parent: Any = None
) -> RowsModel[ExportLogRow]:
    """Who generated, saved or printed which minutes, newest first (plain rows)."""
    tz = ZoneInfo(timezone)
    return RowsModel(
        [
            (translate("MinutesScreen", "When"), lambda r: f"{r.at.astimezone(tz):%d %b %Y %H:%M}"),
            (translate("MinutesScreen", "Who"), lambda r: r.user),
            (
                translate("MinutesScreen", "What"),
                lambda r: (
                    translate("MinutesScreen", "Printed")
                    if r.action == "print"
                    else translate("MinutesScreen", "Exported")
                ),
            ),
            (translate("MinutesScreen", "Reference"), lambda r: r.reference),
            (translate("MinutesScreen", "Detail"), lambda r: r.detail),
        ],
        parent=parent,
    )


def export_log_box(model: RowsModel[ExportLogRow], shown: bool) -> tuple[QWidget, QTableView]:
    """The export log under the pages: who generated, saved or printed these minutes.
    Not ``shown`` (someone other than an admin on a shared server, where the log is the
    audit trail's): a line saying where it is kept, instead of the table."""
    view = named(QTableView(), "minutesExportLog")
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    heading = (
        translate("MinutesScreen", "Export log: who generated, saved or printed these minutes")
        if shown
        else translate(
            "MinutesScreen",
            "Who generated, saved or printed these minutes is kept in the audit trail; "
            "an admin can show it to you.",
        )
    )
    layout.addWidget(named(QLabel(heading), "minutesLogHeading"))
    layout.addWidget(view)
    view.setVisible(shown)
    if not shown:  # one line: the pages take the rest
        box.setMaximumHeight(box.sizeHint().height())
    return box, view


def pdf_document(pdf: bytes) -> tuple[QPdfDocument, Path]:
    """A QPdfDocument over a private temporary copy (QPdfDocument loads files synchronously)."""
    with tempfile.NamedTemporaryFile(
        prefix="frontdoor-minutes-", suffix=".pdf", delete=False
    ) as handle:
        handle.write(pdf)
    document = QPdfDocument()
    error = document.load(handle.name)
    if error != QPdfDocument.Error.None_:
        Path(handle.name).unlink(missing_ok=True)
        raise RuntimeError(f"the PDF could not be read back for the preview ({error.name})")
    return document, Path(handle.name)


def render_page(document: QPdfDocument, page: int, width: int = PREVIEW_WIDTH) -> QImage:
    """One page as an image ``width`` pixels wide (runs on the worker thread)."""
    size = document.pagePointSize(page)
    height = round(width * size.height() / size.width())
    image = document.render(page, QSize(width, height))
    if image.isNull():
        raise RuntimeError(f"page {page + 1} could not be rendered")
    # QtPdf leaves the paper transparent; put it on white so it reads as a page.
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    return paper


PRINT_DPI_CAP = 300  # enough for text on paper; 600 dpi pages would be 140 MB images


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page through ``printer``; the number of pages printed.

    Runs on the worker thread (QPainter may paint on a QPrinter outside the GUI thread).
    The printer must be set to full page: the PDF carries its own margins.
    """
    document, path = pdf_document(pdf)
    try:
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError(translate("MinutesScreen", "The printer could not be started."))
        try:
            pages = document.pageCount()
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            dpi = min(printer.resolution(), PRINT_DPI_CAP)
            for page in range(pages):
                if page and not printer.newPage():
                    raise RuntimeError(
                        translate("MinutesScreen", "The printer refused a new page.")
                    )
                size = document.pagePointSize(page)
                image = document.render(
                    page, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
                )
                painter.drawImage(QRectF(0, 0, paper.width(), paper.height()), image)
            return pages
        finally:
            painter.end()
    finally:
        document.close()
        path.unlink(missing_ok=True)


def close_document(document: Any, path: Path) -> None:
    """Release a preview document (``pdf_document``) on the worker thread that made it."""
    document.close()
    path.unlink(missing_ok=True)
