"""Every user-visible string of the screens reaches a translator: pyside6-lupdate finds them."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "frontdoor_app" / "ui"


def lupdate_messages(tmp_path: Path) -> dict[str, set[str]]:
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    if not tool.exists():
        pytest.fail(f"pyside6-lupdate is not installed beside {sys.executable}")
    ts = tmp_path / "frontdoor.ts"
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    done = subprocess.run(
        [str(tool), *sources, "-ts", str(ts)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, set[str]] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        found.setdefault(name, set()).update(
            m.findtext("source") or "" for m in context.iter("message")
        )
    return found


def test_lupdate_finds_the_strings_of_every_kind_of_screen(tmp_path: Path) -> None:
    found = lupdate_messages(tmp_path)
    # One string from each way a screen puts words on screen: the module helper
    # translate("Context", ...), a widget's self.tr(...), and plurals.
    expected = {
        "MainWindow": "Opening the meeting",
        "Case": "not stated",
        "FgcQueue": "%1 days late",
        "Agenda": "%n ch",
        "MinutesScreen": "Save the minutes",
        "Import": "Discard this record",
        "Shortcuts": None,
        "Projector": None,
    }
    for context, text in expected.items():
        assert context in found, f"lupdate found no strings for {context}"
        if text is not None:
            assert text in found[context], f"{text!r} not found in {context}"
    assert sum(len(v) for v in found.values()) > 700


def test_no_private_wrapper_hides_strings_from_lupdate() -> None:
    wrapper = re.compile(r"^\s*def (_t|_tr|_tn|tr)\(text", re.MULTILINE)
    hiding = [str(p.relative_to(ROOT)) for p in UI.rglob("*.py") if wrapper.search(p.read_text())]
    assert hiding == [], f"private translation wrappers lupdate cannot see: {hiding}"
