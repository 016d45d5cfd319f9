"""Sync (shared/docs/SYNC.md): capture of every change to a synced table in the transaction that
makes it, the hybrid logical clock that orders them, the merge of other devices' operations by
each table's rule (app/db/merge_rules.py), and the folder target.

Generic over the merge-rule registry: a table added to it is captured, sent and merged the day
it exists. Qt-free; the CLI and the window call `app.sync.engine`.
"""
