"""What keeps the application's start lean, and still correct."""

import os
import subprocess
import sys

from alembic.script import ScriptDirectory

from frontdoor_app.cli import build_parser, requested_commands
from frontdoor_app.commands import COMMANDS
from frontdoor_app.schema_head import MIGRATIONS, head_revision


def test_head_revision_read_from_the_files_is_alembics_head():
    assert head_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_only_the_requested_sub_command_is_loaded():
    assert requested_commands([]) == []
    assert requested_commands(["--database", "sqlite:///x", "import", "f.csv"]) == ["import"]
    assert requested_commands(["--profile", "db", "minutes"]) == ["minutes"]
    assert requested_commands(["--help"]) == list(COMMANDS)
    assert requested_commands(["nosuch"]) == list(COMMANDS)
    parser = build_parser(requested_commands(["db", "upgrade"]))
    assert parser.parse_args(["db", "upgrade"]).handler.__name__ == "run_upgrade"


def test_the_desktop_path_imports_no_command_alembic_keyring_or_reportlab():
    probe = (
        "import sys, frontdoor_app.cli as c, frontdoor_app.context, frontdoor_app.models.database\n"
        "c.build_parser(c.requested_commands([]))\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('alembic', 'keyring', 'reportlab')"
        " or m.startswith('frontdoor_app.commands.')]\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_first_look_is_painted_before_the_database_layer_or_main_window_loads():
    # What frontdoor_app.ui.shell.app imports before the window first paints: Qt, the settings
    # and the stdlib sqlite3 read. The profile, SQLAlchemy and the main window come after.
    probe = (
        "import sys, frontdoor_app.cli, frontdoor_app.ui.shell.app\n"
        "late = ('sqlalchemy', 'alembic', 'frontdoor_app.models', 'frontdoor_app.context',\n"
        "        'frontdoor_app.meeting.views', 'frontdoor_app.ui.meeting.main_window',\n"
        "        'frontdoor_app.profile', 'tomllib')\n"
        "inside = tuple(name + '.' for name in late)\n"
        "print(sorted(m for m in sys.modules if m in late or m.startswith(inside)))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
