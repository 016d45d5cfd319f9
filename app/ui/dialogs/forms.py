"""A small form whose OK runs its work in the background and shows problems inside the form.

The learner sees "That name is taken" or "That is not the password" under the fields they can fix,
instead of a second window; the dialog only closes once the work succeeded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.tasks import TaskRunner, WorkFn


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before something the learner may regret; `action` names the button ("Delete")."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is go


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def fit_placeholder(field: QLineEdit) -> None:
    """`field` at least as wide as its placeholder ("For example, …") at the text size in use:
    Qt sizes a text box by 17 x's and cuts a longer hint short with "…"."""
    metrics = field.fontMetrics()
    hint = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
    field.setMinimumWidth(hint + metrics.horizontalAdvance(field.placeholderText()))


class WorkDialog(QDialog):
    """Subclasses add fields to `form` and implement `work()`; `succeeded` carries the result.

    `failed(UserError)` is emitted (and the dialog closed) for errors `shows_inline()` declines.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        title: str,
        ok_text: str,
        busy_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runner = runner
        self.busy_label = busy_label
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = QFormLayout()
        self.error_icon = QLabel()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.error_icon.setPixmap(warning.pixmap(16, 16))
        self.error_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QLabel()
        self.busy.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        errors = QHBoxLayout()
        errors.addWidget(self.error_icon)
        errors.addWidget(self.error, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addLayout(errors)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)
        self._set_error("")
        self._working = False

    def setVisible(self, visible: bool) -> None:
        if visible:  # the subclass's fields are all in by now; the text size is the one shown
            for field in self.findChildren(QLineEdit):
                if field.placeholderText():
                    fit_placeholder(field)
            # The keyboard starts in the first field and Enter runs the form from any field.
            # The buttons are made before the subclass's fields, so Qt would give the first
            # button the focus and make it the default one (Unlock's "Other Profile…").
            self.ok_button.setDefault(True)
            first = self._first_field()
            if self.focusWidget() is None and first is not None:
                first.setFocus()
        super().setVisible(visible)

    def _first_field(self) -> QWidget | None:
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            field = item.widget() if item is not None else None
            if field is not None and field.focusPolicy() & Qt.FocusPolicy.TabFocus:
                return field
        return None

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def work(self) -> WorkFn | None:
        """The background work for the current field values, or None after `show_error`."""
        raise NotImplementedError

    def shows_inline(self, error: UserError) -> bool:
        """Whether the learner can fix `error` in this form (else the dialog closes)."""
        return True

    def show_error(self, message: str) -> None:
        self._set_error(message)

    def accept(self) -> None:
        if self._working:
            return
        fn = self.work()
        if fn is None:
            return
        self._set_error("")
        self._set_working(True)
        self.runner.run_write(
            fn,
            label=self.busy_label,
            on_done=self._on_done,
            on_error=self._on_error,
            on_finally=lambda: self._set_working(False),
            owner=self,
        )

    def reject(self) -> None:
        if not self._working:
            super().reject()

    def _on_done(self, result: Any) -> None:
        self._working = False
        self.succeeded.emit(result)
        super().accept()

    def _on_error(self, error: UserError) -> None:
        if self.shows_inline(error):
            self._set_error(str(error))
        else:
            self._working = False
            self.failed.emit(error)
            super().reject()

    def _set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.error_icon.setVisible(bool(message))

    def _set_working(self, working: bool) -> None:
        self._working = working
        self.busy.setText(f"{self.busy_label}…" if working else "")
        self.busy.setVisible(working)
        self.ok_button.setEnabled(not working)
        for index in range(self.form.rowCount()):
            item = self.form.itemAt(index, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setEnabled(not working)
