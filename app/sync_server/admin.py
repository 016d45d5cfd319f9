"""Running the server and managing its accounts: what `studydesk serve-sync` calls."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.sync_server.store import Store, sqlite_url

DATABASE_ENV = "STUDYDESK_SYNC_DATABASE"
DEFAULT_PORT = 8765
log = logging.getLogger(__name__)


def database_url(given: str | None, data_root: Path) -> str:
    """--database, else $STUDYDESK_SYNC_DATABASE, else SQLite in the data dir."""
    url = given or os.environ.get(DATABASE_ENV)
    if not url:
        return sqlite_url(data_root / "sync-server" / "sync-server.sqlite3")
    if "://" not in url:  # a plain path: a SQLite file
        return sqlite_url(Path(url).expanduser().resolve())
    if not url.startswith(("sqlite:", "postgresql", "postgres:")):
        raise UserError(f"--database takes a sqlite:/// or postgresql:// URL, not {url!r}.")
    return url


def open_store(url: str) -> Store:
    try:
        return Store.open(url)
    except ModuleNotFoundError as missing:
        raise UserError(
            f"The sync server needs {missing.name}: pip install 'studydesk[server]'."
        ) from None
    except Exception as error:  # any driver's connection error, said plainly
        if isinstance(error, UserError):
            raise
        raise UserError(f"The sync server's database cannot be opened: {error}") from None


def serve(url: str, host: str, port: int) -> None:
    try:
        import uvicorn

        from app.sync_server.app import create_app
    except ModuleNotFoundError as missing:
        raise UserError(
            f"The sync server needs {missing.name}: pip install 'studydesk[server]'."
        ) from None
    store = open_store(url)
    shown = url.split("@")[-1] if "@" in url else url
    print(f"Study Desk sync server on http://{host}:{port} (database {shown})", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "Serve it to other computers behind a TLS reverse proxy (see README, Sync).",
            flush=True,
        )
    try:
        uvicorn.run(create_app(store), host=host, port=port, log_level="warning")
    finally:
        store.close()


def add_user(store: Store, name: str, password: str) -> None:
    from app.sync_server.accounts import hash_password

    if not name or len(name) > 200 or name != name.strip():
        raise UserError("A user name is 1 to 200 characters, without spaces around it.")
    try:
        hashed = hash_password(password)
    except ValueError as error:
        raise UserError(str(error)) from None
    try:
        store.add_user(name, hashed)
    except KeyError:
        raise UserError(f"There is already a user {name!r}.") from None


def list_users(store: Store) -> list[dict[str, Any]]:
    return store.list_users()


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    if not store.set_user(name, disabled=disabled):
        raise UserError(f"There is no user {name!r}.")


def set_password(store: Store, name: str, password: str) -> None:
    from app.sync_server.accounts import hash_password

    try:
        hashed = hash_password(password)
    except ValueError as error:
        raise UserError(str(error)) from None
    if not store.set_user(name, password_hash=hashed, failed_logins=0, failed_at=0):
        raise UserError(f"There is no user {name!r}.")
