"""Sync between a learner's devices (shared/docs/SYNC.md): the `studydesk sync` commands, and in
the window File > Sync Settings… and Sync Now (Ctrl+Y); the status bar's line and the syncs on
open, on close and every few minutes come with the window (app/ui/sync)."""

from __future__ import annotations

from app.features.declarations import Feature, MenuAction

SYNC = Feature(
    name="sync",
    menu_actions=(
        MenuAction(
            "File",
            "S&ync Settings…",
            "app.ui.sync.controller:open_settings",
            tip="Sync this profile with your other computers through a folder or a server",
        ),
        MenuAction(
            "File",
            "Sync &Now",
            "app.ui.sync.controller:sync_now",
            shortcut="Ctrl+Y",
            tip="Send this profile's changes and bring the other computers' now",
        ),
    ),
    cli_modules=("app.cli.sync_commands", "app.cli.serve_sync_commands"),
)
