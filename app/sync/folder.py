"""The folder target: a Syncthing, Dropbox, OneDrive or network folder, or a USB stick.

    <folder>/studydesk-sync.json            dataset id, format, encryption (salt, key check)
    <folder>/devices/<device>/<n>.seg       each device's own immutable segments, numbered
    <folder>/blobs/<ab>/<sha256>            media, by the sha256 of their content

Each device writes only its own subfolder, and never changes a file: a segment is written to a
temporary name, synced to disk and renamed into place. A segment is

    MAGIC, header length (4 bytes), header (JSON), payload, sha256 of everything before it

with the payload the zlib-compressed JSON operations (sealed with AES-GCM when the folder has a
passphrase, the header as associated data). Readers verify the checksum, the dataset and the
number, and skip an incomplete or corrupt file (picked up next time, when the folder's own
sync has finished it). A missing file never means anything was deleted. The header's `seen`
says how far its writer had applied each other device, so a reader applies a segment only
after those (causal order: a card never arrives before its deck). The live profile file is
never in the folder.

`FolderTarget` is a sync `Target` (app.sync.target): its pull is the segments after each
device's cursor, in causal order; its push writes this device's next segment.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.atomic_file import write_atomically
from app.errors import UserError
from app.sync.capture import get_state, set_state
from app.sync.clock import ClockAhead, check_not_ahead
from app.sync.crypto import derive_key, key_check, new_kdf, seal, unseal, verify_key
from app.sync.json_wire import loads
from app.sync.ops import Op
from app.sync.target import Batch

META = "studydesk-sync.json"
MAGIC = b"SDSYNC01"
FORMAT = 1
_DEVICE = re.compile(r"^[0-9a-f]{16}$")
_SEGMENT = re.compile(r"^(\d{12})\.seg$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PUSHED = "pushed_segment"  # sync_state "pushed_segment:<device>": its last segment written


@dataclass(frozen=True)
class Segment:
    device: str
    number: int
    header: dict[str, Any]
    ops: list[Op]

    @property
    def seen(self) -> dict[str, int]:
        seen = self.header.get("seen", {})
        return {str(k): int(v) for k, v in seen.items()} if isinstance(seen, dict) else {}

    @property
    def max_ms(self) -> int:
        return int(self.header.get("max_ms", 0))


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name beside `path`, sync it, rename it into place, sync the folder.
    Permissions as any new file in the shared folder gets (other devices' tools read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data, fsync_folder=True, mode=0o666)


class FolderTarget:
    def __init__(self, root: Path, meta: dict[str, Any], key: bytes | None) -> None:
        self.root = root
        self.meta = meta
        self.key = key

    @property
    def dataset(self) -> str:
        return str(self.meta["dataset"])

    @property
    def encrypted(self) -> bool:
        return self.meta.get("encryption") is not None

    # Opening and making
    @staticmethod
    def read_meta(root: Path) -> dict[str, Any] | None:
        try:
            data = json.loads((root / META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise UserError(f"The sync folder's {META} cannot be read ({error}).") from None
        if not isinstance(data, dict) or not isinstance(data.get("dataset"), str):
            raise UserError(f"{root / META} is not a Study Desk sync folder's description.")
        if int(data.get("format", 0)) > FORMAT:
            raise UserError(
                f"The sync folder {root} was made by a newer Study Desk: upgrade this one."
            )
        return data

    @classmethod
    def open(cls, root: Path, passphrase: str | None) -> FolderTarget:
        if not root.is_dir():
            raise UserError(f"The sync folder {root} is not there (is the drive connected?).")
        meta = cls.read_meta(root)
        if meta is None:
            raise UserError(f"{root} is not a Study Desk sync folder (no {META}).")
        return cls(root, meta, cls._key(root, meta, passphrase))

    @staticmethod
    def _key(root: Path, meta: dict[str, Any], passphrase: str | None) -> bytes | None:
        encryption = meta.get("encryption")
        if encryption is None:
            if passphrase:
                raise UserError(
                    f"The sync folder {root} is not encrypted; sync it without a passphrase."
                )
            return None
        if not passphrase:
            raise UserError(f"The sync folder {root} is encrypted: a passphrase is needed.")
        key = derive_key(passphrase, encryption["kdf"])
        verify_key(key, encryption["check"])
        return key

    @classmethod
    def create(cls, root: Path, dataset: str, passphrase: str | None) -> FolderTarget:
        root.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {"format": FORMAT, "dataset": dataset, "encryption": None}
        key = None
        if passphrase:
            kdf = new_kdf()
            key = derive_key(passphrase, kdf)
            meta["encryption"] = {"kdf": kdf, "cipher": "aes-256-gcm", "check": key_check(key)}
        write_atomic(root / META, json.dumps(meta, indent=1).encode())
        return cls(root, meta, key)

    # Segments
    def device_dir(self, device: str) -> Path:
        if not _DEVICE.match(device):
            raise ValueError(f"not a device id: {device!r}")
        return self.root / "devices" / device

    def devices(self) -> list[str]:
        folder = self.root / "devices"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if _DEVICE.match(p.name) and p.is_dir())

    def numbers(self, device: str) -> list[int]:
        folder = self.device_dir(device)
        if not folder.is_dir():
            return []
        found = (_SEGMENT.match(p.name) for p in folder.iterdir())
        return sorted(int(m[1]) for m in found if m)

    def segment_path(self, device: str, number: int) -> Path:
        return self.device_dir(device) / f"{number:012d}.seg"

    def encode_segment(
        self, device: str, number: int, header: dict[str, Any], ops: list[Op]
    ) -> bytes:
        header = {
            **header,
            "format": FORMAT,
            "dataset": self.dataset,
            "device": device,
            "number": number,
            "count": len(ops),
            "encrypted": self.key is not None,
        }
        header_bytes = json.dumps(header, sort_keys=True).encode()
        payload = zlib.compress(json.dumps(ops, separators=(",", ":")).encode(), 6)
        if self.key is not None:
            payload = seal(self.key, payload, header_bytes)
        body = MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes + payload
        return body + hashlib.sha256(body).digest()

    def write_segment(self, device: str, header: dict[str, Any], ops: list[Op], number: int) -> int:
        """Write the next segment of this device (never over an existing one); its number."""
        existing = self.numbers(device)
        number = max([number, *(n + 1 for n in existing)])
        write_atomic(
            self.segment_path(device, number), self.encode_segment(device, number, header, ops)
        )
        return number

    def read_segment(self, device: str, number: int) -> Segment | None:
        """The verified segment; None if it is missing, incomplete or corrupt. Raises
        WrongPassphrase when it does not decrypt with this folder's key."""
        try:
            data = self.segment_path(device, number).read_bytes()
        except OSError:
            return None
        return self.decode_segment(device, number, data)

    def decode_segment(self, device: str, number: int, data: bytes) -> Segment | None:
        if len(data) < len(MAGIC) + 4 + 32 or not data.startswith(MAGIC):
            return None
        body, digest = data[:-32], data[-32:]
        if hashlib.sha256(body).digest() != digest:
            return None
        size = int.from_bytes(body[8:12], "big")
        header_bytes = body[12 : 12 + size]
        try:
            header = json.loads(header_bytes)
        except ValueError:
            return None
        if (
            not isinstance(header, dict)
            or header.get("dataset") != self.dataset
            or header.get("device") != device
            or header.get("number") != number
        ):
            return None
        payload = body[12 + size :]
        if header.get("encrypted"):
            if self.key is None:
                raise UserError("A segment in the sync folder is encrypted: set the passphrase.")
            payload = unseal(self.key, payload, header_bytes)
        try:
            ops = loads(zlib.decompress(payload))
        except (zlib.error, ValueError):
            return None
        if not isinstance(ops, list):
            return None
        return Segment(device, number, header, [op for op in ops if isinstance(op, dict)])

    # Blobs
    def blob_path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise UserError(f"Refused a blob name that is not a sha256: {sha256[:80]!r}")
        return self.root / "blobs" / sha256[:2] / sha256

    def has_blob(self, sha256: str) -> bool:
        return self.blob_path(sha256).exists()

    def put_blob(self, sha256: str, data: bytes) -> bool:
        path = self.blob_path(sha256)
        if path.exists():
            return False
        stored = seal(self.key, data, sha256.encode()) if self.key is not None else data
        write_atomic(path, stored)
        return True

    def get_blob(self, sha256: str) -> bytes | None:
        """The blob's content, verified against its name; None if missing or damaged."""
        try:
            stored = self.blob_path(sha256).read_bytes()
        except OSError:
            return None
        data = unseal(self.key, stored, sha256.encode()) if self.key is not None else stored
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        return data

    # As a sync target
    def stale(self, conn: sqlite3.Connection, device: str) -> bool:
        """Whether the folder holds segments of this device id that this file never wrote: the
        file is a copy, or a backup restored in place (same path and inode), of one that went
        on syncing. It must then become a new device, and read those segments as another's."""
        written = int(get_state(conn, f"{PUSHED}:{device}") or 0)
        return any(number > written for number in self.numbers(device))

    def batches(
        self, cursors: dict[str, int], device: str, notes: list[str], size: int
    ) -> Iterator[Batch]:
        """The segments to apply now, about `size` operations a batch."""
        batch: list[Segment] = []
        count = 0
        for segment in self.choose_segments(device, cursors, notes):
            batch.append(segment)
            count += len(segment.ops)
            if count >= size:
                yield _batch(batch)
                batch, count = [], 0
        if batch:
            yield _batch(batch)

    def choose_segments(
        self, device: str, cursors: dict[str, int], notes: list[str]
    ) -> list[Segment]:
        """The verified segments to apply now, in an order where each comes after every
        segment its writer had applied (`seen`); others wait for next time (said in `notes`)."""
        position = dict(cursors)
        queues: dict[str, list[int]] = {}
        for other in self.devices():
            if other == device:
                continue
            queues[other] = [n for n in self.numbers(other) if n > position.get(other, 0)]
        chosen: list[Segment] = []
        blocked: set[str] = set()
        progress = True
        while progress:
            progress = False
            for other, numbers in queues.items():
                if other in blocked or not numbers:
                    continue
                number = numbers[0]
                if number != position.get(other, 0) + 1:
                    notes.append(f"{other}/{position.get(other, 0) + 1}: not here yet")
                    blocked.add(other)
                    continue
                segment = self.read_segment(other, number)
                if segment is None:
                    notes.append(f"{other}/{number}: incomplete or damaged, left for later")
                    blocked.add(other)
                    continue
                try:
                    check_not_ahead(segment.max_ms, f"device {other}")
                except ClockAhead as error:
                    notes.append(f"{other}/{number}: {error}")
                    blocked.add(other)
                    continue
                needs = {d: n for d, n in segment.seen.items() if d != device}
                if any(position.get(d, 0) < n for d, n in needs.items()):
                    continue  # after a segment not here yet: next round, or next time
                chosen.append(segment)
                position[other] = number
                numbers.pop(0)
                progress = True
        return chosen

    def push_batch(self, conn: sqlite3.Connection, device: str, ops: list[Op]) -> None:
        """This device's next segment, saying how far it had applied the others (`seen`)."""
        cursors = dict(conn.execute("SELECT source, position FROM sync_cursors").fetchall())
        last = int(get_state(conn, f"{PUSHED}:{device}") or 0)
        max_ms = max(int(op["c"][:13]) for op in ops)
        number = self.write_segment(device, {"seen": cursors, "max_ms": max_ms}, ops, last + 1)
        set_state(conn, f"{PUSHED}:{device}", str(number))


def _batch(segments: list[Segment]) -> Batch:
    upto: dict[str, int] = {}
    for segment in segments:
        upto[segment.device] = max(upto.get(segment.device, 0), segment.number)
    return Batch([op for s in segments for op in s.ops], upto, segments=len(segments))
