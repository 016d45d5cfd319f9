"""Today: what to study now, drawn from every other view."""
