"""Dialogs shared by the launch flow and the main window."""
