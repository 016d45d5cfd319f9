#!/usr/bin/env bash
# Update uv.lock, the exact versions (with hashes) of every package Study Desk and its tests
# install, on Linux, Windows and macOS alike, then install them into .venv.
#
#   bash packaging/lock.sh                      # after editing pyproject.toml: lock what changed
#   bash packaging/lock.sh --upgrade            # every package to its newest allowed version
#   bash packaging/lock.sh --upgrade-package X  # only X
#
# Arguments go to `uv lock`. Commit uv.lock with the pyproject.toml change; a test
# (tests/packaging/test_lock.py) fails while the two disagree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/setup-env.sh

studydesk_install_uv
studydesk_uv lock "$@"
studydesk_install_venv '.[test]'
