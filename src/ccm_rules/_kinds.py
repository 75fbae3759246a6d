"""Imports the domain modules that register extra rule-file kinds (see `register_kind`).

The pack loader imports this module first, so every kind is known before files are
read. A domain module that calls `register_kind()` or `register_pack_check()` is added
to the import list here.
"""

from . import (  # noqa: F401 - imported for their register_kind() calls
    _dacts,  # dacts
    _goals_spec,  # goal_lexicon, goal_checklist
    _monitoring,  # monitoring
    _readiness_spec,  # readiness_factors, readiness_plan, readiness_survey
    _team_model,  # the team_model check against the pack's rulesets and norms
    _team_spec,  # team_model
)
