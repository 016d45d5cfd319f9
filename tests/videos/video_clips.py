"""Small clips made with ffmpeg whose frames carry their own number, and reading that number back.

Each frame has a strip across its top: 16 blocks, block i white when bit i of the frame number
is set (block 0 at the left); the time is also drawn as text for a person looking at it. A
decoded frame's number is read from the centre of each block, so tests check the real picture
QtMultimedia delivered, never a mock.

`python tests/videos/video_clips.py` makes the sample video in resources/sample/videos.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BITS = 16
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
NO_FFMPEG = (
    "ffmpeg is needed to make the test clips and is not installed: run `bash packaging/test.sh` "
    "(it installs it) or `apt-get install ffmpeg`."
)


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise RuntimeError(NO_FFMPEG)
    return found


@dataclass(frozen=True)
class Clip:
    path: Path
    fps: int
    duration_s: float
    width: int
    height: int
    video_codec: str | None
    audio_codec: str | None


def _strip(width: int, height: int, fps: int, duration: float) -> str:
    strip_h = max(16, height // 8)
    bits = (
        f"nullsrc=s={BITS}x2:r={fps}:d={duration},format=gray,"
        r"geq=lum='if(mod(floor(N/pow(2\,X))\,2)\,255\,0)',"
        f"scale={width}:{strip_h}:flags=neighbor,format=yuv420p[bits]"
    )
    text = ""
    if Path(FONT).exists():
        size = max(14, height // 10)
        text = (
            f",drawtext=fontfile={FONT}:text='%{{pts\\:hms}}':x=10:y=h-{size * 2}:"
            f"fontsize={size}:fontcolor=white:box=1:boxcolor=black"
        )
    return f"{bits};[0:v][bits]overlay=0:0{text}[v]"


VIDEO_ARGS = {
    "h264": ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
    "vp9": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k"],
    "hevc": [
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-x265-params",
        "log-level=error",
    ],
    "av1": ["-c:v", "libaom-av1", "-cpu-used", "8", "-b:v", "100k", "-pix_fmt", "yuv420p"],
}
AUDIO_ARGS = {"aac": ["-c:a", "aac", "-b:a", "64k"], "opus": ["-c:a", "libopus", "-b:a", "48k"]}


def make_clip(
    path: Path,
    *,
    video: str = "h264",
    audio: str | None = "aac",
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    duration: float = 4.0,
    subtitles: Path | None = None,
    title: str | None = None,
    gop: int | None = None,
) -> Clip:
    """A clip whose every frame shows its number (see the module's docstring)."""
    command = [
        ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r={fps}:d={duration}",
    ]  # fmt: skip
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=330:duration={duration}"]
    if subtitles is not None:
        command += ["-i", str(subtitles)]
    command += ["-filter_complex", _strip(width, height, fps, duration), "-map", "[v]"]
    if audio:
        command += ["-map", "1:a", *AUDIO_ARGS[audio]]
    if subtitles is not None:
        command += ["-map", f"{2 if audio else 1}:s", "-c:s", "srt"]
    command += [*VIDEO_ARGS[video], "-g", str(gop or fps), "-r", str(fps)]
    if title:
        command += ["-metadata", f"title={title}"]
    command += ["-t", str(duration), str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return Clip(path, fps, duration, width, height, video, audio)


@dataclass(frozen=True)
class Clips:
    folder: Path
    h264: Clip  # H.264 / AAC in mp4, 25 fps, 4 s
    vp9: Clip  # VP9 / Opus in webm
    hevc: Clip  # HEVC / AAC in mkv with an SRT subtitle track
    av1: Clip  # AV1 without a decoder on this computer: opens, never a frame
    audio: Path  # an m4a lecture with a title tag


def make_audio(path: Path, *, duration: float = 3.0, title: str | None = None) -> Path:
    command = [
        ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={duration}", "-c:a", "aac",
    ]  # fmt: skip
    if title:
        command += ["-metadata", f"title={title}"]
    subprocess.run([*command, str(path)], check=True, capture_output=True)
    return path


def frame_number(image: object) -> int:
    """The number a clip's frame carries (a QImage of it, any size)."""
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage) and not image.isNull()
    width, height = image.width(), image.height()
    y = max(1, height // 16)
    number = 0
    for bit in range(BITS):
        x = int((bit + 0.5) * width / BITS)
        if image.pixelColor(x, y).lightness() > 128:
            number |= 1 << bit
    return number


def added_video(database: Any, folder: Path, name: str, duration_s: float = 100.0) -> str:
    """A video in the library without decoding: a file of its own content, with the facts a
    decoder would give (for tests of what happens after adding)."""
    from app.core.videos.adding import Examined, FoundFile, add_examined
    from app.core.videos.media import ProbedMedia, fingerprint

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.mp4"
    path.write_bytes(name.encode() * 100)
    probed = ProbedMedia(duration_s, True, True, 640, 360, "H264", "AAC", name)
    found = FoundFile(path, fingerprint(path), probed)
    add_examined(database, Examined((found,), (), 0), folder / "media")
    return found.content.video_id


SAMPLE_SRT = """1
00:00:01,000 --> 00:00:05,000
Study Desk keeps your own lecture videos.

2
00:00:06,000 --> 00:00:11,000
Press B to bookmark a moment, with a note.

3
00:00:12,000 --> 00:00:17,000
Space pauses; J and L jump ten seconds.
"""


def make_sample_video(folder: Path) -> Path:
    """resources/sample/videos/study-desk-sample.mp4: 18 s, 480x270, three captioned slides."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "study-desk-sample.mp4"
    lines = [
        (0, 6, "Welcome to Videos in Study Desk"),
        (6, 12, "B bookmarks this moment"),
        (12, 18, "Space pauses  -  J / L jump 10 s"),
    ]
    draws = ",".join(
        f"drawtext=fontfile={FONT}:text='{text}':x=(w-text_w)/2:y=h/2-20:fontsize=22:"
        f"fontcolor=white:enable='between(t,{start},{end})'"
        for start, end, text in lines
    )
    clock = (
        f"drawtext=fontfile={FONT}:text='%{{pts\\:hms}}':x=w-text_w-12:y=h-34:fontsize=16:"
        "fontcolor=0xCCCCCC"
    )
    brand = (
        f"drawtext=fontfile={FONT}:text='Study Desk  -  sample video':x=12:y=12:fontsize=14:"
        "fontcolor=0x8FB4F8"
    )
    command = [
        ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "color=c=0x1E2A3A:s=480x270:r=15:d=18",
        "-f", "lavfi", "-i", "sine=frequency=262:duration=18,volume=0.05",
        "-vf", f"{draws},{clock},{brand}", "-c:v", "libx264", "-preset", "veryslow", "-crf", "30",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "24k", "-movflags", "+faststart",
        "-metadata", "title=Welcome to Videos", "-t", "18", str(target),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    return target


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    made = make_sample_video(root / "resources" / "sample" / "videos")
    print(made, made.stat().st_size, "bytes", file=sys.stderr)
