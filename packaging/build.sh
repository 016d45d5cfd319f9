#!/usr/bin/env bash
# Build Study Desk's Linux packages into dist/: a .deb (PyInstaller onedir bundle in
# /usr/lib/studydesk, desktop entry, hicolor icons, AppStream metainfo, MIME types for .apkg,
# .sdcourse and .sdqbank, man page; the system libraries it links declared as Depends) checked
# with lintian, and a portable .tar.gz of the same bundle. Prints the build time and sizes.
#
#   bash packaging/build.sh            # both
#   STUDYDESK_SKIP_LINTIAN=1 bash packaging/build.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/setup-env.sh

# dpkg-deb comes with dpkg; lintian checks the package; the rest is what setup-env installs.
STUDYDESK_SYSTEM_PACKAGES+=(lintian binutils patchelf)
studydesk_install_system_packages
studydesk_install_venv '.[test]'

PY=.venv/bin/python
VERSION="$($PY -c 'import app; print(app.__version__)')"
ARCH="$(dpkg --print-architecture)"
APP_ID=org.studydesk.StudyDesk
BUILD=build/packages
DIST=dist
rm -rf "$BUILD" && mkdir -p "$BUILD" "$DIST"

echo "== PyInstaller bundle"
started=$(date +%s)
$PY -m PyInstaller packaging/studydesk.spec --noconfirm --log-level WARN \
    --distpath "$BUILD/bundle" --workpath "$BUILD/work"
bundle_s=$(($(date +%s) - started))
BUNDLE="$BUILD/bundle/studydesk"

echo "== icons"
$PY packaging/make_icons.py "$BUILD/icons"

echo "== .deb"
ROOT="$BUILD/deb/studydesk_${VERSION}_${ARCH}"
mkdir -p "$ROOT/DEBIAN" "$ROOT/usr/lib" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/metainfo" "$ROOT/usr/share/mime/packages" "$ROOT/usr/share/man/man1" \
    "$ROOT/usr/share/doc/studydesk" "$ROOT/usr/share/lintian/overrides" \
    "$ROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$ROOT/usr/lib/studydesk"
ln -s ../lib/studydesk/studydesk "$ROOT/usr/bin/studydesk"
cp packaging/linux/$APP_ID.desktop "$ROOT/usr/share/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" \
    packaging/linux/$APP_ID.metainfo.xml >"$ROOT/usr/share/metainfo/$APP_ID.metainfo.xml"
cp packaging/linux/studydesk-mime.xml "$ROOT/usr/share/mime/packages/studydesk.xml"
cp -r "$BUILD/icons/hicolor" "$ROOT/usr/share/icons/"
cp resources/icons/studydesk.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
gzip -9n <packaging/linux/studydesk.1 >"$ROOT/usr/share/man/man1/studydesk.1.gz"
cp packaging/linux/lintian-overrides "$ROOT/usr/share/lintian/overrides/studydesk"
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: Study Desk"
    echo "Comment: The licences of everything in /usr/lib/studydesk (Qt and PySide6 under the"
    echo " LGPL with how to replace them, FFmpeg, SQLite, Python and each Python package) are in"
    echo " /usr/lib/studydesk/_internal/licences/THIRD-PARTY-LICENCES.txt."
    echo
    echo "Files: *"
    echo "Copyright: 2026 the Study Desk authors"
    echo "License: Expat"
    sed -n '3,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
} >"$ROOT/usr/share/doc/studydesk/copyright"
{
    echo "studydesk ($VERSION) unstable; urgency=medium"
    echo
    echo "  * Release $VERSION."
    echo
    echo " -- Study Desk maintainers <maintainers@studydesk.invalid>  $(date -R)"
} | gzip -9n >"$ROOT/usr/share/doc/studydesk/changelog.gz"

