"""Imports the domain modules that register extra rule-file kinds (see `register_kind`).

The pack loader imports this module first, so every kind is known before files are read.
"""

from . import (  # noqa: F401 - imported for their register_kind() side effect
    _caseload,
    _conferences,
    _dacts,
    _goals,
    _plans,
    _readiness,
    _team,
)
