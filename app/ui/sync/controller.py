"""The window's sync: when it runs, and the status bar's line about it.

Sync runs once the window has painted, every few minutes, on Ctrl+Y (Sync Now) and at close
(a server is waited for a few seconds at most), always on the task runner's write thread: study
goes on meanwhile. The status bar says "Synced 2 min ago · 3 changes waiting"; a target that
cannot be reached is said quietly and tried again at the next round; a refusal (a wrong
passphrase, a revoked sign-in, another profile's data) is said once, with a link to Sync
Settings, and automatic syncs stop until the settings change. No question ever asks which
side to keep: the engine merges both.

The folder's passphrase is never stored (Study Desk has no keyring): it is kept in memory for
this session once the learner has typed it (Sync Settings, or the link in the status bar).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMainWindow, QWidget

from app.core.changes import Change
from app.errors import UserError
from app.ui.context import ViewContext
from app.ui.tasks import TaskHandle

if TYPE_CHECKING:
    from app.sync.engine import SyncStatus
    from app.ui.sync.work import SyncOutcome

log = logging.getLogger(__name__)

SYNC_EVERY_MS = 5 * 60_000
CLOCK_MS = 30_000  # "2 min ago" is written again this often
STATUS_AFTER_CHANGE_MS = 1500  # a local change: the count of changes waiting read again
SETTINGS_LINK = "settings"
PASSPHRASE_LINK = "passphrase"
BAR_CHARS = 60

# Passphrases typed this session, by profile file: never written anywhere.
_PASSPHRASES: dict[str, str] = {}


def ago(when: str | None, now: datetime | None = None) -> str:
    """ "just now", "5 min ago", "3 h ago", "2 days ago" for a stored ISO time."""
    if not when:
        return "never"
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return when
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


def waiting_text(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''} waiting"


class SyncStatusLabel(QLabel):
    """The status bar's permanent line about sync; its links open Sync Settings or ask for the
    passphrase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-status")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.plain = ""
        self.hide()

    def say(self, text: str, link: tuple[str, str] | None = None, tip: str = "") -> None:
        self.plain = text + (f" · {link[1]}" if link else "")
        html = _escape(text)
        if link is not None:
            html += f' · <a href="{link[0]}">{_escape(link[1])}</a>'
        self.setText(html)
        self.setToolTip(tip or self.plain)
        self.setVisible(bool(text))


