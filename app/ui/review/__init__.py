"""The Review view: decks on the left, the card being studied on the right, and its Today part."""
