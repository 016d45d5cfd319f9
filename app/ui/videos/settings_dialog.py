"""Video settings: when a video counts as completed (50% to 100% of it watched; 90% unless set).

Read and saved through the task runner with the videos core; lowering the threshold completes
the videos already watched that far, raising it keeps the completions there are."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from app.core.videos.watching import completion_threshold_of, set_completion_threshold
from app.ui.context import ViewContext
from app.ui.videos.details_dialog import lay_out_with_save


class VideoSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, complete_at: float) -> None:
        super().__init__(parent)
        self.setWindowTitle("Video Settings")
        self.complete_at = QSpinBox()
        self.complete_at.setRange(50, 100)
        self.complete_at.setSingleStep(5)
        self.complete_at.setSuffix(" %")
        self.complete_at.setValue(round(complete_at * 100))
        self.complete_at.setAccessibleName("Completed at")
        explain = QLabel(
            "A video counts as completed once the parts you have played cover this share of "
            "it. Skipping ahead or leaving it paused never counts. Videos already completed "
            "stay completed."
        )
        explain.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Completed at", self.complete_at)
        lay_out_with_save(self, form, explain)
        # A wrapped label's height follows its width: fix the width, then fit the height to it.
        explain.setFixedWidth(explain.fontMetrics().averageCharWidth() * 56)
        explain.setMinimumHeight(explain.heightForWidth(explain.width()))

    def fraction(self) -> float:
        return self.complete_at.value() / 100


def edit_video_settings(context: ViewContext, parent: QWidget, initiator: QWidget) -> None:
    """Read the settings, show the dialog, save what the learner chose."""
    opened = context.opened

    def show(complete_at: float) -> None:
        dialog = VideoSettingsDialog(parent, complete_at)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.fraction() == complete_at:
            return
        fraction = dialog.fraction()
        context.runner.run_write(
            lambda _p: set_completion_threshold(opened.database, fraction),
            label="Saving video settings",
            owner=parent,
            initiator=initiator,
        )

    context.runner.run_read(
        lambda _p: completion_threshold_of(opened.database), on_done=show, owner=parent
    )
