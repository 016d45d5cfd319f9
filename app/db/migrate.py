"""Bring a profile file to the newest schema: backup first, one transaction, checked after.

The upgrade runs with foreign keys OFF (Alembic's batch mode recreates tables, and with foreign
keys on, `ON DELETE CASCADE` would silently delete child rows), then `PRAGMA foreign_key_check`
must come back empty before the transaction commits. Any failure rolls everything back; the
verified backup taken before it is still there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from app.db.engine import APPLICATION_ID
from app.db.inspect import FileState
from app.paths import alembic_dir


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


class UpgradeFailed(Exception):
    """The upgrade was rolled back; the file is as it was before."""


def _alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(alembic_dir()))
    config.attributes["connection"] = connection
    return config


def run_upgrade(engine: Engine, state: FileState, *, to: str = "head") -> None:
    """Upgrade to head (or to the revision `to`: a repair rebuilds a profile at its own
    revision) in one transaction with foreign keys off; raise UpgradeFailed on failure."""
    from alembic import command

    with engine.connect() as conn:
        # The pragma is a no-op inside a transaction, so it goes straight to the driver first.
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), to)  # type: ignore[arg-type]
                violations = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if violations:
                    raise UpgradeFailed(
                        f"the upgrade left {len(violations)} broken references "
                        f"(first: table {violations[0][0]}, row {violations[0][1]})"
                    )
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        except UpgradeFailed:
            raise
        except Exception as error:
            raise UpgradeFailed(f"{type(error).__name__}: {error}") from error
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
