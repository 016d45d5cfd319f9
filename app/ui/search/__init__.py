"""The Ctrl+K search dialog: one box over every kind of study material."""
