"""Videos benchmark: the figures issue 14 asks for, on real files decoded by QtMultimedia.

Run on its own (not part of the test suite; needs ffmpeg to make the clips):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_videos.py [--play 60]

Prints:
- library: a 5,000-video library, from building the Videos view to its first page of
  thumbnails painted;
- first frame: opening a local 1080p H.264 file to its first frame in the video sink;
- seek: paused, seeking to a bookmark until the new frame arrives, and how far it landed from the
  bookmark's frame;
- completion: the union of 10,000 logged intervals (the pure function, and one record_interval
  that recomputes it from the database);
- adding: a folder of 1,000 files examined (fingerprint + decode + thumbnail) and added;
- memory: resident memory while a 1080p file plays for `--play` seconds, extrapolated to 10
  minutes (a shorter run, said so in the output).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "videos"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Slot  # noqa: E402
from PySide6.QtMultimedia import QVideoFrame  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from video_clips import frame_number, make_clip  # noqa: E402

from app.core.opening import open_profile  # noqa: E402
from app.core.profiles import create_profile  # noqa: E402
from app.core.progress import Progress  # noqa: E402
from app.core.videos.adding import (  # noqa: E402
    Examined,
    FoundFile,
    add_examined,
    examine_files,
)
from app.core.videos.intervals import covered_seconds  # noqa: E402
from app.core.videos.media import Fingerprint, ProbedMedia, store_thumbnail  # noqa: E402
from app.core.videos.watching import record_interval  # noqa: E402
from app.features import install_samples  # noqa: E402
from app.paths import data_locations  # noqa: E402
from app.ui.context import ViewContext  # noqa: E402
from app.ui.device_settings import DeviceSettings  # noqa: E402
from app.ui.error_dialog import ErrorReporter  # noqa: E402
from app.ui.tasks import TaskRunner  # noqa: E402
from app.ui.theme import Appearance  # noqa: E402
from app.ui.videos.player import VideoPlayer  # noqa: E402
from app.ui.videos.probe import jpeg_bytes, shared_prober  # noqa: E402


def wait_for(app: QApplication, done: Callable[[], bool], limit: float = 60.0) -> None:
    end = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("no answer in time")
        app.processEvents()
        time.sleep(0.0005)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PaintClock(QObject):
    def __init__(self, ready: Callable[[], bool]) -> None:
        super().__init__()
        self.ready = ready
        self.at: float | None = None

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None and self.ready():
            self.at = time.perf_counter()
        return False


def bench_library(app: QApplication, context: ViewContext, folder: Path, count: int) -> None:
    from PySide6.QtGui import QImage

    database = context.opened.database
    media_dir = context.opened.profile.media_dir
    image = QImage(640, 360, QImage.Format.Format_RGB32)
    image.fill(0x3366AA)
    thumb = jpeg_bytes(image)
    files = folder / "library"
    files.mkdir()
    found = []
    for n in range(count):
        path = files / f"lecture {n:05d}.mp4"
        path.write_bytes(b"x")
        content = Fingerprint(10_000 + n, f"{n:064x}", 0)
        probed = ProbedMedia(1800.0 + n, True, True, 1920, 1080, "H264", "AAC", f"Lecture {n}")
        found.append(FoundFile(path, content, probed))
        store_thumbnail(media_dir, content.video_id, thumb)
    add_examined(database, Examined(tuple(found), (), 0), media_dir)
    from app.ui.videos.view import VideosView

    times = []
    for _ in range(3):
        began = time.perf_counter()
        view = VideosView(context)
        table = view.library.table
        clock = PaintClock(lambda t=table: t.model().rowCount() > 0)
        table.viewport().installEventFilter(clock)
        view.resize(1100, 700)
        view.show()
        wait_for(app, lambda c=clock: c.at is not None)
        assert clock.at is not None
        times.append((clock.at - began) * 1000)
        view.close()
        view.deleteLater()
        app.processEvents()
    runs = ", ".join(f"{t:.0f}" for t in times)
    print(
        f"library: {count} videos, view built to first page of thumbnails painted: "
        f"{statistics.median(times):.0f} ms (median of 3; runs {runs})"
    )


class Arrivals(QObject):
    """When each frame arrived and the number it shows (frames themselves are not kept: a
    1080p frame held is 3 MB)."""

    def __init__(self, player: VideoPlayer, read_numbers: bool = False) -> None:
        super().__init__(player)
        self.got: list[tuple[float, int]] = []
        self.read_numbers = read_numbers
        self.active = True
        player.sink.videoFrameChanged.connect(self.take)

    @Slot(QVideoFrame)
    def take(self, frame: QVideoFrame) -> None:
        if self.active and frame.isValid():
            number = frame_number(frame.toImage()) if self.read_numbers else -1
            self.got.append((time.perf_counter(), number))


def bench_player(app: QApplication, clip: Path, fps: int, play_s: float) -> None:
    opens = []
    for _ in range(5):
        player = VideoPlayer()
        player.resize(960, 540)
        player.show()
        arrivals = Arrivals(player)
        began = time.perf_counter()
        player.load(clip, 0.0, [])
        wait_for(app, lambda a=arrivals: bool(a.got))
        opens.append((arrivals.got[0][0] - began) * 1000)
        player.unload()
        player.close()
        player.deleteLater()
        app.processEvents()
    print(
        f"first frame: 1080p H.264 opened to its first frame: {statistics.median(opens):.0f} ms "
        f"(median of 5; {', '.join(f'{t:.0f}' for t in opens)})"
    )

    player = VideoPlayer()
    player.resize(960, 540)
    player.show()
    arrivals = Arrivals(player, read_numbers=True)
    got = arrivals.got
    player.load(clip, 0.0, [])
    wait_for(app, lambda: bool(got))
    player.player.pause()
    wait_for(app, lambda: not player.playing)
    seeks, misses = [], []
    rng = random.Random(3)
    for _ in range(10):
        bookmark = round(rng.uniform(0.5, 9.0), 2)
        expected = int(bookmark * fps + 1e-6)
        before = len(got)
        began = time.perf_counter()
        player.seek(bookmark)

        def arrived(b: int = before, e: int = expected) -> bool:
            return any(abs(n - e) <= 1 for _t, n in got[b:])

        wait_for(app, arrived)
        at, number = next((t, n) for t, n in got[before:] if abs(n - expected) <= 1)
        seeks.append((at - began) * 1000)
        misses.append(number - expected)
    print(
        f"seek to a bookmark (paused, 1080p): new frame in {statistics.median(seeks):.0f} ms "
        f"median, {max(seeks):.0f} ms worst; frames off the bookmark: {sorted(set(misses))}"
    )
    player.unload()
    arrivals.active = False

    player.load(clip, 0.0, [])
    player.player.setLoops(-1)  # the 10 s clip loops: a long lecture's steady state
    wait_for(app, lambda: player.playing)
    settle = time.perf_counter() + 5
    wait_for(app, lambda: time.perf_counter() > settle, limit=10)
    start = rss_mb()
    samples = []
    end = time.perf_counter() + play_s
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
        if not samples or time.perf_counter() - samples[-1][0] > 5:
            samples.append((time.perf_counter(), rss_mb()))
    grown = rss_mb() - start
    half = samples[len(samples) // 2]
    late = (rss_mb() - half[1]) * 600 / max(1.0, time.perf_counter() - half[0])
    print(
        f"memory: playing 1080p for {play_s:.0f} s grew resident memory by {grown:.1f} MB "
        f"(from {start:.0f} MB); scaled linearly to 10 minutes: {grown * 600 / play_s:.1f} MB; "
        f"the second half's rate scaled to 10 minutes: {late:.1f} MB (a shorter run, "
        f"extrapolated; samples every 5 s: {', '.join(f'{m:.0f}' for _t, m in samples)} MB)"
    )
    player.unload()


def bench_completion(context: ViewContext, folder: Path) -> None:
    rng = random.Random(11)
    log = []
    for _ in range(10_000):
        start = rng.uniform(0, 3600)
        log.append((start, start + rng.uniform(1, 60)))
    runs = []
    for _ in range(50):
        began = time.perf_counter()
        covered_seconds(log, 3600)
        runs.append((time.perf_counter() - began) * 1000)
    print(
        f"completion: union of 10,000 intervals: {statistics.median(runs):.2f} ms median, "
        f"{max(runs):.2f} ms worst (50 runs)"
    )
    database = context.opened.database
    path = folder / "long.mp4"
    path.write_bytes(b"long lecture")
    content = Fingerprint(12, "f" * 64, 0)
    probed = ProbedMedia(3600.0, True, True, 1920, 1080, "H264", "AAC", "Long lecture")
    add_examined(database, Examined((FoundFile(path, content, probed),), (), 0), folder)
    from app.db.models.videos import VideoWatchInterval
    from app.db.types import utcnow

    now = utcnow()
    with database.write_session() as session:
        session.add_all(
            VideoWatchInterval(
                video_id=content.video_id, start_s=s, end_s=e, speed=1.0, started_at=now,
                wall_s=e - s,
            )
            for s, e in log
        )  # fmt: skip
    began = time.perf_counter()
    record_interval(database, content.video_id, 100.0, 130.0)
    print(
        "completion: record_interval on a video with 10,000 logged intervals (append, union "
        f"from the database, commit): {(time.perf_counter() - began) * 1000:.1f} ms"
    )


def bench_adding(context: ViewContext, folder: Path, clip: Path, count: int) -> None:
    files = folder / "adding"
    files.mkdir()
    data = clip.read_bytes()
    for n in range(count):  # distinct content: trailing bytes after the last box
        (files / f"lecture {n:04d}.mp4").write_bytes(data + n.to_bytes(4, "big") * 8)
    prober = shared_prober()
    progress = Progress()
    began = time.perf_counter()
    examined = examine_files(
        context.opened.database, [files], prober.probe, context.opened.profile.media_dir, progress
    )
    examined_at = time.perf_counter()
    report = add_examined(context.opened.database, examined, context.opened.profile.media_dir)
    ended = time.perf_counter()
    print(
        f"adding: a folder of {count} files: examined (fingerprint, decode, thumbnail) in "
        f"{examined_at - began:.1f} s ({(examined_at - began) / count * 1000:.0f} ms a file, "
        f"on a read thread with progress and cancel), added in one write of "
        f"{(ended - examined_at) * 1000:.0f} ms; {len(report.added)} added, "
        f"{len(report.refused)} refused"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=5000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--play", type=float, default=60.0, help="seconds of playback for memory")
    args = parser.parse_args()
    app = QApplication([])
    install_samples()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["STUDYDESK_DATA_DIR"] = str(folder / "data")
        locations = data_locations()
        opened = open_profile(locations, create_profile(locations, "Bench"))
        runner = TaskRunner()
        context = ViewContext(
            locations, runner, opened, DeviceSettings(locations), Appearance(app),
            ErrorReporter(None),
        )  # fmt: skip
        print("making clips with ffmpeg…", file=sys.stderr)
        hd = make_clip(folder / "hd.mp4", width=1920, height=1080, fps=25, duration=10.0)
        small = make_clip(folder / "small.mp4", duration=2.0, audio=None)
        bench_completion(context, folder)
        bench_library(app, context, folder, args.videos)
        bench_player(app, hd.path, hd.fps, args.play)
        bench_adding(context, folder, small.path, args.files)
        runner.shutdown()
        opened.close()


if __name__ == "__main__":
    main()
