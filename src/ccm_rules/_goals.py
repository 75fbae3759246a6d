"""Placeholder: filled in by its issue; registers nothing yet."""
