#!/usr/bin/env bash
# Install what the tests need, then lint, type-check and run the whole suite headless.
# Arguments go to one pytest run instead (e.g. `bash packaging/test.sh -m "not slow"`, one test at
# a time; add `-n auto` to spread them over the cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/setup-env.sh

studydesk_install_system_packages
studydesk_install_venv '.[test]'

export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== mypy" && mypy
export QT_QPA_PLATFORM=offscreen
if [ $# -gt 0 ]; then
    echo "== pytest $*" && exec pytest "$@"
fi
# The whole suite: every test but the timed ones spread over the machine's cores (pytest-xdist),
# then the timed ones (a freeze, a first paint, playback in real time) one at a time, alone.
failed=0
echo "== pytest, on every core" && pytest -n auto -m "not timed" || failed=1
echo "== pytest, the timed tests alone" && pytest -m timed || failed=1
exit "$failed"
