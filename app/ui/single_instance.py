"""One Study Desk window per data dir: a second launch asks the first to come forward and exits.

The first instance listens on a local socket named after the data dir; a second launch connects,
sends "raise" (or "open NAME" when it was started with `--profile NAME`, or "files [...]" when it
was started with files to open: `studydesk deck.apkg`, a double-click), waits for "ok" (sent once
the first has raised its window, asked the learner whether to switch to NAME if another profile
is open, and started importing the files) and exits 0, saying so. The wait spins a local event
loop rather than blocking, so two instances can even share one thread (tests). The profile lock
stays the real guard against two writers; this only spares the learner a confusing "profile in
use" message when they simply launched twice.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QEventLoop, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.paths import DataLocations

log = logging.getLogger(__name__)

RAISE = b"raise\n"
OPEN = b"open "  # followed by the profile's name in UTF-8 and a newline (names hold none)
# Followed by a JSON object {"files": [absolute paths], "profile": name or null} on one line.
FILES = b"files "
ACK = b"ok\n"
FORWARD_TIMEOUT_MS = 3000


def server_name(locations: DataLocations) -> str:
    """Stable per user and data dir, short enough for a Unix socket path."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    digest = hashlib.sha256(f"{user}\0{locations.root}".encode()).hexdigest()[:20]
    return f"studydesk-{digest}"


class SingleInstance(QObject):
    """`forward_to_running()` in a second launch; `listen()` in the first.

    Signal raise_requested: a later launch asked this one to bring its window forward.
    Signal open_requested(name): a later launch asked for the profile `name`.
    Signal files_requested(paths, profile): a later launch was given files to open (absolute
    paths, as strings), and the profile named after --profile, or "".
    The receivers act synchronously (a question to the learner is shown, not waited for); the
    reply is sent after they return.
    """

    raise_requested = Signal()
    open_requested = Signal(str)
    files_requested = Signal(list, str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []

    def forward_to_running(
        self,
        profile_name: str | None = None,
        timeout_ms: int = FORWARD_TIMEOUT_MS,
        *,
        files: Sequence[str] = (),
    ) -> bool:
        """True if another instance answered (it came forward, was asked for `profile_name` if
        given, and to open `files`); False if none is running."""
        if files:
            body = json.dumps({"files": list(files), "profile": profile_name})
            message = FILES + body.encode() + b"\n"
        elif profile_name is None:
            message = RAISE
        else:
            message = OPEN + profile_name.encode() + b"\n"
        socket = QLocalSocket()
        loop = QEventLoop()
        answer = QByteArray()

        def on_ready() -> None:
            answer.append(socket.readAll())
            if answer.contains(b"\n"):
                loop.quit()

        socket.connected.connect(lambda: socket.write(message))
        socket.readyRead.connect(on_ready)
        socket.errorOccurred.connect(lambda _error: loop.quit())
        socket.disconnected.connect(loop.quit)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        socket.connectToServer(self.name)
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            loop.exec()
        timer.stop()
        if socket.isOpen() and socket.bytesAvailable():
            answer.append(socket.readAll())
        socket.abort()
        answered = answer.data() == ACK
        if answered:
            log.info("Study Desk is already running for this data folder; asked it to come forward")
        return answered

    def listen(self) -> bool:
        """Start answering later launches. A socket left by a crashed instance is replaced."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Nobody answered forward_to_running(), so whatever holds the name is stale.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("Single-instance socket unavailable: %s", server.errorString())
                return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _on_connection(self) -> None:
        assert self._server is not None
        while (client := self._server.nextPendingConnection()) is not None:
            self._clients.append(client)
            client.readyRead.connect(lambda c=client: self._on_message(c))
            client.disconnected.connect(lambda c=client: self._forget(c))
            if client.bytesAvailable():
                self._on_message(client)

    def _on_message(self, client: QLocalSocket) -> None:
        if not client.canReadLine():
            return
        line = bytes(client.readLine().data())
        files = _files_message(line) if line.startswith(FILES) else None
        if line == RAISE or line.startswith(OPEN) or files is not None:
            if line == RAISE:
                self.raise_requested.emit()
            elif files is not None:
                self.files_requested.emit(*files)
            else:
                self.open_requested.emit(line[len(OPEN) :].rstrip(b"\n").decode(errors="replace"))
            client.write(ACK)
            client.flush()
        client.disconnectFromServer()

    def _forget(self, client: QLocalSocket) -> None:
        if client in self._clients:
            self._clients.remove(client)
        client.deleteLater()


def _files_message(line: bytes) -> tuple[list[str], str] | None:
    """The paths and profile name of a "files" line; None if it is not one."""
    try:
        body = json.loads(line[len(FILES) :].decode())
    except (UnicodeDecodeError, ValueError):
        return None
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    profile = body.get("profile")
    return files, profile if isinstance(profile, str) else ""
