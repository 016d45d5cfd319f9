"""Search everything: one box (Ctrl+K) and one command over every kind of study material."""

from __future__ import annotations

from app.features.declarations import Feature, MenuAction

SEARCH = Feature(
    name="search",
    menu_actions=(
        MenuAction(
            "File",
            "&Search Everything…",
            "app.ui.search.dialog:open_search",
            shortcut="Ctrl+K",
            tip="Find notes, lessons, cards, questions and videos by their words",
        ),
    ),
    cli_modules=("app.cli.search_commands",),
)
