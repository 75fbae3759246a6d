"""Alembic migrations of the store, run by `open_store` (never by hand)."""
