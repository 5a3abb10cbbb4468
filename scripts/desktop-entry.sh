#!/usr/bin/env bash
# Install the desktop menu entry and icon of the front door application for this user.
#
#   bash scripts/desktop-entry.sh [EXECUTABLE]   default: the checkout's .venv/bin/frontdoor
#
# Writes $XDG_DATA_HOME/applications/frontdoor.desktop and the SVG icon under
# $XDG_DATA_HOME/icons/hicolor/scalable/apps/ (XDG_DATA_HOME defaults to ~/.local/share).
# Idempotent; run by scripts/setup.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXEC="${1:-${FRONTDOOR_VENV:-$ROOT/.venv}/bin/frontdoor}"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
APPS="$DATA/applications"
ICONS="$DATA/icons/hicolor/scalable/apps"

mkdir -p "$APPS" "$ICONS"
cp "$ROOT/resources/icons/frontdoor.svg" "$ICONS/frontdoor.svg"
sed -e "s|@EXEC@|$EXEC|" -e "s|@ICON@|frontdoor|" "$ROOT/resources/frontdoor.desktop" \
    >"$APPS/frontdoor.desktop.tmp"
mv "$APPS/frontdoor.desktop.tmp" "$APPS/frontdoor.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$APPS" 2>/dev/null || true
fi
printf 'desktop entry: %s\n' "$APPS/frontdoor.desktop"
