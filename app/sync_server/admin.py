"""Running the server and managing its accounts: what `studydesk serve-sync` calls."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.sync_server.database import sqlite_url
from app.sync_server.store import Store

DATABASE_ENV = "STUDYDESK_SYNC_DATABASE"
DEFAULT_PORT = 8765
MAX_DEFAULT_WORKERS = 8
# What `serve` tells its worker processes (`worker_app`): the database and how many they are.
_WORKER_DATABASE = "STUDYDESK_SYNC_WORKER_DATABASE"
_WORKER_COUNT = "STUDYDESK_SYNC_WORKER_COUNT"
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


def default_workers(url: str) -> int:
    """Server processes when not told: on PostgreSQL one per two cores (up to 8), as one
    Python process runs its requests on one core at a time and PostgreSQL, often on the same
    computer, spends about as much CPU on them (on 2 cores, 200 devices at once were served
    sooner by one process than by two); on SQLite one (a process's pushes take turns on a
    lock of its own before SQLite's, which other processes would only meet in SQLite's
    slower busy wait)."""
    if not url.startswith("postgres"):
        return 1
    return max(1, min((os.cpu_count() or 1) // 2, MAX_DEFAULT_WORKERS))


def serve(url: str, host: str, port: int, workers: int | None = None) -> None:
    """Serve until interrupted: `workers` processes (default `default_workers`) sharing the
    listening socket, each with its own connections (the pools divided between them)."""
    try:
        import uvicorn

        from app.sync_server.app import create_app
        from app.sync_server.http_writes import OneSendProtocol
    except ModuleNotFoundError as missing:
        raise UserError(
            f"The sync server needs {missing.name}: pip install 'studydesk[server]'."
        ) from None
    if workers is not None and workers < 1:
        raise UserError("--workers takes a number of processes, 1 or more.")
    workers = workers or default_workers(url)
    store = open_store(url)  # its schema upgraded here, once, before any worker starts
    shown = url.split("@")[-1] if "@" in url else url
    processes = "" if workers == 1 else f", {workers} processes"
    print(
        f"Study Desk sync server on http://{host}:{port} (database {shown}{processes})",
        flush=True,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "Serve it to other computers behind a TLS reverse proxy (see README, Sync).",
            flush=True,
        )
    if workers > 1:
        store.close()
        os.environ[_WORKER_DATABASE] = url
        os.environ[_WORKER_COUNT] = str(workers)
        uvicorn.run(
            f"{__name__}:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            http=OneSendProtocol,
        )
        return
    try:
        uvicorn.run(
            create_app(store), host=host, port=port, log_level="warning", http=OneSendProtocol
        )
    finally:
        store.close()


def worker_app() -> Any:
    """The app of one of `serve`'s worker processes: its own store, with its share of the
    connections a single process would keep."""
    from app.sync_server.app import create_app
    from app.sync_server.database import POOL_SIZE

    workers = int(os.environ.get(_WORKER_COUNT, "1"))
    store = Store.open(os.environ[_WORKER_DATABASE], pool_size=max(4, POOL_SIZE // workers))
    return create_app(store, workers=workers)


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
