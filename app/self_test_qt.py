"""The self-test's window checks (`studydesk --self-test`): Qt's platform plugin and the system
libraries it needs, fonts, a lesson rendered, a video frame decoded.

They run in a child process: a platform plugin that cannot load aborts the process that tries,
and the self-test must live to say so. Before it, the plugin file is loaded on its own, so a
missing system library is named (with its Debian package where known). Qt is imported only
inside the checks, so this module loads where Qt cannot.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from app.self_test import Check, CheckFailed, CheckRun, SampleProfile

QT_CHILD_TIMEOUT_S = 90

# Libraries Qt's xcb platform plugin links, and the Debian/Ubuntu package that has each.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libpulse.so.0": "libpulse0",
    "libwayland-client.so.0": "libwayland-client0",
}


def _platform_wanted() -> tuple[str, bool]:
    """The platform plugin a window would use here, and whether there is a screen for it."""
    asked = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked, True
    if sys.platform == "win32":
        return "windows", True
    if sys.platform == "darwin":
        return "cocoa", True
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return "wayland", True
    return "xcb", bool(os.environ.get("DISPLAY"))


def _missing_libraries(plugin: Path) -> list[str]:
    """The shared libraries the plugin needs and the system lacks (ldd's 'not found')."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    missing = []
    for line in result.stdout.splitlines():
        if "not found" in line:
            missing.append(line.split("=>")[0].strip())
    return missing


def _named(libraries: list[str]) -> str:
    named = []
    for library in libraries:
        package = DEBIAN_PACKAGES.get(library)
        named.append(f"{library} (Debian/Ubuntu package {package})" if package else library)
    return ", ".join(named)


def check_platform_libraries(platform: str) -> str:
    """Load the platform plugin's file with the system's loader: a missing library is named."""
    if sys.platform in ("win32", "darwin") or platform in ("offscreen", "minimal"):
        return f"the {platform!r} platform needs no system libraries beyond Qt's own"
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    plugin = plugins / f"libq{platform}.so"
    if not plugin.is_file():
        raise CheckFailed(f"Qt's {platform!r} platform plugin is not in this build ({plugin})")
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        missing = _missing_libraries(plugin)
        if missing:
            raise CheckFailed(
                f"Qt's {platform!r} platform plugin cannot load: missing system "
                f"libraries {_named(missing)}"
            ) from None
        message = str(error)
        library = message.split(":")[0].strip()
        raise CheckFailed(
            f"Qt's {platform!r} platform plugin cannot load: {_named([library])}: "
            f"{message.split(':', 1)[-1].strip()}"
        ) from None
    return f"every library of Qt's {platform!r} platform plugin loads"


def qt_checks_in_child(
    answer: Connection, markdown: str, title: str, video: str | None, offscreen: bool
) -> None:  # pragma: no cover - runs in the child process, tested through the parent
    """The child's whole life: each window check, sent as it finishes, then None."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    run = CheckRun(quiet=True)
    try:
        from PySide6.QtWidgets import QApplication

        application = QApplication.instance() or QApplication(["studydesk-self-test"])

        def platform() -> str:
            name = QApplication.platformName()
            screen = QApplication.primaryScreen()
            size = screen.size() if screen else None
            where = f", screen {size.width()} x {size.height()}" if size else ""
            return f"Qt {_qt_version()} started on the {name!r} platform{where}"

        run.run("qt platform", platform)
        answer.send(run.checks[-1])
        for name, check in (
            ("fonts", _check_fonts),
            ("lesson render", lambda: _check_lesson_render(markdown, title)),
            ("video frame", lambda: _check_video(video)),
        ):
            run.run(name, check)
            answer.send(run.checks[-1])
        del application
    finally:
        answer.send(None)
        answer.close()


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return qVersion()


def _check_fonts() -> str:
    from PySide6.QtGui import QFontDatabase

    families = QFontDatabase.families()
    if not families:
        raise CheckFailed(
            "no fonts found: install one (Debian/Ubuntu package fonts-dejavu-core), "
            "or text shows as empty boxes"
        )
    return f"{len(families)} font families"


def _check_lesson_render(markdown: str, title: str) -> str:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument

    if not markdown:
        raise CheckFailed("not run: the sample lesson could not be read (see above)")
    document = QTextDocument()
    document.setMarkdown(markdown)
    document.setPageSize(QSizeF(600, 100_000))
    text = document.toPlainText()
    if len(text.strip()) < 100:
        raise CheckFailed("the sample lesson rendered to almost no text")
    height = min(int(document.size().height()), 4000)
    image = QImage(600, max(height, 1), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    inked = sum(
        1
        for y in range(0, image.height(), 7)
        for x in range(0, image.width(), 7)
        if image.pixelColor(x, y) != QColor("white")
    )
    if inked == 0:
        raise CheckFailed("the sample lesson was laid out but painted nothing (fonts?)")
    blocks = document.blockCount()
    return f"{title!r}: {blocks} paragraphs, {height} px tall at 600 px wide, painted"


def _check_video(video: str | None) -> str:
    if video is None:
        raise CheckFailed("the sample video is not in this build (resources/sample/videos)")
    from app.ui.videos.probe import frame_on_this_thread, quiet_multimedia_logging

    quiet_multimedia_logging()
    image = frame_on_this_thread(Path(video), 1.0)
    if image is None or image.isNull():
        raise CheckFailed(
            f"no frame decoded from the sample video {Path(video).name} "
            "(QtMultimedia's FFmpeg backend did not load or cannot decode H.264)"
        )
    return f"a {image.width()} x {image.height()} frame decoded from {Path(video).name}"


def _sample_video() -> str | None:
    from app.paths import resources_dir

    videos = sorted((resources_dir() / "sample" / "videos").glob("*.mp4"))
    return str(videos[0]) if videos else None


def run_qt_checks(run: CheckRun, sample: SampleProfile) -> None:
    platform, has_screen = _platform_wanted()
    libraries_ok = run.run("qt libraries", lambda: check_platform_libraries(platform))
    if not libraries_ok:
        for name in ("qt platform", "fonts", "lesson render", "video frame"):
            run.add(Check(name, "fail", "not run: Qt's platform plugin cannot load", 0.0))
        return
    offscreen = not has_screen
    if offscreen:
        run.add(
            Check(
                "screen",
                "skip",
                "no screen here (DISPLAY is not set): the window checks run offscreen",
                0.0,
            )
        )
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=qt_checks_in_child,
        args=(send, sample.lesson_markdown, sample.lesson_title, _sample_video(), offscreen),
        name="studydesk-self-test-qt",
        daemon=True,
    )
    started = time.perf_counter()
    child.start()
    send.close()
    expected = ["qt platform", "fonts", "lesson render", "video frame"]
    try:
        while True:
            left = QT_CHILD_TIMEOUT_S - (time.perf_counter() - started)
            if left <= 0 or not receive.poll(left):
                raise TimeoutError
            check = receive.recv()
            if check is None:
                break
            run.add(check)
            expected.remove(check.name)
    except (EOFError, OSError, TimeoutError) as error:
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
        why = (
            f"the window checks took longer than {QT_CHILD_TIMEOUT_S} s"
            if isinstance(error, TimeoutError)
            else f"the window's process ended with exit code {child.exitcode} "
            "(Qt's message is above)"
        )
        for name in expected:
            run.add(Check(name, "fail", f"not run: {why}", 0.0))
        expected = []
    child.join(10)
    receive.close()
