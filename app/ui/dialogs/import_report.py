"""What an import brought in, profile by profile, what was kept aside and why, and which files
could not be read at all; the learner can copy or save it as plain text."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.importers.legacy_import import ImportReport, ProfileReport
from app.importers.report_text import counted, report_lines, shared_sentence
from app.ui.screen_fit import fit_on_screen
from app.ui.tasks import TaskRunner

KEPT_ASIDE_SHOWN = 200


def brought_in(profile: ProfileReport) -> str:
    """What came into one profile, as the learner would say it."""
    found = [counted(key, n) for key, n in profile.counts.items() if n and key != "kept_verbatim"]
    if found:
        # Commas only: some labels hold an "and" of their own ("notes and articles").
        return f"Brought in: {', '.join(found)}."
    if profile.already_imported:
        return "These files were imported before; nothing new came from them."
    if profile.counts.get("kept_verbatim"):
        return "Nothing fitted Study Desk's lessons, questions or notes; see “Kept aside”."
    return "Nothing new for this profile."


def anything_imported(report: ImportReport) -> bool:
    return any(any(p.counts.values()) for p in report.profiles) or any(
        p.created for p in report.profiles
    )


def unreadable_html(path: str, reason: str) -> str:
    """The file's name in bold and why, where it is below: the importer's words begin with the
    whole path, which said first would push the reason out of sight."""
    rest = reason[len(path) :] if reason.startswith(path) else f" — {reason}"
    return (
        f"<b>{escape(Path(path).name)}</b>{escape(rest)}<br>"
        f"<span style='color: gray'>{escape(path)}</span>"
    )


def report_html(report: ImportReport) -> str:
    parts: list[str] = []
    created = [p for p in report.profiles if p.created]
    if created:
        parts.append(
            "<p>Learners of the older app get their own profiles, made where needed. "
            "Each opens with that learner's old password.</p>"
        )
    if (shared := shared_sentence(report)) is not None:
        parts.append(f"<p>{escape(shared)}</p>")
    for profile in report.profiles:
        title = escape(profile.profile)
        if profile.created:
            title += " <span style='font-weight:normal'>— new profile</span>"
        parts.append(f"<h3>{title}</h3><p>{escape(brought_in(profile))}</p>")

    problems = [(p.profile, problem) for p in report.profiles for problem in p.problems]
    if problems:
        parts.append(
            "<h3>Kept aside</h3><p>These entries did not fit anywhere in Study Desk. They were "
            "saved exactly as they were, so nothing is lost:</p><ul>"
        )
        several = len({name for name, _ in problems}) > 1
        for name, problem in problems[:KEPT_ASIDE_SHOWN]:
            where = f"{Path(problem.file).name}, {problem.table} #{problem.doc_id}"
            owner = f" (for “{escape(name)}”)" if several else ""
            parts.append(f"<li><b>{escape(where)}</b>{owner}: {escape(problem.reason)}</li>")
        parts.append("</ul>")
        if len(problems) > KEPT_ASIDE_SHOWN:
            more = len(problems) - KEPT_ASIDE_SHOWN
            parts.append(f"<p>…and {more:,} more; Save Report lists every one.</p>")

    remarks = [remark for p in report.profiles for remark in p.remarks]
    if remarks:
        parts.append("<h3>Notes</h3><p>These came in; what you should know about them:</p><ul>")
        for remark in remarks[:KEPT_ASIDE_SHOWN]:
            where = f"{Path(remark.file).name}, {remark.table} #{remark.doc_id}"
            parts.append(f"<li><b>{escape(where)}</b>: {escape(remark.text)}</li>")
        parts.append("</ul>")
        if len(remarks) > KEPT_ASIDE_SHOWN:
            more = len(remarks) - KEPT_ASIDE_SHOWN
            parts.append(f"<p>…and {more:,} more; Save Report lists every one.</p>")

    if report.unreadable:
        parts.append("<h3>Not imported</h3><p>Nothing was taken from these files:</p><ul>")
        for path, reason in report.unreadable:
            parts.append(f"<li>{unreadable_html(path, reason)}</li>")
        parts.append("</ul>")
    if report.empty:
        parts.append("<h3>Empty files</h3><p>These files hold no documents:</p><ul>")
        for path, _message in report.empty:
            parts.append(f"<li><b>{escape(Path(path).name)}</b> — {escape(path)}</li>")
        parts.append("</ul>")
    if not report.profiles and not report.unreadable and not report.empty:
        parts.append("<p>There was nothing to import.</p>")
    return "".join(parts)


def report_plain_text(report: ImportReport) -> str:
    """The same words as `studydesk import`, every problem included."""
    problems = max((max(len(p.problems), len(p.remarks)) for p in report.profiles), default=0)
    return "\n".join(report_lines(report, max_problems=problems)) + "\n"


def save_text(target: Path, text: str) -> None:
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"Could not save the report to {target} ({error.strerror}).") from None


class ImportReportDialog(QDialog):
    """Shown after an import ends; closing it is all the learner has to do."""

    def __init__(
        self,
        runner: TaskRunner,
        report: ImportReport,
        heading: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Report — Study Desk")
        self.runner = runner
        self.report = report
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.document().setDocumentMargin(12)
        self.body.setHtml(report_html(report))
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy Report")
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button = QPushButton("Save Report…")
        self.save_button.clicked.connect(self.save_report)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.buttons)
        fit_on_screen(self, QSize(620, 540))  # within a small laptop's screen, title bar too

    def text(self) -> str:
        """The report as plain text (what Copy and Save give)."""
        return report_plain_text(self.report)

    def shown_text(self) -> str:
        return self.body.toPlainText()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self._say("The report is on the clipboard.")

    def save_report(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save Import Report",
            str(Path.home() / "Study Desk import report.txt"),
            "Text files (*.txt)",
        )
        if not name:
            return
        target, text = Path(name), self.text()
        self.runner.run_read(
            lambda _progress: save_text(target, text),
            label="Saving the import report",
            on_done=lambda _written: self._say(f"Saved to {target}"),
            on_error=lambda error: self._say(str(error)),
            owner=self,
        )

    def _say(self, message: str) -> None:
        self.state.setText(message)
        self.state.show()
