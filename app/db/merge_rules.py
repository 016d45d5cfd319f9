"""How every table merges when two devices meet (shared/docs/SYNC.md), in one registry.

Every table of the head schema has a `TableRule`: its kind of data, its key, and for a synced
table how each column merges. The sync engine captures and applies changes per table by these
rules; `tests/db/test_merge_rules.py` fails when a table or a column has none, and checks the
schema against SYNC.md's data rules, so an issue that adds data decides how it merges before
sync meets it. Departures the project lives with for now are in `KNOWN_EXCEPTIONS`, each with
its reason.

To add a table, add one entry to `_RULES` (`_fields`, `_log`, `_membership` or `_unsynced`)
with a one-line reason; to add a column to a synced table, name it in its entry as synced (and
how it merges, if not last-writer-wins), a derived cache, generated, or device-local.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.db.merge_kinds import (
    ColumnMerge,
    ColumnRole,
    ColumnRule,
    DataRule,
    KeyKind,
    Stamped,
    TableKind,
    TableRule,
    merge_field,
)

__all__ = [
    "KNOWN_EXCEPTIONS",
    "RULES",
    "ColumnMerge",
    "ColumnRole",
    "ColumnRule",
    "DataRule",
    "KeyKind",
    "KnownException",
    "Stamped",
    "TableKind",
    "TableRule",
    "merge_field",
    "rule_for",
    "synced_rules",
]


_STAMPS = {
    "created_at": ColumnMerge.MIN,
    "updated_at": ColumnMerge.MAX,
    "deleted_at": ColumnMerge.LWW,
}


def _fields(
    table: str,
    reason: str,
    *,
    synced: str,
    merge: Mapping[str, ColumnMerge] | None = None,
    derived: str = "",
    generated: str = "",
    local: str = "",
    key: str = "id",
    key_kind: KeyKind = KeyKind.UUID,
    stamps: str = "created_at updated_at deleted_at",
    rebuilt_from: tuple[str, ...] = (),
    note: str = "",
) -> TableRule:
    """A FIELDS table: `synced` columns merge last-writer-wins unless `merge` says otherwise;
    created_at merges by MIN, updated_at by MAX and deleted_at last-writer-wins."""
    overrides = dict(merge or {})
    columns = [ColumnRule(key, ColumnRole.KEY)]
    for name in synced.split():
        columns.append(ColumnRule(name, ColumnRole.SYNCED, overrides.pop(name, ColumnMerge.LWW)))
    columns += [ColumnRule(name, ColumnRole.SYNCED, _STAMPS[name]) for name in stamps.split()]
    columns += [ColumnRule(name, ColumnRole.DERIVED) for name in derived.split()]
    columns += [ColumnRule(name, ColumnRole.GENERATED) for name in generated.split()]
    columns += [ColumnRule(name, ColumnRole.DEVICE_LOCAL) for name in local.split()]
    if overrides:
        raise ValueError(f"{table}: merge given for columns not synced: {sorted(overrides)}")
    return TableRule(
        table, TableKind.FIELDS, reason, (key,), key_kind, tuple(columns),
        rebuilt_from=rebuilt_from, note=note,
    )  # fmt: skip


def _log(
    table: str, reason: str, *, columns: str, time_column: str, key_kind: KeyKind = KeyKind.UUID
) -> TableRule:
    written = [ColumnRule(n, ColumnRole.SYNCED, ColumnMerge.ONCE) for n in columns.split()]
    written.append(ColumnRule("created_at", ColumnRole.SYNCED, ColumnMerge.ONCE))
    return TableRule(
        table, TableKind.LOG, reason, ("id",), key_kind,
        (ColumnRule("id", ColumnRole.KEY), *written), time_column=time_column,
    )  # fmt: skip


def _membership(
    table: str, owner: str, member: str, reason: str, *, order: str | None = None
) -> TableRule:
    """`order`: a column holding the member's fractional index within the owner (ORDER)."""
    ordered = () if order is None else (ColumnRule(order, ColumnRole.SYNCED, ColumnMerge.ORDER),)
    columns = (
        ColumnRule(owner, ColumnRole.KEY),
        ColumnRule(member, ColumnRole.KEY),
        *ordered,
        ColumnRule("updated_at", ColumnRole.SYNCED, ColumnMerge.MAX),
        ColumnRule("deleted_at", ColumnRole.SYNCED, ColumnMerge.LWW),
    )
    return TableRule(table, TableKind.MEMBERSHIP, reason, (owner, member), KeyKind.PAIR, columns)


