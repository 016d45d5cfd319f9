"""The folder property test with every batch merged the bulk way (`app.sync.bulk_index`): the
full-text indexes rebuilt and the capture triggers suspended whatever the batch's size, so the
rules a new computer's first sync takes are checked against every random history too."""

from __future__ import annotations

import os
import sqlite3

from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant
from test_sync_property import SyncMachine

from app.sync import bulk_index


class BulkSyncMachine(SyncMachine):
    def __init__(self) -> None:
        super().__init__()
        self._threshold = bulk_index.BULK_MIN_ROWS
        bulk_index.BULK_MIN_ROWS = 1

    @invariant()
    def indexes_match_their_rows(self) -> None:
        for device in self.devices:
            conn = sqlite3.connect(device.database.db_file)
            try:
                for index in ("cards_fts", "search_text", "search_trigram"):
                    conn.execute(
                        f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"
                    )
            finally:
                conn.close()

    def teardown(self) -> None:
        bulk_index.BULK_MIN_ROWS = self._threshold
        super().teardown()


BulkSyncMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("SYNC_EXAMPLES", "4")),
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_devices_converge_merging_in_bulk = BulkSyncMachine.TestCase
