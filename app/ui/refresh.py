"""One rule for every view that shows profile data: when a write changes what it shows, it reads
again now if it is on screen, or the next time it is shown if not.

A view mixes in `RefreshOnChange` before its Qt base class, sets `SHOWS` (the `Change` flags it
displays), implements `refresh()` (or `refresh_for(changes)` to read only part) and calls
`listen_for_changes(runner)` once built. The task runner announces each write as
`data_changed(changes, initiator)`; a view that initiated a write and already shows its outcome
(it set `SKIPS_OWN_CHANGES`) is not asked to read again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtGui import QShowEvent

from app.core.changes import Change

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.ui.tasks import TaskRunner

    _Base = QWidget
else:
    _Base = object


class RefreshOnChange(_Base):
    SHOWS: ClassVar[Change] = Change.NONE
    # True for a view that updates itself from its own writes' results (the review pane).
    SKIPS_OWN_CHANGES: ClassVar[bool] = False
    # True for a part that hides itself when it has nothing to show (a Today section): its
    # parent's visibility says whether it is on screen.
    HIDES_WHEN_EMPTY: ClassVar[bool] = False

    _stale_changes: Change = Change.NONE

    def listen_for_changes(self, runner: TaskRunner) -> None:
        runner.data_changed.connect(self.on_data_changed)

    def on_data_changed(self, changes: Change, initiator: object = None) -> None:
        touched = changes & self.SHOWS
        if not touched:
            return
        if self.SKIPS_OWN_CHANGES and initiator is self:
            return
        if self.on_screen():
            self.refresh_for(touched)
        else:
            self._stale_changes |= touched

    @property
    def stale(self) -> bool:
        """A change it shows arrived while it was hidden; it reads again when next shown."""
        return bool(self._stale_changes)

    def mark_stale(self, changes: Change = Change.EVERYTHING) -> None:
        self._stale_changes |= changes & self.SHOWS or changes

    def on_screen(self) -> bool:
        """Whether a change should be read now. A part that hides itself when it has nothing
        to show (`HIDES_WHEN_EMPTY`) answers for its parent instead."""
        if self.HIDES_WHEN_EMPTY:
            parent = self.parentWidget()
            return parent is not None and parent.isVisible()
        return self.isVisible()

    def refresh_if_stale(self) -> None:
        if self._stale_changes:
            changes, self._stale_changes = self._stale_changes, Change.NONE
            self.refresh_for(changes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_if_stale()

    def refresh_for(self, changes: Change) -> None:
        """Read again what `changes` (a part of SHOWS) may have altered; by default all."""
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError
