"""Importers of outside data (TinyDB files of older apps, question banks, ...). No Qt.

Every importer validates before it writes, writes one transaction per profile, and never changes
its source file.
"""
