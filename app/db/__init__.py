"""Storage: the SQLite engine and its pragmas, typed models, Alembic upgrades, backups. No Qt."""
