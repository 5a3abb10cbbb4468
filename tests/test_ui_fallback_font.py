"""A name in Chinese, Japanese or Korean script is drawn, not as empty boxes.

The window draws with the system's fonts, and Qt falls back through them for a script its
font lacks. A fresh Debian machine has none for these scripts: ``scripts/setup.sh``
installs WenQuanYi Micro Hei (the same font the minutes carry for them, ``export.fonts``).
Windows and macOS have their own. This shows the machine the tests run on, set up by the
README's command, draws them, in the desk theme's window as the agenda shows them.
"""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel

from frontdoor_app.ui.core.theme import apply_desk_theme

HAN, HANGUL, KANA = "\u738b", "\uae40", "\u3055"  # 王 김 さ
NOWHERE = "\u0378"  # an unassigned code point: no font has it, it is drawn as a box


def drawn(qtbot, char: str) -> QImage:  # type: ignore[no-untyped-def]
    label = QLabel(char * 3)
    qtbot.addWidget(label)
    label.resize(120, 40)
    return label.grab().toImage()


def test_han_hangul_and_kana_are_drawn_not_boxes(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_desk_theme(app)
    box = drawn(qtbot, NOWHERE)
    assert drawn(qtbot, "\u0379") == box  # two missing glyphs: the same box
    for char in (HAN, HANGUL, KANA):
        image = drawn(qtbot, char)
        assert image != box, (
            f"U+{ord(char):04X} is drawn as a box: no font for it (scripts/setup.sh installs "
            "fonts-wqy-microhei)"
        )
    assert drawn(qtbot, HAN) != drawn(qtbot, KANA)
