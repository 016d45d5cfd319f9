"""`studydesk db check`: what it reports for a healthy and a broken profile."""

from __future__ import annotations

import json
import sqlite3

from db_helpers import ProfileFile, sha256

from app.db.check import check_database
from app.db.revisions import known_revisions


def test_a_fresh_profile_is_healthy(filled_profile: ProfileFile):
    before = sha256(filled_profile.db_file)
    report = check_database(filled_profile.db_file)
    assert report.healthy
    as_json = json.loads(json.dumps(report.as_json()))
    assert {"integrity", "foreign_keys", "revision", "head", "tables"} <= set(as_json)
    assert as_json["integrity"] == "ok"
    assert as_json["foreign_keys"] == []
    assert as_json["revision"] == as_json["head"] == known_revisions().head
    assert as_json["tables"]["import_sources"] == 50
    assert as_json["tables"]["profile_settings"] == 1
    assert as_json["tables"]["legacy_documents"] == 0
    assert sha256(filled_profile.db_file) == before


def test_a_broken_reference_is_reported(filled_profile: ProfileFile):
    conn = sqlite3.connect(filled_profile.db_file)  # foreign keys are off by default here
    conn.execute(
        "INSERT INTO legacy_documents (id, source_id, table_name, doc_id, body, reason, "
        "created_at, updated_at) VALUES ('d1', 'gone', 'notes', '7', '{}', 'kept', "
        "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()

    report = check_database(filled_profile.db_file)

    assert not report.healthy
    assert report.integrity == []
    problems = report.as_json()["foreign_keys"]
    assert problems == [{"table": "legacy_documents", "rowid": 1, "parent": "import_sources"}]
