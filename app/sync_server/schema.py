"""The server's tables (SQLAlchemy Core). Changed only through a new revision in migrations/."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),  # ms since the epoch
    # The profile this account syncs (None until a device claims it).
    Column("dataset", String(64), nullable=True),
    # The last sequence number given to one of this user's operations: the per-user counter,
    # locked (FOR UPDATE, or SQLite's write lock) while a push assigns the next ones.
    Column("head", BigInteger, nullable=False, default=0),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("failed_at", BigInteger, nullable=False, default=0),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(32), primary_key=True),  # public id, the token's first part
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("device_id", String(64), nullable=False),  # the profile's sync device id
    Column("token_hash", String(64), nullable=False),  # sha256 of the token's secret
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)

ops = Table(
    "ops",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("op_id", String(32), nullable=False),
    Column("device", String(64), nullable=False),  # the device that pushed it
    Column("clock", String(100), nullable=False),
    Column("tbl", String(200), nullable=False),
    Column("row_key", Text, nullable=False),
    Column("body", Text, nullable=False),  # the operation's JSON, as pushed
    Index("ops_user_op", "user_id", "op_id", unique=True),
)

blobs = Table(
    "blobs",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)
