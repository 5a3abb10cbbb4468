#!/usr/bin/env bash
# Install the front door meeting application on a fresh Debian (or Ubuntu) machine.
#
#   bash scripts/setup.sh          system libraries Qt needs + .venv with the application
#   bash scripts/setup.sh --test   the same, plus the PostgreSQL server and the test extra
#
# Idempotent: what is already installed is left alone, so a second run takes a second or two.
# Runs apt-get as root, or through sudo when started by another user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FRONTDOOR_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
WITH_TEST=0

for arg in "$@"; do
    case "$arg" in
        --test) WITH_TEST=1 ;;
        -h | --help)
            sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *)
            echo "setup: unknown option '$arg' (use --test or --help)" >&2
            exit 2
            ;;
    esac
done

LOG="$(mktemp -t frontdoor-setup.XXXXXX)"
trap 'rm -f "$LOG"' EXIT

say() { printf 'setup: %s\n' "$*"; }
die() {
    printf 'setup: %s\n' "$*" >&2
    exit 1
}

# What Qt (the PySide6 wheels) loads at run time, for both the offscreen and the xcb (X11)
# platform plugins, plus an X server for headless runs, PDF tools to look at the minutes,
# fonts (DejaVu, and WenQuanYi Micro Hei for names in Chinese, Japanese or Korean script,
# which the window draws with the system's fonts: without it they are empty boxes), and
# Python's venv module (a separate package on Debian).
SYSTEM_PACKAGES=(
    python3 python3-venv
    libgl1 libegl1 libopengl0 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6
    libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1
    libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0
    libxcb-xinerama0 libxcb-xkb1
    libnss3 libasound2
    xvfb xauth poppler-utils fonts-dejavu-core fonts-wqy-microhei
    binutils file  # scripts/bundle.sh strips debug information from the bundle's libraries
)
if [ "$WITH_TEST" = 1 ]; then
    # The PostgreSQL suite starts its own throwaway server (tests/pgserver.py) from this package.
    SYSTEM_PACKAGES+=(postgresql openssl)  # openssl: the sign-in tests' throwaway certificates
fi

install_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian-like system (no dpkg/apt): install Qt's runtime libraries, Xvfb," \
            "poppler-utils and (for tests) PostgreSQL yourself; continuing with Python"
        return 0
    fi
    local missing=() pkg status
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
        [ "${status:0:2}" = "ii" ] || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        say "system packages: all ${#SYSTEM_PACKAGES[@]} present"
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 ||
            die "these system packages are missing and I am not root (no sudo either): ${missing[*]}"
        sudo=(sudo)
    fi
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >"$LOG" 2>&1 ||
        { cat "$LOG" >&2; die "apt-get update failed (network? proxy?)"; }
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOG" 2>&1 ||
        { cat "$LOG" >&2; die "apt-get install failed for: ${missing[*]}"; }
}

install_python() {
    local version
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" ||
        die "no Python found as '$PYTHON' (set PYTHON=/path/to/python3.11 or newer)"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Python $version is too old: the application needs 3.11 or newer (set PYTHON=...)"

    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment $VENV (Python $version)"
        "$PYTHON" -m venv "$VENV" || die "python -m venv failed (is python3-venv installed?)"
    fi

    local target=. stamp want
    [ "$WITH_TEST" = 1 ] && target='.[test]'
    stamp="$VENV/.frontdoor-installed"
    # Reinstall only when the project's dependencies changed (or the test extra is new).
    want="$(sha256sum <"$ROOT/pyproject.toml" | cut -c1-16) $target"
    if [ -f "$stamp" ] && { [ "$(cat "$stamp")" = "$want" ] ||
        { [ "$target" = . ] && [ "$(cut -d' ' -f1 "$stamp")" = "${want%% *}" ]; }; }; then
        say "python packages: up to date in $VENV"
        return 0
    fi
    say "installing the application ($target) into $VENV"
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$target") \
        >"$LOG" 2>&1 || { tail -n 40 "$LOG" >&2; die "pip install -e '$target' failed (see above)"; }
    printf '%s\n' "$want" >"$stamp"
}

install_system_packages
install_python
# The application in the desktop menu, with its icon (for the user running this script).
bash "$ROOT/scripts/desktop-entry.sh" "$VENV/bin/frontdoor" | sed 's/^/setup: /' ||
    say "could not install the desktop menu entry (continuing)"
say "ready: start the application with $VENV/bin/frontdoor"
