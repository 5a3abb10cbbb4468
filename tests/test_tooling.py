"""The tooling runs with the tests: ruff (lint and format), mypy, the import-linter contracts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOURCES = ["frontdoor_app", "tests", "bench"]


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / command[0]
    if not tool.exists():
        pytest.fail(f"{command[0]} is not installed in {BIN}: bash scripts/setup.sh --test")
    return subprocess.run(
        [str(tool), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_clean(done: subprocess.CompletedProcess[str], what: str) -> None:
    assert done.returncode == 0, f"{what} failed:\n{done.stdout[-12000:]}\n{done.stderr[-4000:]}"


def test_ruff_lint() -> None:
    assert_clean(run_tool("ruff", "check", "--no-cache", *SOURCES), "ruff check")


def test_ruff_format() -> None:
    assert_clean(
        run_tool("ruff", "format", "--check", "--no-cache", *SOURCES),
        "ruff format --check (run: .venv/bin/ruff format <your files>)",
    )


def test_mypy() -> None:
    assert_clean(run_tool("mypy"), "mypy (configured in pyproject.toml)")


def test_import_contracts() -> None:
    done = run_tool("lint-imports", "--no-cache")
    assert_clean(done, "lint-imports (contracts in pyproject.toml)")
    assert "0 broken" in done.stdout


def test_build_spec_is_valid_python() -> None:
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    compile(source, "build.spec", "exec")
    assert "keyrings.alt" in source and "__main__.py" in source


def readme_commands() -> list[str]:
    """The commands of the README's first code block, comments stripped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_second() -> None:
    install_and_start, install_and_test = readme_commands()
    assert install_and_start == "bash scripts/setup.sh && .venv/bin/frontdoor"
    assert install_and_test == "bash scripts/test.sh"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))
    ]
    assert commands == [install_and_test]


def test_shell_scripts_parse() -> None:
    for script in (
        "scripts/setup.sh",
        "scripts/test.sh",
        "scripts/bundle.sh",
        "scripts/desktop-entry.sh",
        ".ci/run",
    ):
        done = subprocess.run(
            ["bash", "-n", str(ROOT / script)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{script}: {done.stderr}"
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable"


def test_the_desktop_entry_is_installed_with_its_icon(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "desktop-entry.sh"), "/opt/x/frontdoor"],
        env=env,
        check=True,
        capture_output=True,
    )
    entry = (tmp_path / "applications" / "frontdoor.desktop").read_text(encoding="utf-8")
    lines = entry.splitlines()
    assert lines[0] == "[Desktop Entry]"
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert fields["Exec"] == "/opt/x/frontdoor" and fields["Icon"] == "frontdoor"
    assert fields["Type"] == "Application" and fields["Name"] == "Front door"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "frontdoor.svg"
    assert icon.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "setup.sh" in (ROOT / "scripts" / "desktop-entry.sh").read_text(encoding="utf-8")
    assert "desktop-entry.sh" in (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
