"""The capture triggers follow the schema: a schema's synced columns and triggers are worked
out once (app/sync/capture.py), so a changed table, a recreated one or a trigger gone must
still be seen at the next check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync_helpers import Device

from app.sync import engine
from app.sync.capture import (
    TRIGGER_PREFIX,
    capture_tables,
    install_triggers,
    installed_triggers,
    remove_triggers,
)


def columns_of(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    return next(t.columns for t in capture_tables(conn) if t.name == table)


def test_triggers_follow_columns_added_dropped_and_triggers_lost(tmp_path: Path) -> None:
    device = Device.make(tmp_path, "a")
    engine.setup_folder(device.database, tmp_path / "shared")
    conn = sqlite3.connect(device.database.db_file, isolation_level=None)
    try:
        assert not install_triggers(conn)  # as set up: nothing to do
        assert "duration" in columns_of(conn, "lessons")
        # An older schema, without a synced column: its triggers leave it out.
        remove_triggers(conn)
        conn.execute("ALTER TABLE lessons DROP COLUMN duration")
        assert install_triggers(conn)
        assert "duration" not in columns_of(conn, "lessons")
        assert not install_triggers(conn)
        # The column added back (a migration): seen, the triggers made again with it.
        remove_triggers(conn)
        conn.execute("ALTER TABLE lessons ADD COLUMN duration TEXT")
        assert "duration" in columns_of(conn, "lessons")
        install_triggers(conn)
        assert not install_triggers(conn)
        # A trigger dropped (a migration recreated its table): installed again.
        conn.execute(f'DROP TRIGGER "{TRIGGER_PREFIX}lessons_update"')
        assert install_triggers(conn)
        assert f"{TRIGGER_PREFIX}lessons_update" in installed_triggers(conn)
        assert not install_triggers(conn)
    finally:
        conn.close()
        device.close()
