"""Note bodies merged from their versions after an apply (`app.sync.apply`): per TEXT table
(`TableRule.versions_of`), the owners whose versions arrived get their text from the heads of
their version graph. One head: its text. Several: merged from their common ancestor
(`app.sync.textmerge.merge3`, both texts kept where both changed the same words) into one new
version whose id depends only on the heads, so every device makes the same one.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.db.merge_rules import RULES, TableKind
from app.db.types import db_time, from_db_time
from app.errors import UserError
from app.sync.textmerge import merge3

if TYPE_CHECKING:
    from app.sync.apply import ApplyReport

MERGE_NAMESPACE = uuid.UUID("6c1a3f0e-5b7d-4c21-9d35-2f7a9e8c4b10")
Merge = tuple[str, dict[str, Any]]  # (table, the merge version's row)


class TextMerge:
    def __init__(
        self,
        conn: sqlite3.Connection,
        schema: Callable[[str], Mapping[str, object]],
        report: ApplyReport,
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.report = report

    def merge_texts(
        self, owners: Mapping[str, set[str]], rows: Mapping[str, list[dict[str, Any]]]
    ) -> list[Merge]:
        """Per TEXT table: the owners' texts set from their heads; returns the merge versions
        to insert (captured)."""
        merges: list[tuple[str, dict[str, Any]]] = []
        for rule in RULES.values():
            if (
                rule.kind is not TableKind.TEXT
                or not rule.versions_of
                or not self.schema(rule.table)
            ):
                continue
            owner, text_column = rule.versions_of.split(".")
            link = self._owner_column(rule.table, owner)
            if link is None:
                continue
            touched = set(owners.get(owner, set()))
            touched |= {str(row[link]) for row in rows.get(rule.table, ()) if row.get(link)}
            for owner_id in sorted(touched):
                merge = self._merge_heads(rule.table, owner, text_column, link, owner_id)
                if merge is not None:
                    merges.append((rule.table, merge))
        return merges

    def _owner_column(self, table: str, owner: str) -> str | None:
        for row in self.conn.execute(f"PRAGMA foreign_key_list('{table}')"):
            if row[2] == owner:
                return str(row[3])
        return None

    def _merge_heads(
        self, table: str, owner: str, text_column: str, link: str, owner_id: str
    ) -> dict[str, Any] | None:
        conn = self.conn
        has_title = "title" in self.schema(table) and "title" in self.schema(owner)
        title = "title" if has_title else "NULL"
        rows = conn.execute(
            f'SELECT id, parent_ids, "{text_column}", created_at, {title} FROM "{table}" '
            f'WHERE "{link}" = ?',
            (owner_id,),
        ).fetchall()
        if any(r[2] is None for r in rows):  # stored compactly (app.core.notes.version_store)
            try:
                texts = _version_texts(conn, [r[0] for r in rows if r[2] is None])
            except UserError:  # a base not here yet: merged at the sync that brings it
                self.report.unreadable += 1
                return None
            rows = [
                (r[0], r[1], texts.get(r[0], "") if r[2] is None else r[2], *r[3:]) for r in rows
            ]
        if not rows:
            return None
        parents = {r[0]: tuple(json.loads(r[1] or "[]")) for r in rows}
        named = {p for ps in parents.values() for p in ps}
        heads = sorted((r for r in rows if r[0] not in named), key=lambda r: (r[3], r[0]))
        if not heads:
            return None
        merge: dict[str, Any] | None = None
        if len(heads) == 1:
            text = heads[0][2]
        else:
            base = self._common_ancestor(rows, parents, [h[0] for h in heads])
            text = heads[0][2]
            for head in heads[1:]:
                text, both = merge3(base, text, head[2], (heads[0][3], head[3]))
                self.report.kept_both += both
            ids = sorted(h[0] for h in heads)
            created = from_db_time(max(h[3] for h in heads)) + timedelta(microseconds=1)
            merge = {
                "id": str(uuid.uuid5(MERGE_NAMESPACE, "merge:" + ",".join(ids))),
                link: owner_id,
                text_column: text,
                "parent_ids": json.dumps(ids),
                "created_at": db_time(created),
            }
            if has_title:
                merge["title"] = heads[-1][4]
            if "size" in self.schema(table):  # the text's length (note_versions.size)
                merge["size"] = len(text)
            self.report.merged_versions += 1
        conn.execute(
            f'UPDATE "{owner}" SET "{text_column}" = ? WHERE id = ? AND "{text_column}" IS NOT ?',
            (text, owner_id, text),
        )
        return merge

    @staticmethod
    def _common_ancestor(
        rows: list[Any], parents: dict[str, tuple[str, ...]], heads: list[str]
    ) -> str:
        def lineage(start: str) -> set[str]:
            found, todo = set(), [start]
            while todo:
                current = todo.pop()
                if current in found or current not in parents:
                    continue
                found.add(current)
                todo.extend(parents[current])
            return found

        lines = [lineage(h) for h in heads]
        common = set.intersection(*lines)
        if not common:
            return ""
        # The best common ancestors: those no other common ancestor descends from.
        above = {a for c in common for a in lineage(c) if a != c}
        best = [r for r in rows if r[0] in common and r[0] not in above]
        chosen = max(best or [r for r in rows if r[0] in common], key=lambda r: (r[3], r[0]))
        return str(chosen[2])


def insert_merges(conn: sqlite3.Connection, merges: list[Merge], report: ApplyReport) -> None:
    """The merge versions inserted (after the apply: captured and pushed like local writes)."""
    for table, row in merges:
        names = ", ".join(f'"{n}"' for n in row)
        marks = ", ".join("?" * len(row))
        conn.execute(
            f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', list(row.values())
        )
        report.tables.add(table)


def _version_texts(conn: sqlite3.Connection, version_ids: list[str]) -> dict[str, str]:
    """The whole texts of versions stored compactly (a snapshot or a delta)."""
    try:
        from app.core.notes.version_store import read_texts
    except ImportError:  # no compact versions in this build
        return {}
    return dict(read_texts(conn, version_ids))