def _short(text: str) -> str:
    """The message's first sentence, at most `BAR_CHARS` (the whole in the tooltip and in Sync
    Settings): the status bar must not widen the window."""
    first = text.split(". ")[0].split(": nothing")[0]
    return first if len(first) <= BAR_CHARS else first[: BAR_CHARS - 1].rstrip() + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SyncController(QObject):
    """One per window. `status_changed(SyncStatus)`: read again (after a sync or a change)."""

    status_changed = Signal(object)

    def __init__(self, context: ViewContext, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("sync-controller")
        self.context = context
        self.window = window
        self.status: SyncStatus | None = None
        self.state = ""  # the last outcome's state, or "error"
        self.error = ""
        self.running: TaskHandle | None = None
        self.again = False  # a sync was asked for while one ran
        self.manual = False  # the running sync was asked for by the learner
        self.label = SyncStatusLabel()
        self.label.linkActivated.connect(self._link)
        window.statusBar().insertPermanentWidget(0, self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(SYNC_EVERY_MS)
        self.timer.timeout.connect(lambda: self.sync(automatic=True))
        self.timer.start()
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_MS)
        self.clock.timeout.connect(self._show)
        self.clock.start()
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.setInterval(STATUS_AFTER_CHANGE_MS)
        self._reread.timeout.connect(self.read_status)
        context.runner.data_changed.connect(self._on_data_changed)
        window.installEventFilter(self)

    # The passphrase of this session
    @property
    def _key(self) -> str:
        return str(self.context.opened.profile.id)

    @property
    def passphrase(self) -> str | None:
        return _PASSPHRASES.get(self._key)

    def remember_passphrase(self, passphrase: str | None) -> None:
        if passphrase:
            _PASSPHRASES[self._key] = passphrase
        else:
            _PASSPHRASES.pop(self._key, None)

    # Running
    def sync(self, *, automatic: bool = False) -> TaskHandle | None:
        """Sync now (Sync Now, Ctrl+Y) or at a round; one at a time, a second asked meanwhile
        runs after it. Automatic rounds pause after a refusal until the learner acts."""
        if automatic and self.state in ("error", "passphrase", "off"):
            return None
        if self.context.opened.read_only is not None:
            return None
        if self.running is not None:
            self.again = not automatic or self.again
            return None
        from app.ui.sync import work

        self.manual = not automatic
        opened, passphrase = self.context.opened, self.passphrase
        self.running = self.context.runner.run_write(
            lambda _progress: work.run_sync(opened, passphrase),
            label="Syncing",
            on_done=self.synced,
            on_error=self.refused,
            on_finally=self._ended,
            owner=self,
        )
        return self.running

    def sync_at_close(self) -> None:
        """Queued before the runner's shutdown waits for the writes: a folder's push, or a
        server waited for a few seconds at most."""
        if self.state in ("error", "passphrase", "off") or self.context.opened.read_only:
            return
        from app.ui.sync import work

        opened, passphrase = self.context.opened, self.passphrase

        def at_close(_progress: object) -> None:
            try:
                work.run_sync(opened, passphrase, closing=True)
            except Exception as error:  # the window is closing: the log, never a dialog
                log.warning("Sync at close did not finish: %s", error)

        self.context.runner.run_write(at_close, label="")

    def synced(self, outcome: SyncOutcome) -> None:
        self.state, self.error = outcome.state, ""
        self.status = outcome.status
        if outcome.result is not None and outcome.result.skipped:
            log.info("Sync left for later: %s", "; ".join(outcome.result.skipped))
        self._show()
        self.status_changed.emit(outcome.status)
        if self.manual and outcome.state == "off":
            self.window.statusBar().showMessage(
                "Sync is not set up for this profile: File > Sync Settings…", 8000
            )
        elif self.manual and outcome.state == "passphrase":
            self.ask_passphrase()

    def refused(self, error: UserError) -> None:
        """Said once: the status bar keeps it (with a link to Sync Settings) and automatic
        syncs wait until the settings change or the learner syncs again."""
        self.state, self.error = "error", str(error)
        log.warning("Sync refused: %s", error)
        self._show()
        self.read_status()

    def _ended(self) -> None:
        self.running = None
        if self.again:
            self.again = False
            self.sync()

    def settings_changed(self, outcome: SyncOutcome | None) -> None:
        """Sync Settings set a target up (and synced) or turned sync off."""
        self.state, self.error = ("", "") if outcome is None else (outcome.state, "")
        if outcome is not None:
            self.synced(outcome)
        else:
            self.read_status()

    def read_status(self) -> None:
        from app.ui.sync import work

        opened = self.context.opened
        self.context.runner.run_read(
            lambda _progress: work.read_status(opened),
            on_done=self._status_read,
            owner=self,
            latest="status",
        )

    def _status_read(self, status: SyncStatus) -> None:
        self.status = status
        if not status.enabled and self.state != "error":
            self.state = "off"
        elif status.enabled and self.state == "off":
            self.state = ""
        self._show()
        self.status_changed.emit(status)

    def _on_data_changed(self, changes: Change, initiator: object) -> None:
        if initiator is not self and self.status is not None and self.status.enabled:
            self._reread.start()

    # The status bar
    def status_text(self) -> tuple[str, tuple[str, str] | None]:
        status = self.status
        if status is None or (not status.enabled and self.state != "error"):
            return "", None
        waiting = status.pending_operations
        if self.state == "error":
            return f"Sync stopped: {_short(self.error)}", (SETTINGS_LINK, "Sync Settings…")
        if self.state == "passphrase":
            return "Sync paused: the folder's passphrase is needed", (
                PASSPHRASE_LINK,
                "Enter it…",
            )
        where = "server" if (status.target or {}).get("kind") == "server" else "folder"
        parts = []
        if self.state == "unreachable":
            parts.append(f"Sync: {where} not reachable, will retry")
        elif status.last_sync:
            parts.append(f"Synced {ago(status.last_sync)}")
        else:
            parts.append("Not synced yet")
        if waiting:
            parts.append(waiting_text(waiting))
        return " · ".join(parts), None

    def _show(self) -> None:
        text, link = self.status_text()
        tip = self.error if self.state == "error" else ""
        self.label.say(text, link, tip)

    def _link(self, link: str) -> None:
        if link == PASSPHRASE_LINK:
            self.ask_passphrase()
        else:
            open_settings(self.context, self.window)

    def ask_passphrase(self) -> None:
        text, ok = QInputDialog.getText(
            self.window,
            "Sync Passphrase",
            "The sync folder is encrypted. Its passphrase (kept until Study Desk closes):",
            QLineEdit.EchoMode.Password,
        )
        if ok and text:
            self.remember_passphrase(text)
            self.state = ""
            self.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.timer.stop()
            self.sync_at_close()
        return False


def controller_for(context: ViewContext, window: QMainWindow) -> SyncController:
    """The window's controller, made (and a first sync started) on first use."""
    found = window.findChild(SyncController, "sync-controller")
    if found is not None:
        return found
    controller = SyncController(context, window)
    controller.sync(automatic=True)  # on open: reads the status, syncs if a target is set
    return controller


def attach(context: ViewContext, window: QMainWindow) -> None:
    """After the window's first paint: the status bar line and the first sync."""
    controller_for(context, window)


def sync_now(context: ViewContext, window: Any) -> None:
    controller = window.findChild(SyncController, "sync-controller")
    if controller is None:
        controller = SyncController(context, window)
    if controller.state != "off":
        controller.state = ""  # the learner asks again: a refusal is tried again too
    controller.sync()


def open_settings(context: ViewContext, window: Any) -> None:
    from app.ui.sync.dialog import SyncSettingsDialog

    controller = controller_for(context, window)
    dialog = SyncSettingsDialog(context, controller, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.sync_dialog = dialog
    dialog.show()
