"""The desk itself: Today, and the profile, database and legacy-import commands.

The window's own menus (backups, profiles, settings, themes, quit) stay with the window; they
concern the whole profile rather than a feature.
"""

from __future__ import annotations

from app.core.changes import Change
from app.features.declarations import Feature, ViewDecl

DESK = Feature(
    name="desk",
    views=(ViewDecl("Today", "app.ui.today.view:TodayView"),),
    cli_modules=("app.cli.profile_commands", "app.cli.db_commands", "app.cli.import_commands"),
    shows=Change.PROFILE | Change.SETTINGS,
)
