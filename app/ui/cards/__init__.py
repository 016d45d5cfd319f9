"""The card browser: a lazy table over every card, a filter bar, bulk actions and an editor."""
