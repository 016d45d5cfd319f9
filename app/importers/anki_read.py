"""Reading Anki packages (.apkg): decks, notes (Basic, Basic and reversed, Cloze, and any note type
whose templates use only fields and the plain filters), images and the review history.

- `read_apkg` checks and reads the whole package first (zip safety, size limits, collection
  integrity, that every note type in use can be rendered, every image) and writes nothing but
  a temporary copy of the collection, deleted before it returns.
- `import_apkg` then stores the images (content-addressed, see `app.core.flashcards.media`) and
  writes every row in the caller's transaction; if it fails, the images it created are removed,
  so a failed import leaves nothing behind.
- Each Anki card becomes one card with `source="anki"` and `external_id="<note guid>:<ord>"`.
  Re-importing finds those cards and adds nothing but reviews made since (matched by time); a
  card the learner has edited or deleted since is left as it is.
- Review history: each revlog answer (types 0-3, ease 1-4) becomes a `card_reviews` row at the
  revlog id's time, with its duration, made with the Study Desk deck's scheduler (FSRS by
  default), and the schedule is the replay of that log, exactly as if the answers had been given
  here. Anki's manual rows (type 4 "set due date"/"forget", type 5 "rescheduled") are not
  answers and are skipped (counted in the report). Answers of the old three-button scheduler
  (v1) in learning are mapped to Again / Good / Easy.
- An unknown note type (one that is missing, or whose templates use a field or filter Study
  Desk cannot render, or Image Occlusion) refuses the whole import, naming it: skipping its
  notes would silently lose them. Sounds and other non-image media are not imported; the card
  text keeps an "(audio: name)" marker and the report counts them.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from app.core.flashcards.cards import MAX_TEXT
from app.core.flashcards.media import image_extension, media_link
from app.core.flashcards.tags import MAX_TAG, format_anki_tags
from app.core.progress import Progress
from app.errors import UserError
from app.importers.anki_collection import (
    AnkiCard,
    AnkiCollection,
    AnkiNote,
    AnkiNoteType,
    read_collection,
)
from app.importers.anki_fields import (
    TemplateError,
    check_template,
    cloze_numbers,
    escape_markdown,
    html_to_markdown,
    render_template,
)
from app.importers.anki_package import MAX_MEDIA_BYTES, AnkiPackage
from app.importers.file_problems import not_read

MAX_DURATION_MS = 60 * 60 * 1000
MANUAL_REVIEW_KINDS = (4, 5)
_ANSWER_RULE = re.compile(r"^\s*<hr\s+id\s*=\s*['\"]?answer['\"]?\s*/?>", re.IGNORECASE)
_UPDATE_STUB = "Please update to the latest Anki version"
CARDS_PER_STEP = 1000  # cards read (here) or written (anki_apkg) between two progress reports


@dataclass(frozen=True)
class ApkgReview:
    at: datetime
    rating: int
    duration_ms: int


@dataclass(frozen=True)
class ApkgCard:
    anki_id: int
    note_guid: str
    deck: str  # full Study Desk deck name
    front: str
    back: str
    tags: tuple[str, ...]
    external_id: str
    suspended: bool
    flag: int
    reviews: tuple[ApkgReview, ...] = ()


@dataclass(frozen=True)
class ParsedApkg:
    path: Path
    size: int
    sha256: str
    collection: str  # the member read: collection.anki21b, .anki21 or .anki2
    note_types: tuple[str, ...]
    notes: int
    cards: tuple[ApkgCard, ...]
    media: dict[str, str]  # stored file name (sha256.ext) -> zip member
    skipped_reviews: int  # manual rows and rows of cards not imported
    skipped_cards: tuple[str, ...]  # why, one line each
    skipped_media: int  # sounds, videos, unused and unreadable files

    @property
    def reviews(self) -> int:
        return sum(len(card.reviews) for card in self.cards)


@dataclass(frozen=True)
class ApkgImportReport:
    path: Path
    collection: str
    decks: tuple[str, ...]
    notes: int
    cards: int
    reviews: int
    media: int
    already_there: int
    skipped_reviews: int
    skipped_cards: tuple[str, ...]
    skipped_media: int
    card_ids: tuple[str, ...] = field(default=(), repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.collection,
            "decks": len(self.decks),
            "deck_names": list(self.decks),
            "notes": self.notes,
            "cards": self.cards,
            "reviews": self.reviews,
            "media": self.media,
            "already_there": self.already_there,
            "skipped_reviews": self.skipped_reviews,
            "skipped_cards": list(self.skipped_cards),
            "skipped_media": self.skipped_media,
        }


def read_apkg(
    path: Path, deck_name: str | None = None, *, progress: Progress | None = None
) -> ParsedApkg:
    """Read and check a whole package; raises UserError naming the file. Writes nothing.

    `progress` gets messages only (how many cards are read so far), no total: the import that
    follows sets the total of the work it does; raises Cancelled between steps."""
    progress = progress or Progress()
    progress.set_message(f"Reading {path.name}")
    try:
        data_size = path.stat().st_size
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                progress.check()
                digest.update(chunk)
    except OSError as error:
        raise not_read(path, error) from None
    with (
        AnkiPackage(path) as package,
        tempfile.TemporaryDirectory(prefix="studydesk-apkg-") as folder,
    ):
        member = package.collection_name
        media_names = package.media_map()
        collection = read_collection(package.extract_collection(Path(folder)), path)
        progress.check()
        if member == "collection.anki2" and _is_update_stub(collection):
            raise UserError(
                f"{path} holds only a placeholder collection (its real data is in a format this "
                "package does not include); export it again from Anki."
            )
        reader = _PackageReader(package, path, media_names, collection, deck_name, progress)
        return reader.parse(data_size, digest.hexdigest(), member)


def _is_update_stub(collection: AnkiCollection) -> bool:
    notes = list(collection.notes.values())
    return len(notes) == 1 and notes[0].fields[0].startswith(_UPDATE_STUB)


class _PackageReader:
    def __init__(
        self,
        package: AnkiPackage,
        path: Path,
        media_names: dict[str, str],
        collection: AnkiCollection,
        deck_name: str | None,
        progress: Progress,
    ) -> None:
        self.package = package
        self.progress = progress
        self.path = path
        self.collection = collection
        self.deck_name = deck_name
        self.member_of = {
            name: member for member, name in media_names.items() if member in package.members
        }
        self.stored: dict[str, str | None] = {}  # Anki name -> stored name (None: not an image)
        self.media: dict[str, str] = {}

    def parse(self, size: int, sha256: str, member: str) -> ParsedApkg:
        collection = self.collection
        used = {collection.notes[c.note_id].notetype_id for c in self._cards_with_notes()}
        for notetype_id in sorted(used):
            self._check_note_type(notetype_id)
        reviews = self._reviews()
        cards: list[ApkgCard] = []
        skipped: list[str] = []
        every = self._cards_with_notes()
        for number, card in enumerate(every):
            if number % CARDS_PER_STEP == 0:
                self.progress.check()
                self.progress.set_message(f"Reading cards ({number:,} of {len(every):,})")
            note = collection.notes[card.note_id]
            rendered = self._render(card, note, collection.note_types[note.notetype_id])
            if isinstance(rendered, str):
                skipped.append(rendered)
                continue
            cards.append(replace(rendered, reviews=reviews.get(card.id, ())))
        kept = {card.anki_id for card in cards}
        skipped_reviews = sum(
            1 for r in collection.reviews if r.card_id not in kept or not _is_answer(r.kind, r.ease)
        )
        names = tuple(sorted(collection.note_types[i].name for i in used))
        notes = len({card.note_guid for card in cards})
        unused = len(self.member_of) - sum(1 for name in self.stored if self.stored[name])
        return ParsedApkg(
            self.path, size, sha256, member, names, notes, tuple(cards), dict(self.media),
            skipped_reviews, tuple(skipped), max(0, unused),
        )  # fmt: skip

    def _cards_with_notes(self) -> list[AnkiCard]:
        notes = self.collection.notes
        missing = [card for card in self.collection.cards if card.note_id not in notes]
        if missing:
            raise UserError(
                f"{self.path}: {len(missing)} cards belong to notes that are not in the "
                "collection; it is damaged. Nothing was imported."
            )
        return list(self.collection.cards)

    def _check_note_type(self, notetype_id: int) -> None:
        note_type = self.collection.note_types.get(notetype_id)
        count = sum(1 for note in self.collection.notes.values() if note.notetype_id == notetype_id)
        if note_type is None:
            raise UserError(
                f"{self.path}: {count} notes use a note type that is not in the package "
                f"(id {notetype_id}); it is damaged. Nothing was imported."
            )
        reason = _unsupported(note_type)
        if reason:
            raise UserError(
                f"{self.path}: the note type {note_type.name!r} ({count} notes) cannot be "
                f"imported: {reason}. Nothing was imported."
            )

    def _reviews(self) -> dict[int, tuple[ApkgReview, ...]]:
        found: dict[int, list[ApkgReview]] = {}
        for review in self.collection.reviews:
            if not _is_answer(review.kind, review.ease):
                continue
            rating = review.ease
            if self.collection.three_buttons and review.kind in (0, 2) and rating >= 2:
                rating += 1  # v1 learning buttons: 1 Again, 2 Good, 3 Easy
            at = datetime.fromtimestamp(review.at_ms // 1000, UTC).replace(
                microsecond=review.at_ms % 1000 * 1000
            )
            duration = max(0, min(review.time_ms, MAX_DURATION_MS))
            found.setdefault(review.card_id, []).append(ApkgReview(at, min(rating, 4), duration))
        return {card_id: tuple(reviews) for card_id, reviews in found.items()}

    def _deck_of(self, card: AnkiCard) -> str:
        if self.deck_name:
            return self.deck_name
        name = self.collection.decks.get(card.deck_id, "Default")
        parts = [part.strip()[:200] for part in name.split("::") if part.strip()]
        return "::".join(parts) or "Default"

    def _render(self, card: AnkiCard, note: AnkiNote, note_type: AnkiNoteType) -> ApkgCard | str:
        values = note.fields + ("",) * (len(note_type.fields) - len(note.fields))
        fields = dict(zip(note_type.fields, values, strict=False))
        deck = self._deck_of(card)
        first = html_to_markdown(note.fields[0], lambda _src: "")[:40]
        cloze: int | None = None
        if note_type.cloze:
            cloze = card.ord + 1
            if cloze not in cloze_numbers("".join(values)):
                return f"{first!r}: card {cloze} has no cloze c{cloze} any more"
            template = note_type.templates[0]
        elif card.ord >= len(note_type.templates):
            return f"{first!r}: card {card.ord + 1} has no template"
        else:
            template = note_type.templates[card.ord]
        special = {
            "Tags": format_anki_tags(note.tags),
            "Type": note_type.name,
            "Deck": deck,
            "Subdeck": deck.split("::")[-1],
            "Card": template[0],
            "FrontSide": "",
        }
        front_html = render_template(template[1], fields, cloze=cloze, special=special)
        back_html = render_template(template[2], fields, cloze=cloze, answer=True, special=special)
        front = html_to_markdown(front_html, self._image)
        back = html_to_markdown(_ANSWER_RULE.sub("", back_html.strip()), self._image)
        if not front:
            return f"{first!r}: card {card.ord + 1} has an empty front"
        if len(front) > MAX_TEXT or len(back) > MAX_TEXT:
            raise UserError(
                f"{self.path}: the note {first!r} is longer than {MAX_TEXT:,} characters; "
                "nothing was imported."
            )
        for tag in note.tags:
            if len(tag) > MAX_TAG:
                raise UserError(f"{self.path}: the tag {tag[:40]!r}... is too long.")
        return ApkgCard(
            card.id, note.guid, deck, front, back, note.tags, f"{note.guid}:{card.ord}",
            card.suspended, card.flag,
        )  # fmt: skip

    def _image(self, source: str) -> str:
        name = source.strip()
        if name not in self.member_of:
            name = unquote(name)
        label = re.sub(r"[\[\]\\]", "", name)
        if name not in self.member_of:
            return f"*(missing image: {escape_markdown(label)})*"
        if name not in self.stored:
            data = self.package.read(self.member_of[name], MAX_MEDIA_BYTES, f"the image {name!r}")
            extension = image_extension(data)
            stored = f"{hashlib.sha256(data).hexdigest()}.{extension}" if extension else None
            self.stored[name] = stored
            if stored:
                self.media[stored] = self.member_of[name]
        stored = self.stored[name]
        if stored is None:
            return f"*(not an image Study Desk can show: {escape_markdown(label)})*"
        return media_link(stored, label)


def _is_answer(kind: int, ease: int) -> bool:
    return kind not in MANUAL_REVIEW_KINDS and 1 <= ease <= 4


def _unsupported(note_type: AnkiNoteType) -> str | None:
    if not note_type.templates:
        return "it has no card templates"
    if not note_type.fields:
        return "it has no fields"
    for name, question, answer in note_type.templates:
        if "image-occlusion" in question or "image-occlusion" in answer:
            return "it is an Image Occlusion note type"
        try:
            check_template(question, note_type.fields)
            check_template(answer, note_type.fields)
        except TemplateError as error:
            return f"{error} (card type {name!r})"
    if note_type.cloze and "cloze:" not in note_type.templates[0][1]:
        return "it is a cloze note type without a {{cloze:...}} field"
    return None
