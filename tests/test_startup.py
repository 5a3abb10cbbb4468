"""What keeps the application's start lean, and still correct."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


def _app_env(data: Path) -> dict[str, str]:
    from tests.conftest import keyring_env

    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    return dict(
        env,
        QT_QPA_PLATFORM="offscreen",
        FRONTDOOR_EXIT_AFTER_AGENDA="1",
        FRONTDOOR_DATA_DIR=str(data),
        FRONTDOOR_USER="test.chair",
        **keyring_env(),
    )


def _run_app(probe: str, database: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``probe`` run as the desktop's process on ``database``; it must exit 0."""
    out = subprocess.run(
        [sys.executable, "-c", probe, database],
        capture_output=True,
        text=True,
        env=_app_env(tmp_path / "data"),
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_the_desktop_reads_the_key_in_a_child_and_never_loads_the_keyring_itself(
    demo_db: str, tmp_path: Path
) -> None:
    # The real start on an encrypted file: the first look is shown with the key the forked
    # child read (key_prefetch.prefetch_key), the full start opens the file with the same key,
    # the child is reaped, and this process never imports keyring.
    probe = (
        "import os, sys\n"
        "from frontdoor_app.meeting import first_look\n"  # no Qt before the start
        "read = first_look.read_first_look\n"
        "def read_first_look(url, today):\n"
        "    look = read(url, today)\n"
        "    print('LOOK', len(look.agenda.rows) if look else 0, flush=True)\n"
        "    return look\n"
        "first_look.read_first_look = read_first_look\n"
        "from frontdoor_app.cli import main\n"
        "code = main(['--database', sys.argv[1]])\n"
        "print('KEYRING', 'keyring' in sys.modules, flush=True)\n"
        "try:\n"
        "    os.waitpid(-1, os.WNOHANG)\n"
        "    print('CHILDREN left', flush=True)\n"
        "except ChildProcessError:\n"
        "    print('CHILDREN none', flush=True)\n"
        "sys.exit(code)\n"
    )
    out = _run_app(probe, demo_db, tmp_path)
    said = [line.split()[0] for line in out.stdout.splitlines()]
    assert said[:1] == ["LOOK"] and int(out.stdout.split()[1]) > 0, out.stdout
    assert said.index("AGENDA_PAINTED") < said.index("ROOM_READY"), out.stdout
    assert "KEYRING False" in out.stdout and "CHILDREN none" in out.stdout, out.stdout


def test_the_main_window_is_in_place_before_the_database_layer_loads(
    demo_db: str, tmp_path: Path
) -> None:
    # The real start on the embedded file (issue 10's main_window_ready): the main window
    # takes the first look's place with SQLAlchemy and the models not yet imported; they
    # load after, and the database is open (DATABASE_READY) with nothing asked for lost.
    probe = (
        "import sys\n"
        "import frontdoor_app.ui.shell.app as app\n"
        "ready = app.Started._report_ready\n"
        "def report_ready(self):\n"
        "    late = ('sqlalchemy', 'frontdoor_app.models', 'frontdoor_app.context')\n"
        "    print('LOADED', sorted(m for m in late if m in sys.modules), flush=True)\n"
        "    print('IN_PLACE', self.shell.main is self.window is not None, flush=True)\n"
        "    ready(self)\n"
        "app.Started._report_ready = report_ready\n"
        "from frontdoor_app.cli import main\n"
        "sys.exit(main(['--database', sys.argv[1]]))\n"
    )
    out = _run_app(probe, demo_db, tmp_path)
    said = [w for line in out.stdout.splitlines() if not (w := line.split()[0]).endswith("_CPU")]
    assert said == ["AGENDA_PAINTED", "LOADED", "IN_PLACE", "ROOM_READY", "DATABASE_READY"], (
        out.stdout
    )
    assert "LOADED []" in out.stdout and "IN_PLACE True" in out.stdout, out.stdout


@pytest.mark.parametrize(
    "keyring",
    [
        {"FRONTDOOR_BENCH_KEYRING": "{}"},  # a keyring without the key
        {"PYTHON_KEYRING_BACKEND": "nosuch.Keyring"},  # a keyring that fails to load
    ],
)
def test_without_a_key_from_the_keyring_the_prefetch_says_none_and_the_start_asks_itself(
    tmp_path: Path, keyring: dict[str, str]
) -> None:
    # The full start then reads the keyring itself (cipher.key_for), as before: it asks
    # for a passphrase, says the key is missing, or reports the keyring's own error.
    probe = (
        "import sys\n"
        "from frontdoor_app import key_prefetch as k\n"
        "k.prefetch_key()\n"
        "print(k.first_look_key(), k.prefetched_key(), 'keyring' in sys.modules)\n"
    )
    env = dict(_app_env(tmp_path / "data"), **keyring)
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == ["None", "None", "False"]


def test_pyside_is_told_which_modules_use_it_without_reading_their_source() -> None:
    probe = (
        "import sys, frontdoor_app.ui.shell.app, frontdoor_app.ui.shell.quick_imports as q\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "table = feature.pyside_feature_dict\n"
        "print(feature._mod_uses_pyside is q.uses_pyside,\n"
        "      table['frontdoor_app.ui.shell.start_window'], table['frontdoor_app.meeting.first_look'])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["True", "0", "-1"]


def test_no_module_selects_a_pyside_feature() -> None:
    # quick_imports answers PySide's "does it use PySide?" by name, which is only safe while
    # nothing selects a feature (``from __feature__ import snake_case``).
    import re

    import frontdoor_app

    statement = re.compile(r"^\s*(from|import)\s+__feature__", re.MULTILINE)
    sources = Path(frontdoor_app.__file__).parent.rglob("*.py")
    assert [p.name for p in sources if statement.search(p.read_text(encoding="utf-8"))] == []
