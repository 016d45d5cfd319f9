"""What every view and dialog of the main window is given; nothing reaches for globals."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.opening import OpenProfile
from app.paths import DataLocations
from app.ui.device_settings import DeviceSettings
from app.ui.error_dialog import ErrorReporter
from app.ui.navigation import Navigator
from app.ui.tasks import TaskRunner
from app.ui.theme import Appearance


@dataclass(frozen=True)
class ViewContext:
    """`opened.database` may be replaced by a restore: read it inside the work function, never
    keep it."""

    locations: DataLocations
    runner: TaskRunner
    opened: OpenProfile
    settings: DeviceSettings
    appearance: Appearance
    reporter: ErrorReporter
    # Where a view asks to show something in another view (the window routes it).
    navigator: Navigator = field(default_factory=Navigator)

    @property
    def profile_name(self) -> str:
        return self.opened.profile.name
