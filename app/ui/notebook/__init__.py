"""The Notebook view: notes beside the one open, its editor, links and history."""
