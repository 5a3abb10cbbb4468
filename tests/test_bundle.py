"""The desktop bundle is built and started by the tests: ``scripts/bundle.sh`` installs the
pinned PyInstaller, builds build.spec into dist/frontdoor/ and runs its smoke tests (the
bundled program's --version, --smoke-test, demo and minutes with the Arabic font, and no
keyrings.alt). Slow (a minute or two), but the test command runs it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "frontdoor"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    pdf = tmp_path_factory.mktemp("bundle") / "minutes.pdf"
    # Nothing of the test run's own set-up: its FRONTDOOR_ settings, nor a keyring backend
    # named by module (the frozen program cannot import the benchmarks' one).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FRONTDOOR_") and k not in ("PYTHON_KEYRING_BACKEND", "PYTHONPATH")
    }
    env["FRONTDOOR_BUNDLE_KEEP_PDF"] = str(pdf)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bundle.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-4000:])
    return done.stdout, pdf


def test_bundle_script_builds_and_smoke_tests_the_bundle(bundle: tuple[str, Path]) -> None:
    out, _pdf = bundle
    assert "smoke test passed: today's agenda" in out
    assert "bundle: passed:" in out
    assert (DIST / "frontdoor").is_file() and os.access(DIST / "frontdoor", os.X_OK)
    assert (
        DIST / "_internal" / "frontdoor_app" / "resources" / "icons" / "frontdoor.svg"
    ).is_file()
    entry = (DIST / "frontdoor.desktop").read_text(encoding="utf-8")
    assert "Exec=/opt/frontdoor/frontdoor" in entry and "@" not in entry


def test_the_bundled_minutes_embed_the_bundled_arabic_font(bundle: tuple[str, Path]) -> None:
    _out, pdf = bundle
    fonts: set[str] = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(name.endswith("+NotoNaskhArabic-Regular") for name in fonts), fonts
    bundled = DIST / "_internal" / "frontdoor_app" / "resources" / "fonts"
    assert (bundled / "NotoNaskhArabic-Regular.ttf").is_file()
    assert (bundled / "wqy-microhei.ttc.gz").is_file()  # the fallback for Han, kana, Hangul


def test_keyrings_alt_is_not_in_the_bundle(bundle: tuple[str, Path]) -> None:
    found = [p for p in DIST.rglob("*") if "keyrings" in p.parts or "keyrings.alt" in p.name]
    assert found == []


def test_the_bundle_is_under_250_mb(bundle: tuple[str, Path]) -> None:
    size = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 250 * 1024 * 1024, f"{size / 1024 / 1024:.0f} MB"
