"""Rule-file shapes for the team model (`kind: team_model`, in `rules/team_model.yaml`).

The file orders the models by intensity, names the rulesets that indicate each model,
and holds the texts every answer states (key worker, meetings, caseload norm).
"""

from __future__ import annotations

from typing import Literal

import attrs

from ._spec import Source, Texts, register_kind


@attrs.frozen
class ModelSpec:
    """One team model on the intensity ladder and what its answer always says."""

    id: str
    intensity: int
    requires: list[str]
    cadence: bool
    organisation: bool
    caseload_norm: str | None
    label: Texts
    summary: Texts
    key_worker_typical: Texts
    meetings: Texts
    source: Source


@attrs.frozen
class CaseloadNormSpec:
    """A caseload norm: which `team_norms` parameters bound clients (and hours) per worker.

    `per` says what `max_clients` counts against: `fte` (a ratio, scaled by each worker's
    full-time equivalent) or `person` (a cap for each worker, whatever their FTE — 002 §10:
    "Egy esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli").
    """

    id: str
    scope: Literal["worker", "team"]
    max_clients: str
    label: Texts
    text: Texts
    source: Source
    min_clients: str | None = None
    max_hours_per_client_week: str | None = None
    per: Literal["fte", "person"] = "fte"


@attrs.frozen
class KeyWorkerSpec:
    """The rule that a key worker is always named."""

    rule: Texts
    source: Source


@attrs.frozen
class CadenceSpec:
    """How a team's meeting cadence is described (values come from `team_norms`)."""

    text: Texts
    source: Source


@attrs.frozen
class TeamModelDoc:
    """The team-model ladder: models by intensity, caseload norms, key worker, cadence."""

    kind: Literal["team_model"]
    id: str
    title: Texts
    source: Source
    norms: str
    organisation_ruleset: str
    conference_ruleset: str
    meeting_dates_shown: int
    rationale: str
    ladder_source: Source
    key_worker: KeyWorkerSpec
    cadence: CadenceSpec
    models: list[ModelSpec]
    caseload_norms: list[CaseloadNormSpec]


register_kind("team_model", TeamModelDoc)
