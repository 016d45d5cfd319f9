"""File > Add Videos… and Add Video Folder…, drag and drop: adding files off the GUI thread.

The files are examined on a read thread (walking folders, fingerprinting, decoding each new one
for its facts and a thumbnail) with progress and Cancel in the status bar; a cancel writes
nothing. Then one write adds what was found, and the learner is told what came in and, file by
file, what was refused and why.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.videos.adding import AddReport, Examined, add_examined, examine_files
from app.core.videos.media import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, store_thumbnail
from app.ui.context import ViewContext
from app.ui.tasks import TaskHandle
from app.ui.videos.probe import shared_prober

NAME_FILTER = (
    "Videos and audio ("
    + " ".join(f"*{e}" for e in sorted(VIDEO_EXTENSIONS | AUDIO_EXTENSIONS))
    + ");;All files (*)"
)
REFUSED_SHOWN = 12


def add_videos_from_menu(context: ViewContext, window: QWidget) -> TaskHandle | None:
    names, _filter = QFileDialog.getOpenFileNames(
        window, "Add Videos", str(Path.home()), NAME_FILTER
    )
    return add_paths(context, window, [Path(n) for n in names]) if names else None


def add_folder_from_menu(context: ViewContext, window: QWidget) -> TaskHandle | None:
    name = QFileDialog.getExistingDirectory(window, "Add a Folder of Videos", str(Path.home()))
    return add_paths(context, window, [Path(name)]) if name else None


def add_paths(
    context: ViewContext,
    window: QWidget,
    paths: list[Path],
    on_added: Callable[[AddReport], None] | None = None,
) -> TaskHandle:
    """Examine `paths` (cancellable), then add what can be added and say what happened."""
    opened = context.opened
    runner = context.runner
    prober = shared_prober()
    media_dir = opened.profile.media_dir
    label = f"Adding {paths[0].name}" if len(paths) == 1 else f"Adding {len(paths)} items"

    def write(examined: Examined) -> None:
        runner.run_write(
            lambda _p: add_examined(opened.database, examined, media_dir),
            label=label,
            on_done=done,
            owner=window,
        )

    def done(report: AddReport) -> None:
        tell(window, report)
        if on_added is not None:
            on_added(report)

    return runner.run_read(
        lambda progress: examine_files(opened.database, paths, prober.probe, media_dir, progress),
        label=label,
        cancellable=True,
        on_done=write,
        on_cancelled=lambda: status(window, "Adding videos was cancelled; nothing was added."),
        owner=window,
    )


def status(window: QWidget, text: str) -> None:
    bar = getattr(window, "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 15_000)


def refused_text(report: AddReport) -> str:
    lines = [f"{Path(r.path).name}: {r.reason}" for r in report.refused[:REFUSED_SHOWN]]
    more = len(report.refused) - REFUSED_SHOWN
    if more > 0:
        lines.append(f"…and {more} more (all are listed under Show Details).")
    return "\n".join(lines)


def tell(window: QWidget, report: AddReport) -> None:
    summary = report.summary()
    status(window, f"Videos: {summary}.")
    if not report.refused:
        return
    text = (
        f"{summary[:1].upper()}{summary[1:]}.\n\nThese files could not be added:\n\n"
        f"{refused_text(report)}"
    )
    box = QMessageBox(QMessageBox.Icon.Warning, "Some Files Not Added", text, parent=window)
    box.setDetailedText("\n".join(f"{r.path}: {r.reason}" for r in report.refused))
    show_message_box(box)


def show_message_box(box: QMessageBox) -> None:
    """Non-blocking: the window goes on while the learner reads it."""
    box.setModal(False)
    box.show()


class ThumbnailMaker:
    """Makes missing thumbnails one at a time on a read thread (the decoder takes one file at
    a time; queued requests must not hold every read thread). `owner`: the object `on_made`
    belongs to; once it is deleted, a thumbnail made after is not announced."""

    def __init__(
        self, context: ViewContext, on_made: Callable[[str], None], owner: QObject | None = None
    ) -> None:
        self.context = context
        self.on_made = on_made
        self.owner = owner
        self.waiting: deque[tuple[str, str]] = deque()
        self.busy = False

    def want(self, video_id: str, path: str) -> None:
        self.waiting.append((video_id, path))
        self._next()

    def _next(self) -> None:
        if self.busy or not self.waiting:
            return
        video_id, path = self.waiting.popleft()
        self.busy = True
        prober = shared_prober()
        media_dir = self.context.opened.profile.media_dir

        def make(_progress: object) -> bool:
            probed = prober.probe(Path(path))
            if probed.thumbnail_jpeg:
                store_thumbnail(media_dir, video_id, probed.thumbnail_jpeg)
                return True
            return False

        def finished() -> None:
            self.busy = False
            self._next()

        self.context.runner.run_read(
            make,
            on_done=lambda made: self.on_made(video_id) if made else None,
            on_error=lambda _error: None,  # the placeholder stays
            on_finally=finished,
            owner=self.owner,
        )
