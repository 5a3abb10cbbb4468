"""The start window: the first look's page, and what it says when start-up fails."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from frontdoor_app.meeting.first_look import FirstLook, read_first_look
from frontdoor_app.profile import SAMPLE_PROFILE
from frontdoor_app.ui.shell import app as desktop
from frontdoor_app.ui.shell.start_window import StartWindow, agenda_columns_html
from frontdoor_app.ui.widgets.words import AGENDA_COLUMNS, agenda_row_words
from tests.ui_support import TODAY


def _look(demo_db: str) -> FirstLook:
    look = read_first_look(demo_db, TODAY)
    assert look is not None
    return look


def _lines(column_html: str) -> list[str]:
    body = re.sub(r"^<p[^>]*>|</p>$", "", column_html)
    return body.split("<br>")


def test_the_columns_keep_in_step_and_say_how_many_more(demo_db: str) -> None:
    rows = _look(demo_db).agenda.rows
    assert len(rows) > 12
    columns = agenda_columns_html(rows, rows[1].item_id, room=10, line_height=24)
    assert len(columns) == len(AGENDA_COLUMNS)
    lines = [_lines(c) for c in columns]
    assert {len(c) for c in lines} == {11}  # header, nine cases, "… and N more"
    household = lines[AGENDA_COLUMNS.index("household")]
    assert household[-1] == f"… and {len(rows) - 9} more"
    assert household[2] == f"<b>{rows[1].household_name}</b>"  # the case to be opened
    assert "line-height:24px" in columns[0]


def test_names_are_shown_as_written_never_as_markup(qtbot, demo_db: str) -> None:  # type: ignore[no-untyped-def]
    look = _look(demo_db)
    first = dataclasses.replace(look.agenda.rows[0], household_name="<b>O'Neil & Sons</b>")
    agenda = dataclasses.replace(look.agenda, rows=(first, *look.agenda.rows[1:]))
    window = StartWindow()
    qtbot.addWidget(window)
    window.show_look(FirstLook(agenda, "No meeting for today yet", look.day))
    glance = window.glance
    assert glance is not None and window.has_look
    household = glance.columns[AGENDA_COLUMNS.index("household")].text()
    assert "&lt;b&gt;O'Neil &amp; Sons&lt;/b&gt;" in household
    assert glance.banner.text() == "No meeting for today yet" and not glance.banner.isHidden()
    # Screen readers get the rows in words.
    assert agenda_row_words(first) in glance.accessibleDescription()
    assert window.windowTitle().startswith("Front door · ")


def test_the_window_never_grows_to_fit_a_long_agenda(qtbot, demo_db: str) -> None:  # type: ignore[no-untyped-def]
    window = StartWindow()
    qtbot.addWidget(window)
    window.resize(1000, 500)
    window.show_look(_look(demo_db))
    window.show()
    qtbot.waitExposed(window)
    assert window.height() == 500
    glance = window.glance
    assert glance is not None
    shown = len(_lines(glance.columns[0].text())) - 1
    assert 1 <= shown < len(glance.rows)
    window.resize(1000, 900)
    qtbot.waitUntil(lambda: len(_lines(glance.columns[0].text())) - 1 > shown)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("setup_target_days = 56", "setup_target_days = -1", "setup_target_days"),
        ('timezone = "Europe/London"', 'timezone = "Europe/London', "line 7"),  # bad TOML
    ],
)
def test_a_broken_profile_is_shown_in_the_window_with_exit_code_2(
    qtbot, demo_db: str, tmp_path: Path, artefacts: Path, old: str, new: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    text = SAMPLE_PROFILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    started = desktop.start(demo_db, str(broken))
    qtbot.addWidget(started.shell)
    try:
        assert started.shell.has_look  # the agenda is shown while the rest loads
        qtbot.waitUntil(lambda: started.shell.failed, timeout=30_000)
        glance = started.shell.glance
        assert glance is not None and glance.failed
        assert "The authority profile has a mistake" in glance.message
        assert words in glance.message and str(broken) in glance.message
        assert started.exit_code == 2 and started.window is None
        started.shell.grab().save(str(artefacts / "start-failed.png"))
    finally:
        started.stop()
