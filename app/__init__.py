"""Study Desk: an offline desktop study app."""

__version__ = "0.1.0"
