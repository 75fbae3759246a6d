"""Rows for decisions built by other core modules, served when their module is present.

Each row only translates: facts in, the module's own result and explanation out. A module
that is missing (an older core) simply leaves its endpoint out.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Mapping
from typing import Any

import attrs

from ccm_rules import RulePack

from ._services import DecisionService


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(f"ccm_rules.{name}")
    except ImportError:
        return None


def rows() -> list[DecisionService]:
    found = []
    team = _module("team")
    if team is not None:
        found.append(_team_model_row(team))
    return found


def _team_model_row(team: Any) -> DecisionService:
    @attrs.frozen
    class TeamModelResponse:
        """A team-model recommendation with its explanation, for one pseudonymous case."""

        recommendation: Any  # the real types are set below: the module is only known at run time
        explanation: Any
        case: str | None = None

    TeamModelResponse.__annotations__.update(
        recommendation=team.TeamModelRecommendation, explanation=team.TeamModelExplanation, case=str | None
    )

    def specs(pack: RulePack) -> Any:
        return team.team_fact_specs(team.team_rulesets(team.team_model_doc(pack), pack))

    def vocabularies(pack: RulePack) -> Any:
        return {k: v for r in team.team_rulesets(team.team_model_doc(pack), pack) for k, v in r.vocabularies.items()}

    def respond(facts: Mapping[str, Any], as_of: datetime.date | None, pack: RulePack, lang: str) -> Any:
        rec = team.recommend_team_model(facts, as_of=as_of, pack=pack)
        return TeamModelResponse(rec, team.explain_team_model(rec, pack, lang))

    def available(pack: RulePack) -> bool:
        try:
            team.team_model_doc(pack)
        except Exception:  # a pack without the team-model file
            return False
        return True

    return DecisionService(
        "team-model",
        "Which team model fits this client?",
        "One headline plus the axes: who leads (individual or team), internal/external, passive/active, key worker, "
        "and for severe mental illness ACT/ICM/neither; case conference, caseload norm, meeting cadence and program side.",
        facts=specs,
        respond=respond,
        response_model=TeamModelResponse,
        vocabularies=vocabularies,
        available=available,
    )
