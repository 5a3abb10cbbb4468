#!/usr/bin/env bash
# Install the application with its test extra (and PostgreSQL), then run the whole test suite:
# the unit, database (SQLite and a throwaway PostgreSQL server), UI (offscreen) and tooling
# tests (ruff, mypy, import-linter). Extra arguments go to pytest. Exit status is pytest's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --test
cd "$ROOT"

set +e
"$ROOT/.venv/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "test: pytest collected no tests; that is a failure, not a pass" >&2
fi
exit "$status"
