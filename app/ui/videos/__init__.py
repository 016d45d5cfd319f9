"""Videos: the library of the learner's own video files, the player, bookmarks and notes at a
moment, and what was watched."""
