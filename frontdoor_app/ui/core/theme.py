"""Themes from resources/styles/*.qss and font sizes that follow the system font."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

from frontdoor_app.resource_files import resource_dir

STYLES = resource_dir() / "styles"
ICONS = STYLES.parent / "icons"


@cache
def style_sheet(name: str) -> str:
    """The text of resources/styles/<name>.qss ('' when missing, so a window still opens)."""
    try:
        return (STYLES / f"{name}.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def apply_desk_theme(app: QApplication) -> None:
    app.setStyleSheet(style_sheet("desk"))


def window_colour() -> QColor:
    """The colour the windows are filled with: the application style sheet's for
    ``QMainWindow`` (the desk theme's), else the palette's."""
    app = QApplication.instance()
    sheet = app.styleSheet() if isinstance(app, QApplication) else ""
    found = re.search(
        r"QMainWindow\b[^{]*\{[^}]*\bbackground(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,8})", sheet
    )
    if found:
        return QColor(found.group(1))
    return QApplication.palette().window().color()


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """The widget's font scaled from the system font size, so user settings carry through."""
    font = QFont(widget.font())
    base = QApplication.font().pointSizeF()
    if base <= 0:
        base = 10.0
    font.setPointSizeF(base * factor)
    font.setBold(bold)
    return font


def set_scaled_font(widget: QWidget, factor: float, bold: bool = False) -> None:
    widget.setFont(scaled_font(widget, factor, bold))


def icon_path(name: str) -> str:
    return str(ICONS / f"{name}.svg")


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