# Symbols off the libraries outside Qt (Python's modules, the compiled packages), and the
# build machine's RUNPATH off Python's (the bundle finds libpython beside them). Qt's files stay
# as shipped (stripping its patched FFmpeg breaks it), and so does the executable: PyInstaller
# appends the bundle's archive to it.
while IFS= read -r -d '' file; do
    [[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" == '177ELF' ]] || continue
    strip --strip-unneeded --remove-section=.comment "$file"
    if patchelf --print-rpath "$file" 2>/dev/null | grep -q '^/'; then
        patchelf --remove-rpath "$file"
    fi
done < <(find "$ROOT/usr/lib/studydesk/_internal" -type f -not -path '*/PySide6/*' -print0)
strip --strip-unneeded "$ROOT"/usr/lib/studydesk/_internal/PySide6/Qt/lib/libicu*.so.*

# Permissions as Debian wants them: directories and executables 755, everything else 644.
find "$ROOT" -type d -exec chmod 755 {} +
find "$ROOT/usr" -type f -exec chmod 644 {} +
chmod 755 "$ROOT/usr/lib/studydesk/studydesk"

# Depends: the base a Qt window needs, plus every system package whose libraries the bundle
# links (left out of it by the spec), each also under its 64-bit-time name (Ubuntu 24.04+);
# libpq5 for the sync server's PostgreSQL (psycopg without its binary build).
mapfile -t linked <"$BUILD/work/studydesk/system-packages.txt"
depends=()
for package in libc6 libegl1 libgl1 libopengl0 libxkbcommon-x11-0 libxcb-cursor0 fonts-dejavu-core libpq5 \
    "${linked[@]}"; do
    case "$package" in
    libc6 | libgcc-s1 | libstdc++6 | zlib1g) depends+=("$package") ;;
    lib*) depends+=("$package | ${package}t64") ;;
    *) depends+=("$package") ;;
    esac
done
installed_kb=$(du -sk --apparent-size "$ROOT/usr" | cut -f1)
{
    echo "Package: studydesk"
    echo "Version: $VERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: Study Desk maintainers <maintainers@studydesk.invalid>"
    echo "Installed-Size: $installed_kb"
    printf 'Depends: %s\n' "$(printf '%s, ' "${depends[@]}" | sed 's/, $//')"
    echo "Section: education"
    echo "Priority: optional"
    echo "Description: offline study app: lessons, flashcards, videos and notes"
    echo " Study Desk is an offline desktop study app: courses with lessons and checks,"
    echo " flashcards scheduled with FSRS, your own lecture videos with bookmarks, and a"
    echo " notebook. Each learner's data is one SQLite file in their home folder; removing"
    echo " the package never removes it."
} >"$ROOT/DEBIAN/control"

DEB="$DIST/studydesk_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null

if [[ "${STUDYDESK_SKIP_LINTIAN:-0}" != 1 ]]; then
    echo "== lintian"
    lintian_log="$BUILD/lintian.txt"
    lintian --tag-display-limit 0 "$DEB" >"$lintian_log" 2>&1 || true
    cat "$lintian_log"
    if grep -q '^E:' "$lintian_log"; then
        echo "lintian found errors (above)" >&2
        exit 1
    fi
fi

echo "== .tar.gz"
TARDIR="$BUILD/tar/studydesk-$VERSION"
mkdir -p "$TARDIR"
cp -a "$BUNDLE/." "$TARDIR/"
cp -r "$BUILD/icons/hicolor" "$TARDIR/icons"
cp packaging/linux/$APP_ID.desktop packaging/linux/studydesk-mime.xml LICENSE "$TARDIR/"
cat >"$TARDIR/README.txt" <<EOF
Study Desk $VERSION, portable: unpack anywhere and run ./studydesk (./studydesk --self-test
checks this computer first and names any missing system library). It uses the system's X11,
xcb, OpenGL, fontconfig and PulseAudio libraries, which every desktop has; the .deb declares
them. Your data goes to ~/.local/share/StudyDesk, or run ./studydesk --data-dir DIR to keep it
next to the program.
EOF
TARBALL="$DIST/studydesk-$VERSION-linux-$(uname -m).tar.gz"
tar -C "$BUILD/tar" -czf "$TARBALL" "studydesk-$VERSION"

total_s=$(($(date +%s) - started))
# For packaging/figures.py.
printf 'total_s=%s\npyinstaller_s=%s\ninstalled_kb=%s\ncores=%s\ndate=%s\n' "$total_s" \
    "$bundle_s" "$installed_kb" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" >"$BUILD/figures.txt"
echo "== built in ${total_s} s (PyInstaller ${bundle_s} s)"
printf '%-50s %6s MB\n' "$DEB" "$(($(stat -c %s "$DEB") / 1000000))"
printf '%-50s %6s MB\n' "$TARBALL" "$(($(stat -c %s "$TARBALL") / 1000000))"
printf '%-50s %6s MB\n' "installed size (Installed-Size)" "$((installed_kb / 1000))"
