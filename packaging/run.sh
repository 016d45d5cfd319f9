#!/usr/bin/env bash
# Install what Study Desk needs (system libraries, .venv) and launch it; arguments go to studydesk.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/setup-env.sh

studydesk_install_system_packages
studydesk_install_venv .

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    # No screen (a server, CI): give Qt a virtual one.
    exec xvfb-run -a .venv/bin/studydesk "$@"
fi
exec .venv/bin/studydesk "$@"
