"""The sync engine's own tables (app/sync): this device's identity, clock, outbox of captured
changes, the clocks of merged fields, cursors per source, operations waiting for an upgrade or
a missing row, and the media already exchanged. All are this device's own: never synced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import utcnow


class SyncState(Base):
    """Named values: device id, file identity, dataset id, target, trigger fingerprint..."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncClock(Base):
    """One row (id 1): the floor of this device's next stamps (the `recv` rule raises it) and
    whether the sync engine is applying remote operations (the capture triggers then write
    nothing). Read by every capture trigger."""

    __tablename__ = "sync_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    floor_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    applying: Mapped[int] = mapped_column(Integer, default=0)


class SyncOutbox(Base):
    """A change captured by a trigger in the transaction that made it, not yet pushed: the
    row's table and key, and which synced columns changed (`*` inserted, `-` purged). Its
    stamp is `<ms>-<seq>-<device>`; values are read from the row when pushed."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    ms: Mapped[int] = mapped_column(BigInteger)
    tbl: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(Text)
    cols: Mapped[str] = mapped_column(Text)


class SyncRowClock(Base):
    """The stamp each synced field of a row was last written with (JSON: column -> stamp)."""

    __tablename__ = "sync_row_clocks"
    __table_args__ = ({"sqlite_with_rowid": False},)

    tbl: Mapped[str] = mapped_column(String(60), primary_key=True)
    row_key: Mapped[str] = mapped_column(Text, primary_key=True)
    clocks: Mapped[str] = mapped_column(Text)


class SyncCursor(Base):
    """How far this device has applied one source (a device's segments in a folder)."""

    __tablename__ = "sync_cursors"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncPending(Base):
    """A received operation not applied yet: a table or column this version does not know,
    or a row not here yet. Tried again at every sync (and after an upgrade)."""

    __tablename__ = "sync_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock: Mapped[str] = mapped_column(String(120))
    op: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class SyncRebuild(Base):
    """A derived row still to rebuild from merged logs (a card's schedule from its reviews):
    recorded in the transaction that merged its sources, removed in the one that rebuilt it,
    so a sync stopped between the two finishes the rebuild at the next."""

    __tablename__ = "sync_rebuilds"

    tbl: Mapped[str] = mapped_column(String(100), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(200), primary_key=True)


class SyncMedia(Base):
    """A media file of the profile already exchanged (sent or received), as it was then."""

    __tablename__ = "sync_media"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
