# Sourced by packaging/run.sh and packaging/test.sh (bash, `set -euo pipefail`, cwd = repo root).
# Installs the system libraries Qt needs and the project's virtualenv, each only when missing or
# out of date, so a second run starts at once.

# Qt's xcb, EGL and font stack, PulseAudio for QtMultimedia, and Xvfb (with xauth, which xvfb-run
# needs but xvfb only recommends) for a window on a machine without a screen; ffmpeg makes the
# video tests' clips (the app itself plays with the FFmpeg PySide6 ships); faketime runs the
# planner's command line on a later day; the sync server's tests start a real PostgreSQL
# (initdb, pg_ctl; its own cluster in a temporary folder, never the system's).
STUDYDESK_SYSTEM_PACKAGES=(
    libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libpulse0
    libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xkb1
    xvfb xauth ffmpeg faketime postgresql
)

studydesk_say() {
    printf 'studydesk setup: %s\n' "$*" >&2
}

# studydesk_quietly WHAT COMMAND...: run COMMAND silently; on failure show its output and stop.
studydesk_quietly() {
    local what="$1" log status=0
    shift
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || status=$?
    if ((status != 0)); then
        cat "$log" >&2
        rm -f "$log"
        studydesk_say "$what failed (exit $status, output above)"
        return "$status"
    fi
    rm -f "$log"
}

studydesk_missing_packages() {
    local package
    for package in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
            printf '%s\n' "$package"
        fi
    done
}

studydesk_install_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        studydesk_say "not a Debian system; make sure Qt's libraries are installed:" \
            "${STUDYDESK_SYSTEM_PACKAGES[*]}"
        return 0
    fi
    local wanted=("${STUDYDESK_SYSTEM_PACKAGES[@]}")
    # Debian's own python3 ships venv (ensurepip) separately.
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1 && [[ "$(command -v python3)" == /usr/bin/python3 ]]; then
        wanted+=(python3-venv)
    fi
    local missing
    mapfile -t missing < <(studydesk_missing_packages "${wanted[@]}")
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            studydesk_say "these system packages are missing and installing them needs root:" \
                "${missing[*]}"
            studydesk_say "run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
            return 1
        fi
    fi
    studydesk_say "installing system packages: ${missing[*]}"
    studydesk_quietly "apt-get update" \
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    studydesk_quietly "apt-get install ${missing[*]}" \
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

# The one tool that installs Python packages from the lock file (uv.lock, universal: Linux,
# Windows and macOS) and writes it (`bash packaging/lock.sh`). Pinned: a newer uv may write a
# lock file the pinned one cannot read.
STUDYDESK_UV_VERSION=0.13.9

# studydesk_install_uv: .venv/bin/uv at the pinned version (pip-installed into .venv, created
# with python3 -m venv when missing).
studydesk_install_uv() {
    if [[ ! -x .venv/bin/python ]]; then
        if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            studydesk_say "Study Desk needs Python 3.11 or newer as python3; found: $(python3 --version 2>&1)"
            return 1
        fi
        studydesk_say "creating .venv"
        python3 -m venv .venv
    fi
    if [[ "$(.venv/bin/uv --version 2>/dev/null)" != "uv $STUDYDESK_UV_VERSION"* ]]; then
        studydesk_say "installing uv $STUDYDESK_UV_VERSION into .venv (pip)"
        studydesk_quietly "pip install uv==$STUDYDESK_UV_VERSION" \
            .venv/bin/python -m pip install --disable-pip-version-check --quiet \
            "uv==$STUDYDESK_UV_VERSION"
    fi
}

# studydesk_uv ARGS...: uv working on this checkout's .venv, never downloading a Python.
studydesk_uv() {
    UV_PROJECT_ENVIRONMENT="$PWD/.venv" UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1 \
        .venv/bin/uv "$@"
}

# studydesk_install_venv TARGET: TARGET is "." (the app) or ".[test]" (the app and test tools),
# installed into .venv exactly at the versions of uv.lock (`uv sync --locked`: it stops, saying
# so, when uv.lock no longer matches pyproject.toml; `bash packaging/lock.sh` updates it).
# Packages installed by hand beside them (anki for a benchmark) are left alone. Skipped while
# pyproject.toml and uv.lock hash the same as at the last install of TARGET (or of ".[test]",
# which includes ".").
studydesk_install_venv() {
    local target="$1"
    studydesk_install_uv
    local digest stamp_base=".venv/.studydesk-installed"
    digest="$(cat pyproject.toml uv.lock | sha256sum | cut -d' ' -f1)"
    local stamps=("$stamp_base-test")
    [[ "$target" == "." ]] && stamps+=("$stamp_base-app")
    local stamp
    for stamp in "${stamps[@]}"; do
        if [[ -f "$stamp" && "$(<"$stamp")" == "$digest" ]]; then
            return 0
        fi
    done
    local extras=() name=app
    if [[ "$target" == ".[test]" ]]; then
        extras=(--extra test)
        name=test
    fi
    studydesk_say "installing $target into .venv from uv.lock"
    studydesk_quietly "uv sync --locked $target" \
        studydesk_uv sync --locked --inexact "${extras[@]}"
    printf '%s\n' "$digest" >"$stamp_base-$name"
}
