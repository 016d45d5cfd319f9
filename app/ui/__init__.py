"""The Qt GUI: main window, task runner and one package per view. Only this package imports Qt."""
