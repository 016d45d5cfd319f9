"""Render resources/icons/studydesk.svg into the sizes each platform wants.

    python packaging/make_icons.py OUT_DIR

writes OUT_DIR/hicolor/<n>x<n>/apps/<id>.png (16 to 512, the freedesktop hicolor sizes),
OUT_DIR/studydesk.ico (Windows: 16 to 256 in one file) and OUT_DIR/studydesk.iconset/ (macOS:
`iconutil -c icns` turns it into studydesk.icns). Uses Qt's own SVG renderer, so nothing else
needs installing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "studydesk.svg"
APP_ID = "org.studydesk.StudyDesk"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main(out: Path) -> None:
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
    iconset = out / "studydesk.iconset"
    iconset.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        render(renderer, size).save(str(iconset / f"icon_{size}x{size}.png"), "PNG")
        render(renderer, size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"), "PNG")
    # Qt's ICO writer stores one image per file; a multi-size .ico is assembled by hand from
    # PNG-compressed entries (valid since Windows Vista).
    write_ico(out / "studydesk.ico", [render(renderer, size) for size in ICO_SIZES])


def write_ico(path: Path, images: list[QImage]) -> None:
    import struct

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    blobs = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        blobs.append(bytes(data.data()))
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() if image.width() < 256 else 0
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(header + entries + b"".join(blobs))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons")
