#!/usr/bin/env bash
# Build the one-folder desktop bundle (dist/frontdoor/) that an IT team deploys, and smoke-test it.
#
#   bash scripts/bundle.sh             install (setup.sh + the pinned 'bundle' extra), build, test
#   bash scripts/bundle.sh --no-build  smoke-test the bundle already in dist/frontdoor/
#
# The smoke test runs the bundled program itself: --version; --smoke-test (offscreen, a fresh
# data folder: builds the demo, opens today's agenda, exits 0); the demo and draft minutes of a
# meeting with Arabic names, whose PDF must embed the bundled Arabic font; and it checks that
# keyrings.alt is not in the bundle. Prints the bundle's size. Exit status 0 when all passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FRONTDOOR_VENV:-$ROOT/.venv}"
DIST="$ROOT/dist/frontdoor"
BUILD=1

for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        -h | --help)
            sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *)
            echo "bundle: unknown option '$arg' (use --no-build or --help)" >&2
            exit 2
            ;;
    esac
done

say() { printf 'bundle: %s\n' "$*"; }
die() {
    printf 'bundle: %s\n' "$*" >&2
    exit 1
}

WORK="$(mktemp -d -t frontdoor-bundle.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

if [ "$BUILD" = 1 ]; then
    bash "$ROOT/scripts/setup.sh"
    stamp="$VENV/.frontdoor-bundle-installed"
    want="$(sha256sum <"$ROOT/pyproject.toml" | cut -c1-16)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x "$VENV/bin/pyinstaller" ]; then
        say "installing the pinned PyInstaller (the 'bundle' extra) into $VENV"
        (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[bundle]') \
            >"$WORK/pip.log" 2>&1 || { tail -n 40 "$WORK/pip.log" >&2; die "pip install -e '.[bundle]' failed"; }
        printf '%s\n' "$want" >"$stamp"
    fi
    say "building build.spec into $DIST (a minute or two)"
    started=$(date +%s)
    (cd "$ROOT" && "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
        --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" build.spec) \
        >"$WORK/build.log" 2>&1 || { tail -n 60 "$WORK/build.log" >&2; die "pyinstaller failed"; }
    say "built in $(($(date +%s) - started)) s"
    # Debug information is no use on a council laptop: libpython and SQLCipher alone carry
    # 28 MB of it. Only the debug sections go (the symbols a library links by stay), and the
    # smoke tests below run on the stripped folder.
    before=$(du -sm "$DIST" | cut -f1)
    find "$DIST" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
        xargs -0 file | grep 'with debug_info' | cut -d: -f1 |
        while read -r lib; do strip --strip-debug "$lib"; done
    say "debug information stripped: ${before} MB -> $(du -sm "$DIST" | cut -f1) MB"
    # The menu entry an IT team installs with the bundle (see the README).
    sed -e "s|@EXEC@|/opt/frontdoor/frontdoor|" -e "s|@ICON@|/opt/frontdoor/_internal/frontdoor_app/resources/icons/frontdoor.svg|" \
        "$ROOT/resources/frontdoor.desktop" >"$DIST/frontdoor.desktop"
fi

[ -x "$DIST/frontdoor" ] || die "no bundle at $DIST (build it first: bash scripts/bundle.sh)"
APP="$DIST/frontdoor"
export QT_QPA_PLATFORM=offscreen
unset FRONTDOOR_DATABASE_URL FRONTDOOR_PROFILE

say "smoke test 1/4: --version"
version="$("$APP" --version)" || die "--version failed"
[[ "$version" == "frontdoor "* ]] || die "--version printed '$version'"
say "  $version"

say "smoke test 2/4: --smoke-test (fresh data folder, demo, today's agenda)"
"$APP" --smoke-test >"$WORK/smoke.log" 2>&1 || { cat "$WORK/smoke.log" >&2; die "--smoke-test failed"; }
say "  $(grep 'smoke test' "$WORK/smoke.log")"

say "smoke test 3/4: the demo and draft minutes with the bundled Arabic font"
export FRONTDOOR_DATA_DIR="$WORK/data"
# No keyring on a build machine: the throwaway database is keyed with a passphrase from a
# file only this account may read (FRONTDOOR_DB_PASSPHRASE_FILE), never typed or stored.
(umask 077 && head -c 24 /dev/urandom | base64 >"$WORK/passphrase")
export FRONTDOOR_DB_PASSPHRASE_FILE="$WORK/passphrase"
# A fixed day, so the meeting of 5 May 2026 is the same every time: it has Arabic-script names.
"$APP" demo --today 2026-06-01 >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; die "demo failed"; }
"$APP" minutes --draft --date 2026-05-05 --out "$WORK/minutes.pdf" >"$WORK/minutes.log" 2>&1 ||
    { cat "$WORK/minutes.log" >&2; die "minutes failed"; }
fonts="$(pdffonts "$WORK/minutes.pdf")" || die "pdffonts could not read the minutes"
grep -q "NotoNaskhArabic" <<<"$fonts" || { echo "$fonts" >&2; die "the minutes do not embed the Arabic font"; }
say "  $(cat "$WORK/minutes.log")"
if [ -n "${FRONTDOOR_BUNDLE_KEEP_PDF:-}" ]; then cp "$WORK/minutes.pdf" "$FRONTDOOR_BUNDLE_KEEP_PDF"; fi
unset FRONTDOOR_DATA_DIR FRONTDOOR_DB_PASSPHRASE_FILE

say "smoke test 4/4: keyrings.alt is not in the bundle"
if find "$DIST" -ipath '*keyrings*alt*' | grep -q .; then
    find "$DIST" -ipath '*keyrings*alt*' >&2
    die "keyrings.alt is in the bundle: it would store database passwords in a plain file"
fi

# The files' own sizes (as the bench and tests/test_bundle.py count them), not the disk
# blocks they take, which round each of some 1,500 files up to 4 KiB.
size_kib=$(du -sk --apparent-size "$DIST" | cut -f1)
size_mib="$((size_kib / 1024)).$(((size_kib % 1024) * 10 / 1024))"
say "passed: $DIST is $size_mib MiB of files, $(($(du -sk "$DIST" | cut -f1) / 1024)) MiB on disk (goal < 250 MiB)"
