#!/usr/bin/env bash
# Build Study Desk's Windows installer, dist/StudyDesk-<version>-setup.exe, on Windows (Git
# Bash, as on GitHub's runners; NSIS 3's makensis on PATH), from uv.lock like every build:
# the PyInstaller bundle, its self-test, then packaging/windows/studydesk.nsi around it.
#
#   bash packaging/windows/build.sh
#
# Never run here (Linux); the Windows job of .github/workflows/release.yml runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
UV_VERSION="$(sed -n 's/^STUDYDESK_UV_VERSION=//p' packaging/setup-env.sh)"

if [[ ! -x .venv/Scripts/python.exe ]]; then
    python -m venv .venv
fi
PY=.venv/Scripts/python.exe
$PY -m pip install --disable-pip-version-check --quiet "uv==$UV_VERSION"
UV_PROJECT_ENVIRONMENT="$PWD/.venv" UV_PYTHON_DOWNLOADS=never $PY -m uv sync --locked --extra test
VERSION="$($PY -c 'import app; print(app.__version__)')"
BUILD=build/windows
DIST=dist
rm -rf "$BUILD" && mkdir -p "$BUILD" "$DIST"
started=$(date +%s)

echo "== icons"
$PY packaging/make_icons.py build/icons  # the spec gives studydesk.exe build/icons/studydesk.ico

echo "== bundle"
$PY -m PyInstaller packaging/studydesk.spec --noconfirm --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/work"

echo "== self-test"
"$BUILD/dist/studydesk/studydesk.exe" --self-test

echo "== installer"
SETUP="$DIST/StudyDesk-$VERSION-setup.exe"
makensis -V2 -WX -DPAYLOAD="$(cygpath -w "$PWD/$BUILD/dist/studydesk")" -DVERSION="$VERSION" \
    -DICON="$(cygpath -w "$PWD/build/icons/studydesk.ico")" -DOUTFILE="$(cygpath -w "$PWD/$SETUP")" \
    packaging/windows/studydesk.nsi

echo "== built in $(($(date +%s) - started)) s"
printf '%-50s %6s MB\n' "$SETUP" "$(($(stat -c %s "$SETUP") / 1000000))"
