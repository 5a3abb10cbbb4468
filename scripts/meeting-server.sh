#!/usr/bin/env bash
# A meeting server to try on one machine: PostgreSQL on this computer's loopback only, set up
# by `frontdoor server init`, the small demo city built into it, and demo users with
# passwords printed once.
#
#   bash scripts/meeting-server.sh          create (or start) the server and print how to sign in
#   bash scripts/meeting-server.sh --stop   stop it (by the PID in its data folder)
#
# Installs PostgreSQL (apt-get, as root or through sudo) when it is missing. The server's
# files live in the user's data folder (as root: /var/lib/frontdoor/meeting-server, run as
# the postgres account). The administrator connects through a Unix socket in that folder
# (only this account can reach it); everyone else signs in over 127.0.0.1 with a password.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTDOOR="${FRONTDOOR_BIN:-$ROOT/.venv/bin/frontdoor}"
PORT="${FRONTDOOR_SERVER_PORT:-54329}"
DB=frontdoor
DBA=frontdoor_dba

say() { printf 'meeting-server: %s\n' "$*"; }
die() {
    printf 'meeting-server: %s\n' "$*" >&2
    exit 1
}

if [ "$(id -u)" = 0 ]; then
    HOME_DIR=/var/lib/frontdoor/meeting-server
    RUN=(runuser -u postgres --)
else
    HOME_DIR="${FRONTDOOR_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/frontdoor}/meeting-server"
    RUN=()
fi
DATA="$HOME_DIR/data"

bindir() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
        found="$(dirname "$(command -v pg_ctl)")"
    fi
    printf '%s' "$found"
}

new_password() { "$ROOT/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(11))'; }

BIN="$(bindir)"
if [ "${1:-}" = "--stop" ]; then
    [ -f "$DATA/postmaster.pid" ] || die "no server running in $DATA"
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w stop
    exit 0
fi

if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    say "installing PostgreSQL (apt-get)"
    SUDO=()
    [ "$(id -u)" = 0 ] || SUDO=(sudo)
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq postgresql >/dev/null
    BIN="$(bindir)"
    [ -x "$BIN/initdb" ] || die "PostgreSQL was installed but initdb is not in /usr/lib/postgresql/*/bin"
fi
[ -x "$FRONTDOOR" ] || { say "installing the application first"; bash "$ROOT/scripts/setup.sh"; }

mkdir -p "$HOME_DIR"
chmod 700 "$HOME_DIR"
[ "$(id -u)" = 0 ] && chown postgres "$HOME_DIR"
NEW=0
if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating the server in $DATA"
    "${RUN[@]}" "$BIN/initdb" -D "$DATA" -U "$DBA" --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C >/dev/null
    NEW=1
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "starting it on 127.0.0.1:$PORT"
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$HOME_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $HOME_DIR -c password_encryption=scram-sha-256 \
            -c logging_collector=on -c log_destination=stderr,csvlog -c log_directory=$HOME_DIR/log \
            -c log_timezone=UTC" start >/dev/null
fi
ADMIN_URL="postgresql+psycopg://$DBA@/$DB?host=$HOME_DIR&port=$PORT"
CLIENT="postgresql+psycopg://LOGIN@127.0.0.1:$PORT/$DB"

if [ "$NEW" = 1 ]; then
    "${RUN[@]}" "$BIN/psql" -h "$HOME_DIR" -p "$PORT" -U "$DBA" -d postgres -qc "CREATE DATABASE $DB" >/dev/null
    say "server init (roles, schema as the owner, reference lists, row-level security)"
    "$FRONTDOOR" --database "$ADMIN_URL" server init | tail -n 1
    say "building the small demo city into it"
    # Into a file, then its first line: `| head -n 1` closed the pipe while the demo was
    # still printing its summary (BrokenPipeError, and pipefail ended the script).
    "$FRONTDOOR" --database "$ADMIN_URL" demo --scale small >"$HOME_DIR/demo.log"
    head -n 1 "$HOME_DIR/demo.log"
    say "demo users and their passwords (shown once; keep them, or set new ones with"
    say "  $FRONTDOOR --database '$ADMIN_URL' users password LOGIN)"
    printf '\n  %-22s %-16s %s\n' LOGIN ROLE PASSWORD
    # The demo made a chair, an admin, a representative per agency and an FGC coordinator
    # per team (demo.fgc.<team>): each gets a login with a new password.
    "$FRONTDOOR" --database "$ADMIN_URL" users list | while read -r login role _rest; do
        password="$(new_password)"
        printf '%s\n' "$password" | "$FRONTDOOR" --database "$ADMIN_URL" users password "$login" --password-stdin >/dev/null
        printf '  %-22s %-16s %s\n' "$login" "$role" "$password"
    done
    echo
else
    say "the server was already set up; users: $FRONTDOOR --database '$ADMIN_URL' users list"
fi
say "check: $FRONTDOOR --database '$ADMIN_URL' server check"
say "failed sign-ins into the audit trail (run it now and then, e.g. from cron):"
say "  $FRONTDOOR --database '$ADMIN_URL' server failed-sign-ins $HOME_DIR/log"
say "open a window, signing in as LOGIN (the sign-in dialog asks for the password):"
say "  FRONTDOOR_DATABASE_URL=$CLIENT $FRONTDOOR"
say "stop the server: bash scripts/meeting-server.sh --stop"