def _text(table: str, reason: str, *, versions_of: str, columns: str) -> TableRule:
    """A TEXT table: versions of a free text, each written once and naming its parents; union
    by id, and concurrent heads merge into `versions_of`."""
    written = [ColumnRule(n, ColumnRole.SYNCED, ColumnMerge.ONCE) for n in columns.split()]
    written.append(ColumnRule("created_at", ColumnRole.SYNCED, ColumnMerge.ONCE))
    return TableRule(
        table, TableKind.TEXT, reason, ("id",), KeyKind.UUID,
        (ColumnRule("id", ColumnRole.KEY), *written), versions_of=versions_of,
    )  # fmt: skip


def _unsynced(
    table: str, kind: TableKind, reason: str, rebuilt_from: tuple[str, ...] = ()
) -> TableRule:
    return TableRule(table, kind, reason, rebuilt_from=rebuilt_from)


_FTS_STORAGE = "FTS5's own storage of the cards_fts index"
# The tables whose rows the search documents (revision 0007) are made from.
_SEARCHED = (
    "notes", "lessons", "lesson_contents", "cards", "questions", "videos", "video_bookmarks",
)  # fmt: skip

_RULES = (
    # Profile and imports (revision 0001)
    _fields(
        "profile_settings", "A named setting that follows the learner; its value is set whole.",
        synced="value", key="key", key_kind=KeyKind.NAME, stamps="updated_at",
    ),
    _fields(
        "import_sources", "The ledger of imported files: a file in it is not imported again.",
        synced="kind path size sha256 report",
        note="path is where the file was on the importing device: a fact, not a local setting",
    ),
    _fields(
        "legacy_documents", "Older apps' documents kept verbatim: written once, deletable.",
        synced="source_id table_name doc_id body reason",
    ),
    # Courses (0002)
    _fields(
        "courses", "A course's topic, level, objectives...: scalar fields.",
        synced="topic level duration objectives entered_topic master_id is_master is_sample "
        "source legacy_key extra",
    ),
    _fields(
        "course_modules", "A course's module: title and summary are fields, position an order.",
        synced="course_id position week title summary", merge={"position": ColumnMerge.ORDER},
    ),
    _fields(
        "lessons", "A lesson's title, summary, duration; its place is an order.",
        synced="module_id course_id position title summary duration",
        merge={"position": ColumnMerge.ORDER},
    ),
    _fields(
        "lesson_contents", "Authored lesson content (one JSON document), replaced whole.",
        synced="lesson_id body",
    ),
    _log(
        "lesson_events", "What the learner did in a lesson; status and score derive from it.",
        columns="lesson_id course_id kind status score occurred_at source detail",
        time_column="occurred_at",
    ),
    _fields(
        "placement_checks", "A finished placement check: written once like an attempt, deletable.",
        synced="topic course_id knowledge_level score questions responses taken_at",
    ),
    # Question bank, notebook, tags (0002)
    _fields(
        "questions", "A question's stem, choices, answer, explanation...: scalar fields.",
        synced="legacy_id stem choices answer explanation subject system difficulty status "
        "is_sample source extra",
    ),
    _membership("question_tags", "question_id", "tag_id", "A question's tags: set membership."),
    _fields(
        "tags", "A tag; its id derives from the folded name, so one name is one row everywhere.",
        synced="name", key_kind=KeyKind.CONTENT,
    ),
    _fields(
        "notes", "A note's title and flags are fields; its body is free text (a version graph).",
        synced="kind title summary body bookmarked legacy_id is_sample source notebook_id pinned",
        merge={"body": ColumnMerge.TEXT},
    ),
    _membership("note_tags", "note_id", "tag_id", "A note's tags: set membership."),
    _fields(
        "note_links", "A note's pointer at a lesson, question, card...: scalar fields.",
        synced="note_id target_kind target_id resolved source at_s",
    ),
    # Notebook (0006)
    _fields(
        "notebooks", "A notebook's name and parent: scalar fields.", synced="name parent_id",
        note="parent_id: as decks, concurrent moves under each other make a cycle to break",
    ),
    _text(
        "note_versions", "Every saved state of a note, naming the versions it was made from.",
        versions_of="notes.body", columns="note_id title body parent_ids data base_id size",
    ),
    # Flashcards (0003)
    _fields(
        "decks", "A deck's name, parent and scheduling options: scalar fields.",
        synced="name parent_id description scheduler desired_retention learning_steps "
        "relearning_steps new_per_day reviews_per_day maximum_interval fsrs_parameters is_sample",
        note="parent_id: concurrent moves of two decks under each other make a cycle; the "
        "engine must break it the same way on every device",
    ),
    _fields(
        "cards", "A card's text, deck and flags are fields; its schedule is the log's replay.",
        synced="deck_id front back source_kind source_id source_anchor flag suspended "
        "buried_until scheduler is_sample source external_id",
        derived="state step due stability difficulty ease interval_days reps lapses last_review",
        generated="queue sort_text",
        rebuilt_from=("card_reviews", "card_review_undos"),
        note="after merging reviews or undos, replay_cards(those cards) rebuilds the cache",
    ),
    _membership("card_tags", "card_id", "tag_id", "A card's tags: set membership."),
    _log(
        "scheduler_configs", "Scheduler settings a review names; immutable, content-addressed.",
        columns="kind settings", time_column="created_at", key_kind=KeyKind.CONTENT,
    ),
    _log(
        "card_reviews", "One answer to one card: both devices' answers count.",
        columns="card_id deck_id rating reviewed_at duration_ms scheduler config_id state_before",
        time_column="reviewed_at",
    ),
    _log(
        "card_review_undos", "A review undone: union, so an undone review never comes back.",
        columns="review_id card_id undone_at", time_column="undone_at",
    ),
    _unsynced(
        "cards_fts", TableKind.DERIVED,
        "Full-text index of cards, kept by triggers; INSERT ... VALUES('rebuild') remakes it.",
        rebuilt_from=("cards",),
    ),
    _unsynced("cards_fts_config", TableKind.INTERNAL, _FTS_STORAGE),
    _unsynced("cards_fts_data", TableKind.INTERNAL, _FTS_STORAGE),
    _unsynced("cards_fts_docsize", TableKind.INTERNAL, _FTS_STORAGE),
    _unsynced("cards_fts_idx", TableKind.INTERNAL, _FTS_STORAGE),
    # Videos (0005)
    _fields(
        "videos", "A video is its content: the id is a UUIDv5 of the file's fingerprint.",
        synced="fingerprint title file_name duration_s width height video_codec audio_codec "
        "size_bytes has_video subject system topic course_id lesson_id is_sample "
        "last_position_s furthest_position_s completed_at last_watched_at",
        merge={
            "furthest_position_s": ColumnMerge.MAX, "completed_at": ColumnMerge.MIN,
            "last_watched_at": ColumnMerge.MAX,
        },
        derived="watched_s", rebuilt_from=("video_watch_intervals",), key_kind=KeyKind.CONTENT,
        note="after merging intervals, rebuild_watched(those videos) recomputes watched_s",
    ),
    _unsynced(
        "video_files", TableKind.DEVICE_LOCAL,
        "Where this device keeps the video's file: a path on this disk, never synced.",
    ),
    _fields(
        "video_bookmarks", "A bookmark's time, label and note: scalar fields.",
        synced="video_id at_s label note is_sample",
        note="note is a short annotation replaced whole (last writer wins), not a notebook body",
    ),
    _log(
        "video_watch_intervals", "What was watched: both devices' intervals count (union).",
        columns="video_id start_s end_s speed started_at wall_s", time_column="started_at",
    ),
    _fields(
        "playlists", "A playlist's name and description are fields; its place an order.",
        synced="name description position is_sample", merge={"position": ColumnMerge.ORDER},
    ),
    _membership(
        "playlist_items", "playlist_id", "video_id",
        "A playlist's videos: set membership, each with a fractional index.", order="position",
    ),
    _membership("video_tags", "video_id", "tag_id", "A video's tags: set membership."),
    # Assessments (0008)
    _fields(
        "question_blueprints", "A saved blueprint's filters, count, mode, timing: scalar fields.",
        synced="name subjects systems difficulties tags pool count mode seconds_per_question "
        "block_seconds shuffle_choices",
    ),
    _fields(
        "question_blocks", "A block's questions and choice orders, drawn once: written whole.",
        synced="name blueprint_id mode question_ids choice_orders limit_ms shuffle_choices "
        "settings",
        note="status, answers and time are replayed from question_block_events, never stored",
    ),
    _log(
        "question_block_events", "What was done in a block, as it happened: both devices' count.",
        columns="block_id session_id kind position question_id value elapsed_ms occurred_at",
        time_column="occurred_at",
    ),
    _log(
        "question_attempts", "One scored answer; its id derives from the block and question.",
        columns="question_id block_id chosen result flagged time_ms answered_at source",
        time_column="answered_at",
    ),
    _unsynced(
        "question_usage", TableKind.DERIVED,
        "Per question: times seen, last result, flagged; rebuild_usage() remakes it.",
        rebuilt_from=("question_attempts",),
    ),
    # Search everything (0007): kept by triggers from the tables it indexes, never synced
    _unsynced(
        "search_docs", TableKind.DERIVED,
        "One row of text per searchable note, lesson, card, question, video and bookmark.",
        rebuilt_from=_SEARCHED,
    ),
    _unsynced("search_text", TableKind.DERIVED, "Word index of search_docs.", ("search_docs",)),
    _unsynced(
        "search_trigram", TableKind.DERIVED, "Trigram index of search_docs.", ("search_docs",)
    ),
    *(
        _unsynced(f"{index}_{part}", TableKind.INTERNAL, f"FTS5's own storage of {index}")
        for index in ("search_text", "search_trigram")
        for part in ("config", "data", "docsize", "idx")
    ),
    # Planner (0009): settings are fields; what was done comes from the other logs
    _fields(
        "planner_plans", "A plan's exam date, minutes, days off and zone: scalar fields.",
        synced="name exam_date start_date minutes days_off day_minutes final_days time_zone "
        "activated_at",
        note="the active plan is the newest activated_at; the schedule is computed, never stored",
    ),
    _fields(
        "planner_scope", "What a plan covers, its priority and place: scalar fields.",
        synced="plan_id kind target system count priority position title",
        merge={"position": ColumnMerge.ORDER},
    ),
    _log(
        "planner_ticks", "Work ticked by hand (and unticks): both devices' ticks count (union).",
        columns="plan_id task_key day units undo ticked_at", time_column="ticked_at",
    ),
    _unsynced("alembic_version", TableKind.INTERNAL, "This file's schema revision; each upgrades."),
    # Sync (app/sync): the engine's own bookkeeping on this device
    _unsynced("sync_state", TableKind.DEVICE_LOCAL, "This device's id, file identity, target."),
    _unsynced("sync_clock", TableKind.DEVICE_LOCAL, "This device's clock floor; read by capture."),
    _unsynced("sync_outbox", TableKind.DEVICE_LOCAL, "Changes made here, not yet pushed."),
    _unsynced("sync_row_clocks", TableKind.INTERNAL, "The stamp of each merged field."),
    _unsynced("sync_cursors", TableKind.DEVICE_LOCAL, "How far each source was applied here."),
    _unsynced("sync_pending", TableKind.INTERNAL, "Received operations waiting to apply."),
    _unsynced("sync_rebuilds", TableKind.INTERNAL, "Derived rows a merge left to rebuild."),
    _unsynced("sync_media", TableKind.DEVICE_LOCAL, "Media files already exchanged."),
)  # fmt: skip

