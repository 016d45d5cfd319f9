"""Sync between a learner's devices (shared/docs/SYNC.md): the `studydesk sync` commands. The
Settings page and the status bar come with the window's part of it."""

from __future__ import annotations

from app.features.declarations import Feature

SYNC = Feature(name="sync", cli_modules=("app.cli.sync_commands", "app.cli.serve_sync_commands"))
