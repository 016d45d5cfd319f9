"""Assessments: the question bank, the blueprint builder, taking a block, review, analytics."""
