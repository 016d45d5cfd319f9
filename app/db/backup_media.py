"""The media that go with a backup: one shared store of files named by their content, and a list
beside each backup of the files it needs.

A profile's images (card images, course-pack media, later video thumbnails and note attachments)
live in `<profile>/media/`, mostly under names that are already their sha256. Most backups hold
the same images, so each file is copied once into `backups/media/<sha256>` (hashed while it is
copied, synced, then renamed into place: a stored file that exists is whole), and each backup
`<stamp>-<reason>.sqlite3` gets `<stamp>-<reason>.media.json`:

    {"format": 1, "files": {"<path under media/>": {"sha256": ..., "size": ..., "mtime_ns": ...}}}

The next backup reuses the hash of a file whose size and modification time are unchanged, so it
reads only new files. Rotation deletes a backup's list with it, then every stored file that no
remaining list names (`prune_store`). A backup without a list was taken before backups carried
media. Hidden files (a `.media-*` being written, a `.restoring-*` folder) are not media.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.atomic_file import write_text_atomically

if TYPE_CHECKING:  # filelock (20 ms to import) loads with the first backup, not at launch
    from filelock import FileLock

STORE_NAME = "media"
MANIFEST_SUFFIX = ".media.json"
_FORMAT = 1
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class MediaFile:
    path: str  # relative to the media folder, with "/" between folders
    sha256: str
    size: int
    mtime_ns: int


def manifest_path(backup: Path) -> Path:
    """The list of media files beside a backup file."""
    return backup.with_name(backup.name.removesuffix(".sqlite3") + MANIFEST_SUFFIX)


def backup_of_manifest(path: Path) -> Path:
    """The backup file a list belongs to."""
    return path.with_name(path.name.removesuffix(MANIFEST_SUFFIX) + ".sqlite3")


def store_dir(backups_dir: Path) -> Path:
    return backups_dir / STORE_NAME


def store_lock(backups_dir: Path) -> FileLock:
    """Held while files are added to the store or pruned from it (a backup taken by the command
    line while the window rotates must not lose a file it just listed)."""
    from filelock import FileLock

    return FileLock(backups_dir / ".media.lock", is_singleton=False, thread_local=False)


def read_manifest(backup: Path) -> list[MediaFile] | None:
    """The media files a backup needs; None for a backup taken before backups carried media.
    Raises ValueError for a list that cannot be read."""
    path = manifest_path(backup)
    if not path.exists():
        return None
    return _read_list(path)


def _read_list(path: Path) -> list[MediaFile]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            MediaFile(name, str(item["sha256"]), int(item["size"]), int(item["mtime_ns"]))
            for name, item in data["files"].items()
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} cannot be read ({error})") from None


def write_manifest(path: Path, files: list[MediaFile]) -> None:
    """Write a list of media files (synced; under a temporary name until it is whole)."""
    data = {
        "format": _FORMAT,
        "files": {
            f.path: {"sha256": f.sha256, "size": f.size, "mtime_ns": f.mtime_ns} for f in files
        },
    }
    write_text_atomically(path, json.dumps(data, indent=0))


def media_files(media_dir: Path) -> Iterator[Path]:
    """The learner's media files, in a stable order (no symlinks, no hidden files)."""
    if not media_dir.is_dir():
        return
    for root, folders, names in os.walk(media_dir):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                yield path


def newest_manifest(backups_dir: Path) -> dict[str, MediaFile]:
    """The newest backup's list, by path, to skip hashing unchanged files."""
    lists = sorted(backups_dir.glob(f"*{MANIFEST_SUFFIX}"), reverse=True)
    for path in lists:
        try:
            return {f.path: f for f in _read_list(path)}
        except ValueError:
            continue
    return {}


