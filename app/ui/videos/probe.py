"""Reading video files with QtMultimedia's own FFmpeg: length, codecs, title, a thumbnail, a frame.

The learner's laptop need not have ffmpeg installed: PySide6 ships the FFmpeg that QtMultimedia
plays with, so the same decoder that plays a file says whether it can be added. A `MediaProber`
decodes on a thread of its own (a QMediaPlayer needs an event loop); its `probe` and `frame_at`
block the calling thread, so call them from worker threads (the task runner's, or the command
line's main thread), never from the GUI thread. The window and the command line share it.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QLoggingCategory,
    QMessageLogContext,
    QObject,
    QSize,
    Qt,
    QThread,
    QTimer,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaFormat, QMediaMetaData, QMediaPlayer, QVideoFrame, QVideoSink

from app.core.videos.media import NotPlayable, ProbedMedia
from app.ui.override_cache import settle_notify_overrides

log = logging.getLogger(__name__)

OPEN_TIMEOUT_MS = 10_000
# A file whose video opens but gives no frame within this time cannot be decoded here (AV1
# without a decoder: QtMultimedia then opens it and never delivers a frame).
FRAME_TIMEOUT_MS = 2_500
THUMBNAIL_WIDTH = 320


def video_codec_name(codec: object) -> str | None:
    if (
        not isinstance(codec, QMediaFormat.VideoCodec)
        or codec == QMediaFormat.VideoCodec.Unspecified
    ):
        return None
    return QMediaFormat.videoCodecName(codec) or None


def audio_codec_name(codec: object) -> str | None:
    if (
        not isinstance(codec, QMediaFormat.AudioCodec)
        or codec == QMediaFormat.AudioCodec.Unspecified
    ):
        return None
    return QMediaFormat.audioCodecName(codec) or None


def jpeg_bytes(image: QImage, width: int = THUMBNAIL_WIDTH, quality: int = 82) -> bytes:
    scaled = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    return _encoded(scaled, "JPG", quality)


def png_bytes(image: QImage) -> bytes:
    return _encoded(image, "PNG", -1)


def _encoded(image: QImage, kind: str, quality: int) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, kind, quality)  # type: ignore[call-overload]
    return bytes(buffer.data().data())


# QtMultimedia logs from its decoder threads. A Python message handler (a test runner's, a
# logging bridge) would then run on those threads and wait for the interpreter lock while the GUI
# thread, holding it, waits for them in QMediaPlayer.stop(): a deadlock. Its notes are not for
# the learner anyway; errors still arrive through errorOccurred.
MULTIMEDIA_LOG_RULES = (
    "qt.multimedia*.debug=false\nqt.multimedia*.info=false\nqt.multimedia*.warning=false"
)


def quiet_multimedia_logging() -> None:
    QLoggingCategory.setFilterRules(MULTIMEDIA_LOG_RULES)


class _Decoder(QObject):
    """A QMediaPlayer without sound, frames into a sink, on the thread that makes it, kept for
    file after file. Its slots belong to that thread, so whatever thread Qt emits from, they
    run here (queued), never on a decoder thread.

    Nothing Python made is destroyed per file: the player, the sink, the event loop it waits in
    and its timer live as long as the decoder (see app/ui/override_cache.py for the deadlock a
    QEventLoop deleted on this thread after each wait once caused)."""

    def __init__(self) -> None:
        super().__init__()
        self.path = Path()
        self.player = QMediaPlayer(self)
        self.sink = QVideoSink(self)
        self.player.setVideoSink(self.sink)
        self.error = ""
        self.image: QImage | None = None
        self._target_us = 0
        self._loop = QEventLoop(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._loop.quit)
        settle_notify_overrides(self, self.player, self.sink, self._loop, self._timer)
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.sink.videoFrameChanged.connect(self._on_frame)

    @Slot(QMediaPlayer.Error, str)
    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self.error = self.error or text or "the player failed"
        self._stop_waiting()

    @Slot(QMediaPlayer.MediaStatus)
    def _on_status(self, _status: QMediaPlayer.MediaStatus) -> None:
        if self._opened():
            self._stop_waiting()

    @Slot(QVideoFrame)
    def _on_frame(self, frame: QVideoFrame) -> None:
        self._take(frame)

    def _take(self, frame: QVideoFrame) -> None:
        if self.image is None and frame.isValid() and frame.endTime() >= self._target_us:
            image = frame.toImage()
            if not image.isNull():
                self.image = image
                self._stop_waiting()

    def _opened(self) -> bool:
        loaded = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia)
        return self.player.mediaStatus() in loaded or bool(self.error)

    def _wait(self, timeout_ms: int) -> None:
        self._timer.start(timeout_ms)
        self._loop.exec()
        self._timer.stop()

    def _stop_waiting(self) -> None:
        if self._loop.isRunning():
            self._loop.quit()

    def open(self, path: Path) -> None:
        self.path, self.error, self.image = path, "", None
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        if not self._opened():
            self._wait(OPEN_TIMEOUT_MS)
        if not self._opened():
            raise NotPlayable(path, "it did not open within 10 seconds")
        if self.error or self.player.mediaStatus() == QMediaPlayer.MediaStatus.InvalidMedia:
            detail = f" ({self.error})" if self.error else ""
            raise NotPlayable(path, f"it is not a video or audio file that can be played{detail}")
        if not self.player.hasVideo() and not self.player.hasAudio():
            raise NotPlayable(path, "it holds no picture or sound")
        if self.player.duration() <= 0:
            raise NotPlayable(path, "its length cannot be read (it may be cut short)")

    def frame_at(self, seconds: float) -> QImage | None:
        """The picture at `seconds`, or None when no frame comes (a codec not decoded here)."""
        self.image = None
        self._target_us = int(seconds * 1_000_000)
        self.player.setPosition(int(seconds * 1000))
        self.player.pause()
        self._take(self.sink.videoFrame())
        if self.image is None:
            self._wait(FRAME_TIMEOUT_MS)
        return self.image

    def release(self) -> None:
        """Let go of the file (the learner may move or delete it), keeping the player."""
        self.player.stop()
        self.player.setSource(QUrl())


@contextmanager
def _opened_file(decoder: _Decoder | None, path: Path) -> Iterator[_Decoder]:
    """`path` open in `decoder`, or in a decoder made for this one file when none is given."""
    own = decoder is None
    used = _Decoder() if decoder is None else decoder
    try:
        used.open(path)
        yield used
    finally:
        used.release()
        if own:
            used.deleteLater()


def probe_on_this_thread(path: Path, decoder: _Decoder | None = None) -> ProbedMedia:
    """What the decoder finds in `path`; needs a running Qt application and this thread's event
    loop free. Raises NotPlayable with the reason."""
    with _opened_file(decoder, path) as opened:
        player = opened.player
        meta = player.metaData()
        duration_s = player.duration() / 1000
        size = meta.value(QMediaMetaData.Key.Resolution)
        width, height = (size.width(), size.height()) if isinstance(size, QSize) else (None, None)
        title = meta.stringValue(QMediaMetaData.Key.Title).strip() or None
        thumbnail, decodes = None, True
        if player.hasVideo():
            image = opened.frame_at(min(duration_s * 0.1, 30.0))
            decodes = image is not None
            if image is not None:
                thumbnail = jpeg_bytes(image)
                width, height = width or image.width(), height or image.height()
        return ProbedMedia(
            duration_s=duration_s,
            has_video=player.hasVideo(),
            has_audio=player.hasAudio(),
            width=width if player.hasVideo() else None,
            height=height if player.hasVideo() else None,
            video_codec=video_codec_name(meta.value(QMediaMetaData.Key.VideoCodec)),
            audio_codec=audio_codec_name(meta.value(QMediaMetaData.Key.AudioCodec)),
            title=title,
            thumbnail_jpeg=thumbnail,
            decodes=decodes,
        )


def frame_on_this_thread(
    path: Path, seconds: float, decoder: _Decoder | None = None
) -> QImage | None:
    with _opened_file(decoder, path) as opened:
        return opened.frame_at(seconds) if opened.player.hasVideo() else None


@dataclass
class _Request:
    work: Callable[[_Decoder], object]
    done: threading.Event = field(default_factory=threading.Event)
    result: object = None
    error: BaseException | None = None


class _Worker(QObject):
    asked = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.decoder: _Decoder | None = None  # made on the decoding thread, on first use
        self.asked.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def ensure_decoder(self) -> _Decoder:
        if self.decoder is None:
            self.decoder = _Decoder()
        return self.decoder

    @Slot(object)
    def _run(self, request: _Request) -> None:
        try:
            request.result = request.work(self.ensure_decoder())
        except BaseException as error:  # handed to the waiting thread, which raises it
            request.error = error
        finally:
            request.done.set()


class MediaProber:
    """A decoding thread of its own. Create it on the GUI (or main) thread after the Qt
    application; call `probe` / `frame_at` from any other thread; `close` when done."""

    def __init__(self) -> None:
        if QCoreApplication.instance() is None:
            raise RuntimeError("MediaProber needs a Qt application")
        quiet_multimedia_logging()
        self._thread = QThread()
        self._thread.setObjectName("studydesk-media-probe")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._thread.start()
        self._lock = threading.Lock()  # one file at a time on the one thread

    def _ask(self, work: Callable[[_Decoder], object]) -> object:
        if QThread.currentThread() is self._thread:
            return work(self._worker.ensure_decoder())
        request = _Request(work)
        with self._lock:
            self._worker.asked.emit(request)
            request.done.wait()
        if request.error is not None:
            raise request.error
        return request.result

    def probe(self, path: Path) -> ProbedMedia:
        """See `probe_on_this_thread`; blocks until done."""
        result = self._ask(lambda decoder: probe_on_this_thread(path, decoder))
        assert isinstance(result, ProbedMedia)
        return result

    def frame_at(self, path: Path, seconds: float) -> QImage | None:
        result = self._ask(lambda decoder: frame_on_this_thread(path, seconds, decoder))
        return result if isinstance(result, QImage) else None

    def close(self) -> None:
        self._thread.quit()
        self._thread.wait(5_000)


def quiet_ffmpeg() -> None:
    """Keep FFmpeg's own complaints about a file (printed straight to stderr, outside Qt's
    logging) off a command's output; what matters is in the reason a refused file gets."""
    import ctypes
    import glob

    import PySide6

    base = Path(PySide6.__file__).parent
    for pattern in ("Qt/lib/libavutil.so.*", "Qt/lib/libavutil.*.dylib", "avutil-*.dll"):
        for name in sorted(glob.glob(str(base / pattern))):
            try:
                ctypes.CDLL(name).av_log_set_level(8)  # AV_LOG_FATAL
                return
            except (OSError, AttributeError):
                continue


def _to_log(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    log.debug("Qt: %s", message)


@contextmanager
def command_line_prober() -> Iterator[MediaProber]:
    """A prober for a command: makes the (windowless) Qt application it needs if none exists;
    Qt's and FFmpeg's messages go to the log, not the terminal."""
    app = QCoreApplication.instance() or QCoreApplication([])
    previous = qInstallMessageHandler(_to_log)
    quiet_multimedia_logging()
    QMediaPlayer()  # loads the FFmpeg backend, which sets FFmpeg's log level: quieten it after
    quiet_ffmpeg()
    prober = MediaProber()
    try:
        yield prober
    finally:
        prober.close()
        qInstallMessageHandler(previous)
        del app


_shared: MediaProber | None = None


def shared_prober() -> MediaProber:
    """The window's prober, made on first use (call this on the GUI thread) and closed when
    the application quits."""
    global _shared
    if _shared is None:
        _shared = MediaProber()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_close_shared)
        atexit.register(_close_shared)  # a QThread destroyed while running aborts the process
    return _shared


def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None
