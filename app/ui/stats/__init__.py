"""The Statistics view: reviews per day, the due forecast, card counts and true retention."""
