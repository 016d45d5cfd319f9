"""Import an Anki package (.apkg) into a profile: decks, cards, images and review history.

`read_apkg` (in `anki_read`) checks and reads the whole package first; `import_apkg` then
stores the images and writes every row in the caller's transaction. On any failure the images
it created are removed again and the transaction is the caller's to roll back, so a failed or
cancelled import leaves nothing behind. Cards already imported from the same notes (same note
guid and card number) are not added again; only reviews made since are appended, and replayed.

Progress: one step per image stored, per card added (reported a thousand at a time) and per card
whose review history is written (likewise); `progress.check()` runs between those steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.core.flashcards.cards import NewCard, add_cards
from app.core.flashcards.decks import DeckInfo, deck_settings, ensure_deck
from app.core.flashcards.media import store_media
from app.core.flashcards.replay import (
    LoggedReview,
    ensure_config,
    live_reviews,
    replay,
    settings_by_id,
    write_schedules,
)
from app.core.flashcards.scheduling import Schedule, SchedulerSettings
from app.core.flashcards.tables import CARDS, REVIEWS, chunks
from app.core.progress import Progress
from app.db.models import ImportSource
from app.db.types import new_id, utcnow
from app.errors import UserError
from app.importers.anki_package import MAX_MEDIA_BYTES, AnkiPackage
from app.importers.anki_read import (
    CARDS_PER_STEP,
    ApkgCard,
    ApkgImportReport,
    ApkgReview,
    ParsedApkg,
    read_apkg,
)

__all__ = ["ApkgImportReport", "ParsedApkg", "import_apkg", "read_apkg"]


def import_apkg(
    session: Session,
    source: Path | ParsedApkg,
    media_dir: Path,
    *,
    deck_name: str | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ApkgImportReport:
    """Import a package (or one already read with `read_apkg`) in the caller's transaction.

    `deck_name` puts every card into that deck; otherwise the package's deck tree is kept.
    Raises UserError for a bad package, or Cancelled when `progress` is cancelled; either way
    the images it stored are removed again and the caller's transaction must roll back.
    """
    progress = progress or Progress()
    if isinstance(source, ParsedApkg):
        parsed = source
    else:
        parsed = read_apkg(source, deck_name, progress=progress)
    progress.check()
    now = now or utcnow()
    created: list[Path] = []
    try:
        done, _total, _message = progress.snapshot()
        reviewed = sum(1 for card in parsed.cards if card.reviews)
        first = "Storing images" if parsed.media else "Adding cards"
        progress.set_total(done + len(parsed.media) + len(parsed.cards) + reviewed, first)
        _store_images(parsed, media_dir, created, progress)
        report = _write(session, parsed, now, progress)
        progress.check()
        return report
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _store_images(
    parsed: ParsedApkg, media_dir: Path, created: list[Path], progress: Progress
) -> None:
    if not parsed.media:
        return
    with AnkiPackage(parsed.path) as package:
        for stored, member in sorted(parsed.media.items()):
            progress.check()
            target = media_dir / stored
            existed = target.exists()
            data = package.read(member, MAX_MEDIA_BYTES, f"the image {member!r}")
            if store_media(media_dir, data) != stored:
                raise UserError(f"{parsed.path} changed while it was being imported; try again.")
            if not existed:
                created.append(target)
            progress.advance()


def _write(
    session: Session, parsed: ParsedApkg, now: datetime, progress: Progress
) -> ApkgImportReport:
    existing: dict[str, str] = {
        str(external): str(card_id)
        for external, card_id in session.execute(
            select(CARDS.c.external_id, CARDS.c.id).where(
                CARDS.c.source == "anki", CARDS.c.external_id.is_not(None)
            )
        )
    }
    decks: dict[str, DeckInfo] = {}
    for name in sorted({card.deck for card in parsed.cards}):
        decks[name] = ensure_deck(session, name)
    card_id_of: dict[int, str] = {}
    fresh: dict[str, list[ApkgCard]] = {}
    repeated: list[ApkgCard] = []  # the same note's card twice in one package: added once
    for card in parsed.cards:
        if card.external_id in existing:
            if existing[card.external_id]:
                card_id_of[card.anki_id] = existing[card.external_id]
            else:
                repeated.append(card)
        else:
            existing[card.external_id] = ""
            fresh.setdefault(card.deck, []).append(card)
    added: list[str] = []
    # cards already there take no time: their steps are done at once
    progress.advance(len(parsed.cards) - sum(map(len, fresh.values())), "Adding cards")
    for name, deck_cards in fresh.items():
        for cards in chunks(deck_cards, CARDS_PER_STEP):
            progress.check()
            new_cards = [
                NewCard(c.front, c.back, c.tags, origin="anki", external_id=c.external_id)
                for c in cards
            ]
            change = add_cards(session, decks[name].id, new_cards, now=now)
            for card, card_id in zip(cards, change.card_ids, strict=True):
                card_id_of[card.anki_id] = card_id
            added.extend(change.card_ids)
            progress.advance(len(cards))
    first_of = {c.external_id: card_id_of[c.anki_id] for cards in fresh.values() for c in cards}
    for card in repeated:  # its reviews (if any) go to the one card added
        card_id_of[card.anki_id] = first_of[card.external_id]
    marks = [
        {"card_id": card_id_of[c.anki_id], "s": c.suspended, "f": c.flag}
        for cards in fresh.values()
        for c in cards
        if c.suspended or c.flag
    ]
    if marks:
        session.execute(
            update(CARDS)
            .where(CARDS.c.id == bindparam("card_id"))
            .values(suspended=bindparam("s"), flag=bindparam("f")),
            marks,
        )
    progress.check()
    reviews = _write_reviews(session, parsed, card_id_of, now, progress)
    new_ids = set(added)
    notes = len({c.note_guid for c in parsed.cards if card_id_of.get(c.anki_id) in new_ids})
    report = ApkgImportReport(
        parsed.path, parsed.collection, tuple(decks), notes, len(added), reviews,
        len(parsed.media), len(parsed.cards) - len(added), parsed.skipped_reviews,
        parsed.skipped_cards, parsed.skipped_media, tuple(added),
    )  # fmt: skip
    session.add(
        ImportSource(
            kind="cards-apkg",
            path=str(parsed.path),
            size=parsed.size,
            sha256=parsed.sha256,
            report=report.as_json(),
        )
    )
    return report


def _write_reviews(
    session: Session,
    parsed: ParsedApkg,
    card_id_of: Mapping[int, str],
    now: datetime,
    progress: Progress,
) -> int:
    """Append the package's answers each card does not have yet, and replay those cards,
    a thousand cards at a time (one progress step per package card with answers)."""
    reviewed = [c for c in parsed.cards if c.reviews]
    incoming: dict[str, tuple[ApkgReview, ...]] = {}
    for card in reviewed:  # a card twice in the package: both histories (answers kept once)
        card_id = card_id_of[card.anki_id]
        incoming[card_id] = incoming.get(card_id, ()) + card.reviews
    if incoming:
        progress.set_message("Writing the review history")
    configs: dict[tuple[str, str | None], str] = {}
    settings: dict[str, SchedulerSettings] = {}
    written = 0
    for part in chunks(sorted(incoming), CARDS_PER_STEP):
        progress.check()
        some = {card_id: incoming[card_id] for card_id in part}
        written += _write_some_reviews(session, some, configs, settings, now)
        progress.advance(len(part))
    if len(reviewed) > len(incoming):  # the same card twice in one package: one step each
        progress.advance(len(reviewed) - len(incoming))
    return written


def _write_some_reviews(
    session: Session,
    incoming: Mapping[str, tuple[ApkgReview, ...]],
    configs: dict[tuple[str, str | None], str],
    settings: dict[str, SchedulerSettings],
    now: datetime,
) -> int:
    """`_write_reviews` for some of the cards; `configs` and `settings` are kept between calls."""
    homes: dict[str, tuple[str, str | None]] = {}
    for part in chunks(sorted(incoming)):
        found = session.execute(
            select(CARDS.c.id, CARDS.c.deck_id, CARDS.c.scheduler).where(CARDS.c.id.in_(part))
        )
        homes.update({row.id: (row.deck_id, row.scheduler) for row in found})
    logs = live_reviews(session, incoming.keys())
    unknown = {r.config_id for log in logs.values() for r in log} - settings.keys()
    settings.update(settings_by_id(session, unknown))
    rows: list[dict[str, Any]] = []
    schedules: dict[str, Schedule] = {}
    for card_id, reviews in incoming.items():
        home = homes[card_id]
        if home not in configs:
            configs[home] = ensure_config(session, deck_settings(session, *home))
            settings.update(settings_by_id(session, [configs[home]]))
        old = logs.get(card_id, [])
        seen = {review.reviewed_at for review in old}
        fresh: dict[str, ApkgReview] = {}
        log = list(old)
        for review in reviews:
            if review.at in seen:
                continue
            seen.add(review.at)
            logged = LoggedReview(new_id(), card_id, review.rating, review.at, configs[home])
            fresh[logged.id] = review
            log.append(logged)
        if not fresh:
            continue

        schedules[card_id] = _replay(card_id, home[0], log, fresh, settings, now, rows)
    for start in range(0, len(rows), 5000):
        session.execute(insert(REVIEWS), rows[start : start + 5000])
    write_schedules(session, schedules)
    return len(rows)


def _replay(
    card_id: str,
    deck_id: str,
    log: list[LoggedReview],
    fresh: Mapping[str, ApkgReview],
    settings: Mapping[str, SchedulerSettings],
    now: datetime,
    rows: list[dict[str, Any]],
) -> Schedule:
    """The card's schedule from its whole log, old and new; each new answer (`fresh`) becomes a
    row of `rows` with the state it found (the log's `state_before`)."""

    def keep(review: LoggedReview, before: Schedule) -> None:
        new = fresh.get(review.id)
        if new is not None:
            rows.append(
                {
                    "id": review.id,
                    "created_at": now,
                    "card_id": card_id,
                    "deck_id": deck_id,
                    "rating": review.rating,
                    "reviewed_at": review.reviewed_at,
                    "duration_ms": new.duration_ms,
                    "scheduler": settings[review.config_id].kind,
                    "config_id": review.config_id,
                    "state_before": before.state,
                }
            )

    return replay(card_id, log, settings, before_each=keep)
