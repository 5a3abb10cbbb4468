"""A wheel that runs: built with ``pip wheel``, installed (not editable) into a fresh venv,
and run from a folder far from the checkout, so the profiles, styles, fonts and migrations
can only come from the package data in the wheel.

Slow (the fresh venv installs every dependency, PySide6 too, from pip's cache), but the
test command runs it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


def test_the_wheel_carries_its_files_and_runs_from_a_fresh_venv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTDOOR_", "PYTHON"))}
    env.update(FRONTDOOR_DATA_DIR=str(tmp_path / "data"), FRONTDOOR_USER="wheel.admin")
    # A fresh venv has no keyring backend here: the unattended way, a passphrase file only
    # its owner reads, keys the encrypted database.
    secret = tmp_path / "passphrase"
    secret.write_text("a passphrase for the wheel test", encoding="utf-8")
    secret.chmod(0o600)
    env["FRONTDOOR_DB_PASSPHRASE_FILE"] = str(secret)
    wheels = tmp_path / "wheels"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        tmp_path,
        env,
    )
    (wheel,) = wheels.glob("frontdoor_app-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "frontdoor_app/resources/profiles/leeds-like.toml",
        "frontdoor_app/resources/styles/desk.qss",
        "frontdoor_app/resources/fonts/NotoNaskhArabic-Regular.ttf",
        "frontdoor_app/resources/fonts/wqy-microhei.ttc.gz",  # Chinese, Japanese, Korean
        "frontdoor_app/resources/fonts/LICENSE-WenQuanYi.txt",
        "frontdoor_app/resources/icons/frontdoor.svg",
        "frontdoor_app/resources/frontdoor.desktop",
        "frontdoor_app/models/migrations/env.py",
        "frontdoor_app/models/migrations/versions/0001_initial_schema.py",
    ):
        assert expected in names, expected
    assert not any(name.startswith("resources/") for name in names), "no top-level resources"

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            str(wheel),
        ],
        tmp_path,
        env,
    )
    frontdoor = str(venv / "bin" / "frontdoor")
    where = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from frontdoor_app.resource_files import resource_dir; print(resource_dir())",
        ],
        tmp_path,
        env,
    )
    assert Path(where.strip()).is_relative_to(venv)

    out = _run([frontdoor, "demo"], tmp_path, env)
    assert "today's agenda is meeting" in out
    today = dt.date.today().isoformat()
    pdf = tmp_path / "minutes.pdf"
    out = _run([frontdoor, "minutes", "--draft", "--date", today, "--out", str(pdf)], tmp_path, env)
    assert "draft minutes of" in out
    reader = PdfReader(pdf)
    assert len(reader.pages) > 1 and "DRAFT" in reader.pages[0].extract_text()

    # The admin commands need no Qt: with PySide6 taken out they still run.
    _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "uninstall",
            "-y",
            "-q",
            "PySide6",
            "PySide6_Essentials",
            "PySide6_Addons",
            "shiboken6",
        ],
        tmp_path,
        env,
    )
    gone = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import PySide6"], capture_output=True, env=env
    )
    assert gone.returncode != 0
    pdf.unlink()
    _run([frontdoor, "minutes", "--draft", "--date", today, "--out", str(pdf)], tmp_path, env)
    assert pdf.stat().st_size > 10_000
    _run([frontdoor, "db", "upgrade"], tmp_path, env)
