"""The matching model dialog (admin, read-only), opened from the import screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from frontdoor_app.access.users import ensure_user
from frontdoor_app.intake.training import train_and_store
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.theme import style_sheet
from frontdoor_app.ui.intake.import_screen import ImportScreen
from tests.test_intake_fs_model import SURNAMES, known, person


def open_dialog(qtbot, ctx, worker):  # type: ignore[no-untyped-def]
    """The import screen on the synchronous worker: each read is done when it returns."""
    messages = Messages()
    messages.scripted = True
    screen = ImportScreen(ctx, worker, messages=messages)
    screen.setStyleSheet(style_sheet("desk"))
    qtbot.addWidget(screen)
    screen.show()
    screen.tabs.setCurrentIndex(1)
    qtbot.mouseClick(screen.model_button, Qt.MouseButton.LeftButton)
    assert screen.matching_dialog is not None and screen.matching_dialog.isVisible()
    return screen


def test_untrained_model_says_so_and_shows_the_starting_weights(qtbot, ctx, sync_worker):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ctx, sync_worker).matching_dialog
    assert "Not yet trained" in dialog.trained_label.text()
    assert "frontdoor matching train" in dialog.trained_label.text()
    assert dialog.levels.rowCount() == 5 + 6 + 6 + 4 + 2


def test_trained_model_shows_thresholds_workload_and_weights(qtbot, ctx, sync_worker, artefacts):  # type: ignore[no-untyped-def]
    for n, name in enumerate(SURNAMES):
        known(
            ctx,
            f"T-{n}",
            [
                person("victim", name, "Anna", f"19{70 + n}-03-0{1 + n % 9}"),
                person("child", name, "Kid", f"20{10 + n % 15}-0{1 + n % 9}-1{n % 9}"),
            ],
            address=f"{n + 1} Road, Leeds",
            postcode=f"LS{n % 20 + 1} 1AA",
        )
    with ctx.session() as s:
        train_and_store(s, ensure_user(s, "t.admin", "An Admin", "admin"), ctx.profile.intake)
    dialog = open_dialog(qtbot, ctx, sync_worker).matching_dialog
    assert "Trained" in dialog.trained_label.text()
    text = dialog.summary_label.text()
    assert "99.9 %" in text and "1 in 1,000" in text and "possible matches a day" in text
    assert "never linked automatically" in text
    words = [dialog.levels.item(r, 1).text() for r in range(dialog.levels.rowCount())]
    assert "same house" in words and "same postcode, another or no house number" in words
    weights = [float(dialog.levels.item(r, 4).text()) for r in range(dialog.levels.rowCount())]
    assert weights[0] > 0 > weights[4]  # same surname for, different surnames against
    dialog.grab().save(str(artefacts / "matching_model_dialog.png"))
