"""The Planner's view, plan dialog, calendar, burn-down, ways out and Today section."""