RULES: Mapping[str, TableRule] = MappingProxyType({rule.table: rule for rule in _RULES})
if len(RULES) != len(_RULES):
    raise ValueError("a table has two merge rules")

# SQLite's own tables (sqlite_sequence, sqlite_stat1, ...), which no revision makes.
_SQLITE_OWN = TableRule("sqlite_*", TableKind.INTERNAL, "SQLite's own bookkeeping.")


def rule_for(table: str) -> TableRule:
    """The merge rule of a table; KeyError (saying where to add one) for a table without."""
    rule = RULES.get(table)
    if rule is not None:
        return rule
    if table.startswith("sqlite_"):
        return _SQLITE_OWN
    raise KeyError(f"table {table} has no merge rule: add one to app/db/merge_rules.py")


def synced_rules() -> tuple[TableRule, ...]:
    return tuple(rule for rule in _RULES if rule.kind.synced)


@dataclass(frozen=True)
class KnownException:
    """A current table that breaks one of SYNC.md's data rules, and why it may for now."""

    table: str
    columns: tuple[str, ...]
    rule: DataRule
    reason: str


KNOWN_EXCEPTIONS = (
    KnownException(
        "profile_settings", ("deleted_at",), DataRule.TOMBSTONES,
        "A setting is set, never removed; one that can be removed needs deleted_at first.",
    ),
    KnownException(
        "course_modules", ("position",), DataRule.ORDER_TEXT,
        "Integer positions written only by imports (ids derived from the source); reordering "
        "on two devices needs a fractional index string.",
    ),
    KnownException(
        "course_modules", ("course_id", "position"), DataRule.UNIQUE_KEY_ONLY,
        "Two devices adding a module at one position would collide; only imports add modules, "
        "with ids derived from the source, so both make the same row.",
    ),
    KnownException(
        "lessons", ("position",), DataRule.ORDER_TEXT,
        "As course_modules.position: integer positions written only by imports.",
    ),
    KnownException(
        "lessons", ("module_id", "position"), DataRule.UNIQUE_KEY_ONLY,
        "As course_modules: only imports add lessons, with ids derived from the source.",
    ),
    KnownException(
        "lesson_contents", ("lesson_id",), DataRule.UNIQUE_KEY_ONLY,
        "One body per lesson; every writer derives its id from the lesson or the source, so two "
        "devices make the same row. A lesson editor must keep that.",
    ),
    KnownException(
        "tags", ("name",), DataRule.UNIQUE_KEY_ONLY,
        "Cannot fail: the id is a UUIDv5 of the folded name, and names are never edited.",
    ),
)  # fmt: skip
