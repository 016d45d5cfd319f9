"""Sync in the window (shared/docs/SYNC.md): Sync Settings, the status bar's "Synced 2 min ago",
syncing on open, on close, every few minutes and on Ctrl+Y, and the first launch's "I already
use Study Desk". The engine (app.sync) loads only after the window's first paint."""
