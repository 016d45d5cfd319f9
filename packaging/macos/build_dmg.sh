#!/usr/bin/env bash
# Build "Study Desk.app" and dist/StudyDesk-<version>-macos-<arch>.dmg on a Mac (Xcode's
# command-line tools: iconutil, hdiutil, codesign, xcrun), from uv.lock like every build.
#
#   bash packaging/macos/build_dmg.sh
#
# Signing and notarisation, each only when its environment variables are set (without them the
# .dmg is unsigned: fine for testing, Gatekeeper warns a learner who downloads it):
#   STUDYDESK_CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)", in the keychain;
#                                every Mach-O file, the app (hardened runtime, a timestamp,
#                                packaging/macos/entitlements.plist) and the .dmg are signed.
#   STUDYDESK_NOTARY_PROFILE     a `xcrun notarytool store-credentials` profile, or instead
#   STUDYDESK_APPLE_ID, STUDYDESK_TEAM_ID, STUDYDESK_APP_PASSWORD (an app-specific password):
#                                the .dmg is submitted with `notarytool submit --wait`, then the
#                                ticket stapled to it (`stapler staple`), so it opens offline.
# Never run here (Linux); the macOS job of .github/workflows/release.yml runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source packaging/setup-env.sh

studydesk_install_venv '.[test]'
PY=.venv/bin/python
VERSION="$($PY -c 'import app; print(app.__version__)')"
ARCH="$(uname -m)"
BUILD=build/macos
DIST=dist
APP="$BUILD/dist/Study Desk.app"
DMG="$DIST/StudyDesk-$VERSION-macos-$ARCH.dmg"
rm -rf "$BUILD" && mkdir -p "$BUILD" "$DIST"
started=$(date +%s)

echo "== icons"
$PY packaging/make_icons.py "$BUILD/icons"
iconutil -c icns "$BUILD/icons/studydesk.iconset" -o "$BUILD/icons/studydesk.icns"

echo "== Study Desk.app"
STUDYDESK_ICNS="$PWD/$BUILD/icons/studydesk.icns" $PY -m PyInstaller packaging/studydesk.spec \
    --noconfirm --log-level WARN --distpath "$BUILD/dist" --workpath "$BUILD/work"

echo "== self-test"
"$APP/Contents/MacOS/studydesk" --self-test

if [[ -n "${STUDYDESK_CODESIGN_IDENTITY:-}" ]]; then
    echo "== codesign"
    sign=(codesign --force --timestamp --options runtime
        --entitlements packaging/macos/entitlements.plist --sign "$STUDYDESK_CODESIGN_IDENTITY")
    # Inside out: every library and executable, then the app itself.
    while IFS= read -r -d '' file; do
        if file -b "$file" | grep -q 'Mach-O'; then
            "${sign[@]}" "$file"
        fi
    done < <(find "$APP/Contents" -type f -print0)
    "${sign[@]}" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

echo "== .dmg"
STAGE="$BUILD/dmg"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Study Desk" -srcfolder "$STAGE" -ov -format UDZO "$DMG" >/dev/null
if [[ -n "${STUDYDESK_CODESIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$STUDYDESK_CODESIGN_IDENTITY" "$DMG"
fi

if [[ -n "${STUDYDESK_NOTARY_PROFILE:-}" || -n "${STUDYDESK_APPLE_ID:-}" ]]; then
    echo "== notarise"
    if [[ -n "${STUDYDESK_NOTARY_PROFILE:-}" ]]; then
        credentials=(--keychain-profile "$STUDYDESK_NOTARY_PROFILE")
    else
        credentials=(--apple-id "$STUDYDESK_APPLE_ID" --team-id "$STUDYDESK_TEAM_ID"
            --password "$STUDYDESK_APP_PASSWORD")
    fi
    xcrun notarytool submit "$DMG" "${credentials[@]}" --wait
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
fi

echo "== built in $(($(date +%s) - started)) s"
printf '%-50s %6s MB\n' "$DMG" "$(($(stat -f %z "$DMG") / 1000000))"
printf '%-50s %6s MB\n' "Study Desk.app" "$(du -sm "$APP" | cut -f1)"
