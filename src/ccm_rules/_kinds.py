"""Imports the domain modules that register extra rule-file kinds (see `register_kind`).

The pack loader imports this module first, so every kind is known before files are
read. A domain module that calls `register_kind()` is added to the import list here.
"""
