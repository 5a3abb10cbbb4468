"""The PyInstaller bundle (dist/frontdoor/, built by scripts/bundle.sh) against the venv.

``bundle_start``: process start to today's agenda painted and to the main window in place,
the bundled program against ``python -m frontdoor_app`` from the venv on the same cached
demo database, launches alternating so drift on a shared machine hits both alike. The goal
is a bundle no slower than 1.2x the venv; the bundle's size is reported beside it.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import envkeyring
from benchmarks.foundation import APP_MARKERS, _launch
from common import BenchEnv, summarise
from envkeyring import EnvKeyring

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLE = ROOT / "dist" / "frontdoor" / "frontdoor"
RATIO_GOAL = 1.2
SIZE_GOAL_MB = 250
REPEAT = int(os.environ.get("BENCH_BUNDLE_REPEAT", "11"))


def _keyring_config(env: BenchEnv) -> dict[str, str]:
    """Both programs find the benchmark keyring (the database key) through keyring's own
    config file, whose ``keyring-path`` puts bench/ on ``sys.path``: a frozen program ignores
    PYTHONPATH, so naming the backend in PYTHON_KEYRING_BACKEND works for the venv only."""
    config = Path(tempfile.mkdtemp(prefix="bench-keyring-", dir=env.work_dir))
    (config / "python_keyring").mkdir()
    (config / "python_keyring" / "keyringrc.cfg").write_text(
        "[backend]\n"
        f"default-keyring = {EnvKeyring.__module__}.{EnvKeyring.__name__}\n"
        f"keyring-path = {Path(envkeyring.__file__).resolve().parent}\n",
        encoding="utf-8",
    )
    return {"XDG_CONFIG_HOME": str(config)}


def bundle_start(env: BenchEnv) -> dict[str, Any]:
    if not BUNDLE.is_file():
        raise RuntimeError(f"no bundle at {BUNDLE}: build it with 'bash scripts/bundle.sh'")
    url = env.fresh_copy("bundle_start")
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FRONTDOOR_EXIT_AFTER_AGENDA": "1"}
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    child_env.update(_keyring_config(env))
    child_env.pop("PYTHON_KEYRING_BACKEND", None)  # the frozen program cannot import it by name
    bundled = [str(BUNDLE), "--database", url]
    venv = [sys.executable, "-m", "frontdoor_app", "--database", url]
    _launch(bundled, APP_MARKERS, child_env)  # warm-ups: file cache, bytecode
    _launch(venv, APP_MARKERS, child_env)
    first: dict[str, list[float]] = {"bundle": [], "venv": []}
    ready: dict[str, list[float]] = {"bundle": [], "venv": []}
    for _ in range(REPEAT):
        for name, command in (("bundle", bundled), ("venv", venv)):
            wall, _reported, _code, _cpu = _launch(command, APP_MARKERS, child_env)
            first[name].append(wall["AGENDA_PAINTED"])
            ready[name].append(wall["ROOM_READY"])
    bundle_stats, venv_stats = summarise(first["bundle"]), summarise(first["venv"])
    ratio = bundle_stats["median_ms"] / venv_stats["median_ms"]
    size = sum(
        p.stat().st_size for p in BUNDLE.parent.rglob("*") if p.is_file() and not p.is_symlink()
    )
    return {
        "bundle_first_look": bundle_stats,
        "venv_first_look": venv_stats,
        "ratio_median": round(ratio, 2),
        "ratio_paired_median": round(
            statistics.median(b / v for b, v in zip(first["bundle"], first["venv"], strict=True)), 2
        ),
        "goal_ratio": RATIO_GOAL,
        "meets_goal": ratio <= RATIO_GOAL,
        "bundle_main_window_ready": summarise(ready["bundle"]),
        "venv_main_window_ready": summarise(ready["venv"]),
        "bundle_size_mb": round(size / 1024 / 1024, 1),
        "size_goal_mb": SIZE_GOAL_MB,
        "database_scale": env.scale,
    }


BENCHMARKS = {"bundle_start": bundle_start}