def snapshot_media(media_dir: Path, backups_dir: Path) -> list[MediaFile]:
    """Copy every media file the store does not hold yet; return what the media folder holds.

    The caller holds `store_lock`. Raises OSError (a full disk...); a partly copied file is
    removed."""
    store = store_dir(backups_dir)
    previous = newest_manifest(backups_dir)
    files = []
    for path in media_files(media_dir):
        name = path.relative_to(media_dir).as_posix()
        info = path.stat()
        known = previous.get(name)
        if (
            known is not None
            and known.size == info.st_size
            and known.mtime_ns == info.st_mtime_ns
            and (store / known.sha256).is_file()
        ):
            files.append(known)
            continue
        store.mkdir(mode=0o700, exist_ok=True)
        digest = _store_copy(path, store)
        files.append(MediaFile(name, digest, info.st_size, info.st_mtime_ns))
    return files


def _store_copy(path: Path, store: Path) -> str:
    """Hash `path` while copying it into the store; keep the copy only if the store lacks it."""
    fd, temp = tempfile.mkstemp(dir=store, prefix=".adding-")
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        name = digest.hexdigest()
        if (store / name).is_file():
            Path(temp).unlink()
        else:
            os.chmod(temp, 0o600)
            os.replace(temp, store / name)
        return name
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def prune_store(backups_dir: Path) -> list[Path]:
    """Delete stored files that no backup's list names any more. The caller holds
    `store_lock`. A list that cannot be read keeps the whole store (nothing is pruned)."""
    store = store_dir(backups_dir)
    if not store.is_dir():
        return []
    needed: set[str] = set()
    for path in backups_dir.glob(f"*{MANIFEST_SUFFIX}"):
        try:
            needed.update(f.sha256 for f in _read_list(path))
        except ValueError:
            return []
    removed = []
    for stored in store.iterdir():
        unfinished = stored.name.startswith(".adding-")  # left by a backup that was killed
        if stored.is_file() and (unfinished or stored.name not in needed):
            stored.unlink()
            removed.append(stored)
    return removed


@dataclass(frozen=True)
class StagedMedia:
    """Media files copied out of the store next to the media folder, ready to be put in place:
    `names` the files to put back, `missing` the listed files the store does not hold whole."""

    folder: Path
    names: tuple[str, ...]
    missing: tuple[str, ...]


def stage_media(files: list[MediaFile], backups_dir: Path, media_dir: Path) -> StagedMedia:
    """Copy into a hidden folder inside `media_dir` every listed file that is missing from the
    media folder or differs from the backup's, checking each against its sha256.

    Nothing in the media folder itself changes yet (`place_staged`). Raises OSError."""
    store = store_dir(backups_dir)
    media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=media_dir, prefix=".restoring-"))
    names, missing = [], []
    for item in files:
        current = media_dir / item.path
        same_size = current.is_file() and current.stat().st_size == item.size
        if same_size and file_sha256(current) == item.sha256:
            continue
        stored = store / item.sha256
        target = folder / item.path
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not stored.is_file() or _copy_checked(stored, target) != item.sha256:
            target.unlink(missing_ok=True)
            missing.append(item.path)
            continue
        names.append(item.path)
    return StagedMedia(folder, tuple(names), tuple(missing))


def _copy_checked(source: Path, target: Path) -> str:
    digest = hashlib.sha256()
    with open(source, "rb") as reading, open(target, "wb") as writing:
        while chunk := reading.read(_CHUNK):
            digest.update(chunk)
            writing.write(chunk)
        writing.flush()
        os.fsync(writing.fileno())
    os.chmod(target, 0o600)
    return digest.hexdigest()


def place_staged(staged: StagedMedia, media_dir: Path) -> None:
    """Move the staged files into the media folder (each in one rename), then drop the folder.
    A media file that is replaced is one whose content differs from the backup's; the backup
    taken before the restore holds it."""
    for name in staged.names:
        target = media_dir / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(staged.folder / name, target)
    discard_staged(staged)


def discard_staged(staged: StagedMedia) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)
