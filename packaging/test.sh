#!/usr/bin/env bash
# Install what the tests need, then lint, type-check and run the whole suite headless.
# Arguments go to pytest (e.g. `bash packaging/test.sh -m "not slow"`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/setup-env.sh

studydesk_install_system_packages
studydesk_install_venv '.[test]'

export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== mypy" && mypy
echo "== pytest" && QT_QPA_PLATFORM=offscreen exec pytest "$@"
