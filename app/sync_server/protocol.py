"""What the sync server and its client agree on (stdlib only: the client imports it).

Endpoints (JSON unless said; `Authorization: Bearer <token>` on all but /v1/meta and /v1/login):

    GET  /v1/meta                    server, format; with a token: dataset, head, device
    POST /v1/login                   {user, password, device_id, device_name} -> {token, device}
    POST /v1/dataset                 {dataset} -> {dataset}: claims the account for a dataset
    POST /v1/push                    {dataset, device, ops} -> {accepted, duplicates, head}
    GET  /v1/pull?cursor=N&limit=L&exclude=D&dataset=X -> {ops, next, head, more}
                                     with &own=D also {own}: [seq, stamp] of the newest
                                     operation device D pushed after N, or null (a file
                                     copied back over itself learns it is behind itself)
    GET  /v1/snapshot?exclude=D&dataset=X   NDJSON: a header line {upto, head}, then one
                                     operation a line, every operation up to `upto` but
                                     those later ones superseded (`compaction`), then
                                     {"end": true}
    PUT  /v1/blobs/<sha256>          raw bytes, refused unless they hash to the name
    GET  /v1/blobs/<sha256>          raw bytes
    POST /v1/blobs/missing           {sha256: [...]} -> {missing: [...]}
    GET  /v1/devices                 this account's devices (tokens)
    POST /v1/devices/<id>/revoke     revokes that device's token

A push is idempotent by operation id (`op_id`): the same operation pushed twice is stored
once. Every answer that is not 2xx is {"error": code, "message": text}.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

FORMAT = 1
MAX_JSON_BODY = 64 * 1024 * 1024  # a push of 20,000 operations is a few MB
MAX_BLOB = 512 * 1024 * 1024
MAX_PUSH_OPS = 20_000
PULL_LIMIT = 5_000  # operations per pull page (default)
MAX_PULL_LIMIT = 20_000
SNAPSHOT_AFTER = 100_000  # a device this many operations behind takes the snapshot
MAX_AHEAD_MS = 24 * 3600 * 1000  # a stamp further past the server's clock is refused
SHA256 = re.compile(r"^[0-9a-f]{64}$")
STAMP = re.compile(r"^(\d{13})-(\d{10})-([0-9A-Za-z_-]{1,64})$")
DEVICE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
DATASET = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


# Text that `json.dumps` writes as it is, between quotes: printable ASCII but `"` and `\\`.
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def op_id(op: dict[str, Any]) -> str:
    """An operation's identity: its stamp, table and key (what a re-push repeats), the
    sha256 of `json.dumps([stamp, table, key], separators=(",", ":"))`. Plain text is
    written out directly (the same characters, a tenth of the time)."""
    stamp, table, key = op.get("c"), op.get("t"), op.get("k")
    if (
        type(stamp) is str
        and type(table) is str
        and type(key) is str
        and _PLAIN.fullmatch(stamp)
        and _PLAIN.fullmatch(table)
        and _PLAIN.fullmatch(key)
    ):
        text = f'["{stamp}","{table}","{key}"]'
    else:
        text = json.dumps([stamp, table, key], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
