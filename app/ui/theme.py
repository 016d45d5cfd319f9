"""Light, dark or the system's choice, on the Fusion style, plus the learner's text size.

The color scheme hint alone is not enough: platforms without a theme plugin (the offscreen one
used by tests, many Linux desktops) ignore `setColorScheme`, so the palette is set explicitly
too. The hint is still passed on so native dialogs and title bars follow where they can.

When the system asks for high contrast (Qt's `contrastPreference`, reported by the platform
plugins that know it), the light or dark palette is replaced by a black-and-white one.

A text size change reaches widgets whose font the application font alone does not set: those
under a style sheet (Qt leaves them as they were) are polished again, and those sized relative
to the text with `scale_text` are sized again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.device_settings import TEXT_SIZES

_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}

Role = QPalette.ColorRole
Group = QPalette.ColorGroup
TEXT_SCALE = "text_scale"  # widget property: its text size relative to the application's


def system_wants_high_contrast() -> bool:
    # The style hints' wrapper is kept while its child is used: without it PySide drops the
    # child's wrapper at once ("Internal C++ object already deleted").
    style_hints = QGuiApplication.styleHints()
    preference = style_hints.accessibility().contrastPreference()
    return preference == Qt.ContrastPreference.HighContrast


def scale_text(widget: QWidget, scale: float, bold: bool | None = None) -> None:
    """Show `widget`'s text `scale` times the application's size (bold if asked), now and after
    every text size change."""
    widget.setProperty(TEXT_SCALE, float(scale))
    font = QFont(widget.font())
    if bold is not None:
        font.setBold(bold)
    font.setPointSizeF(round(QApplication.font().pointSizeF() * scale, 1))
    widget.setFont(font)


def _palette(
    colors: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]
) -> QPalette:
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role, color in disabled.items():
        palette.setColor(Group.Disabled, role, QColor(color))
    return palette


def light_palette() -> QPalette:
    return _palette(
        {
            Role.Window: "#efefef",
            Role.WindowText: "#1d1d1d",
            Role.Base: "#ffffff",
            Role.AlternateBase: "#f5f5f5",
            Role.ToolTipBase: "#ffffdc",
            Role.ToolTipText: "#1d1d1d",
            Role.PlaceholderText: "#6a6a6a",  # muted text too: 4.7:1 on the window
            Role.Text: "#1d1d1d",
            Role.Button: "#efefef",
            Role.ButtonText: "#1d1d1d",
            Role.BrightText: "#ffffff",
            Role.Light: "#ffffff",
            Role.Midlight: "#e3e3e3",
            Role.Mid: "#b8b8b8",
            Role.Dark: "#9f9f9f",
            Role.Shadow: "#767676",
            Role.Highlight: "#2f6fbf",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#1c5ea8",
            Role.LinkVisited: "#6b3fa0",
        },
        {Role.WindowText: "#9a9a9a", Role.Text: "#9a9a9a", Role.ButtonText: "#9a9a9a"},
    )


def high_contrast_palette(dark: bool) -> QPalette:
    """Black on white (or white on black), every text at a contrast of 7:1 or more."""
    ink, paper = ("#ffffff", "#000000") if dark else ("#000000", "#ffffff")
    return _palette(
        {
            Role.Window: paper,
            Role.WindowText: ink,
            Role.Base: paper,
            Role.AlternateBase: "#1a1a1a" if dark else "#ededed",
            Role.ToolTipBase: paper,
            Role.ToolTipText: ink,
            Role.PlaceholderText: "#c8c8c8" if dark else "#3a3a3a",
            Role.Text: ink,
            Role.Button: paper,
            Role.ButtonText: ink,
            Role.BrightText: ink,
            Role.Light: ink if dark else paper,
            Role.Midlight: "#5a5a5a",
            Role.Mid: ink,
            Role.Dark: ink,
            Role.Shadow: ink,
            Role.Highlight: "#1aebff" if dark else "#0033a0",
            Role.HighlightedText: "#000000" if dark else "#ffffff",
            Role.Link: "#ffff00" if dark else "#0000c0",
            Role.LinkVisited: "#ffb0ff" if dark else "#5a0f8c",
        },
        dict.fromkeys(
            (Role.WindowText, Role.Text, Role.ButtonText), "#a8a8a8" if dark else "#555555"
        ),
    )


def dark_palette() -> QPalette:
    return _palette(
        {
            Role.Window: "#2b2b2b",
            Role.WindowText: "#e6e6e6",
            Role.Base: "#1f1f1f",
            Role.AlternateBase: "#262626",
            Role.ToolTipBase: "#3a3a3a",
            Role.ToolTipText: "#e6e6e6",
            Role.PlaceholderText: "#969696",  # muted text too: 4.8:1 on the window
            Role.Text: "#e6e6e6",
            Role.Button: "#353535",
            Role.ButtonText: "#e6e6e6",
            Role.BrightText: "#ffffff",
            Role.Light: "#474747",
            Role.Midlight: "#3c3c3c",
            Role.Mid: "#2f2f2f",
            Role.Dark: "#1a1a1a",
            Role.Shadow: "#0d0d0d",
            Role.Highlight: "#3d7fd1",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#7fb2ef",
            Role.LinkVisited: "#b79be0",
        },
        {Role.WindowText: "#7a7a7a", Role.Text: "#7a7a7a", Role.ButtonText: "#7a7a7a"},
    )


class Appearance(QObject):
    """Applies the theme and text size to the whole application; follows the system's scheme
    while "system" is chosen. Create one, on the GUI thread, after the QApplication."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._theme = "system"
        # Text sizes scale the system's size as it was at start, not the last scaled one.
        self._base_point_size = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 10.0
        app.setStyle("Fusion")
        self._style_hints = QGuiApplication.styleHints()  # kept: see system_wants_high_contrast
        self._style_hints.colorSchemeChanged.connect(self._on_system_scheme_changed)
        self._style_hints.accessibility().contrastPreferenceChanged.connect(
            self._on_system_contrast_changed
        )

    @property
    def theme(self) -> str:
        return self._theme

    def is_dark(self) -> bool:
        if self._theme == "system":
            return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        return self._theme == "dark"

    def is_high_contrast(self) -> bool:
        return system_wants_high_contrast()

    def palette(self) -> QPalette:
        if self.is_high_contrast():
            return high_contrast_palette(self.is_dark())
        return dark_palette() if self.is_dark() else light_palette()

    def apply_theme(self, theme: str) -> None:
        self._theme = theme if theme in _SCHEMES else "system"
        QGuiApplication.styleHints().setColorScheme(_SCHEMES[self._theme])
        self._app.setPalette(self.palette())

    def apply_text_size(self, percent: int) -> None:
        percent = percent if percent in TEXT_SIZES else 100
        font = QFont(self._app.font())
        font.setPointSizeF(round(self._base_point_size * percent / 100, 1))
        self._app.setFont(font)
        styled = [w for w in QApplication.allWidgets() if w.styleSheet()]
        for widget in styled:
            widget.setStyleSheet(widget.styleSheet())
        for widget in QApplication.allWidgets():
            scale = widget.property(TEXT_SCALE)
            if scale is not None:
                scale_text(widget, float(scale))

    def _on_system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme == "system":
            self._app.setPalette(self.palette())

    def _on_system_contrast_changed(self, _preference: Qt.ContrastPreference) -> None:
        self._app.setPalette(self.palette())
