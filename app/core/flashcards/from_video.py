"""Make a card from a moment in a video: the frame at that moment and a label on the front, the
note on the back, and a link back to the moment (`source_kind="video"`, the video's id, and the
second as anchor) so opening the card's source seeks there.

Cards go to the deck "Videos::<video title>" (made if need be). Asking again for the same moment
gives back the card made before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changes import Change
from app.core.flashcards.cards import CardSource, NewCard, add_cards
from app.core.flashcards.decks import ensure_deck
from app.core.flashcards.from_sources import MadeCard
from app.core.flashcards.media import media_link, store_media
from app.core.videos.bookmarks import clock
from app.db.database import ProfileDatabase
from app.db.models import Card
from app.db.models.videos import Video
from app.errors import UserError

SOURCE_KIND = "video"
DECK_PREFIX = "Videos::"


@dataclass(frozen=True)
class VideoMoment:
    """Where a card made from a video points: open it with the navigator's
    `open_video_moment(video_id, seconds)`."""

    video_id: str
    seconds: float


def moment_anchor(seconds: float) -> str:
    return f"{max(0.0, seconds):.3f}"


def moment_of(
    source_kind: str | None, source_id: str | None, anchor: str | None
) -> VideoMoment | None:
    """The video moment a card came from, or None for a card from anything else."""
    if source_kind != SOURCE_KIND or not source_id:
        return None
    try:
        seconds = float(anchor or 0)
    except ValueError:
        seconds = 0.0
    return VideoMoment(source_id, seconds)


def make_card_from_video_moment(
    database: ProfileDatabase,
    media_dir: Path,
    video_id: str,
    seconds: float,
    label: str,
    note: str = "",
    frame_image: bytes | None = None,
) -> MadeCard:
    """The action behind "Make a flashcard from this moment", in one write transaction: the
    frame (PNG or JPEG bytes, stored once in the media folder) and the label on the front, the
    note on the back. Raises UserError, writing nothing, for a video that is gone, an image
    that is not one, or a card that would have nothing on its front."""
    image = store_media(media_dir, frame_image) if frame_image else None
    label = " ".join(label.split())
    with database.write_session() as session:
        video = session.get(Video, video_id)
        if video is None or video.deleted_at is not None:
            raise UserError("That video is no longer in the library.")
        title = video.title
        heading = f"{label}\n\n" if label else ""
        where = f"*{title}, {clock(seconds)}*"
        front = (f"{media_link(image, label or title)}\n\n" if image else "") + heading + where
        back = note.strip() or label or title
        deck = ensure_deck(session, DECK_PREFIX + (title.replace("::", ":").strip() or "Video"))
        card = NewCard(front, back, (), CardSource(SOURCE_KIND, video_id, moment_anchor(seconds)))
        existing = _existing(session, video_id, moment_anchor(seconds))
        if existing is not None:
            return MadeCard(existing, False, Change.NONE)
        added = add_cards(session, deck.id, [card])
    return MadeCard(added.card_ids[0], True, added.changes | Change.DECKS)


def _existing(session: Session, video_id: str, anchor: str) -> str | None:
    return session.scalar(
        select(Card.id)
        .where(
            Card.source_kind == SOURCE_KIND,
            Card.source_id == video_id,
            Card.source_anchor == anchor,
            Card.deleted_at.is_(None),
        )
        .limit(1)
    )
