"""Settings of this computer only: window layout, theme, text size, the last profile used.

They live in an INI file inside the data dir (never the registry or the home folder), so a
portable install carries them along and tests stay inside their temporary folder. They are not
synced: a laptop and a desktop can each have their own window size and theme.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from app.paths import DataLocations

THEMES = ("system", "light", "dark")
# Text size as a percentage of the system's font size, so "Large" means the same on every OS.
TEXT_SIZES = {90: "Small", 100: "Default", 115: "Large", 130: "Larger", 150: "Largest"}
# The lesson reader's own size, relative to the text size above (Ctrl+= / Ctrl+- / Ctrl+0).
READER_ZOOMS = (80, 90, 100, 110, 125, 140, 160, 180, 200)


class DeviceSettings:
    """Typed access to the device settings file; every setter writes through at once."""

    def __init__(self, locations: DataLocations) -> None:
        locations.root.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(locations.device_settings_file), QSettings.Format.IniFormat)

    def _text(self, key: str, default: str) -> str:
        value = self._settings.value(key, default)
        return value if isinstance(value, str) else default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _set(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()

    @property
    def theme(self) -> str:
        theme = self._text("appearance/theme", "system")
        return theme if theme in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._set("appearance/theme", value if value in THEMES else "system")

    @property
    def text_size(self) -> int:
        try:
            size = int(self._text("appearance/text_size", "100"))
        except ValueError:
            return 100
        return size if size in TEXT_SIZES else 100

    @text_size.setter
    def text_size(self, value: int) -> None:
        self._set("appearance/text_size", str(value if value in TEXT_SIZES else 100))

    @property
    def reader_zoom(self) -> int:
        try:
            zoom = int(self._text("lessons/reader_zoom", "100"))
        except ValueError:
            return 100
        return zoom if zoom in READER_ZOOMS else 100

    @reader_zoom.setter
    def reader_zoom(self, value: int) -> None:
        self._set("lessons/reader_zoom", str(value if value in READER_ZOOMS else 100))

    @property
    def last_profile_id(self) -> str | None:
        return self._text("profiles/last_used", "") or None

    @last_profile_id.setter
    def last_profile_id(self, value: str | None) -> None:
        self._set("profiles/last_used", value or "")

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)
        self._settings.sync()
