"""Domain logic with no Qt: functions take a Session and plain values, return frozen dataclasses."""
