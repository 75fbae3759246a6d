"""Rule-file shapes for the team model (`kind: team_model`, in `rules/team_model.yaml`).

The file names the ruleset that decides each axis of the answer (who leads, organisation,
mode, intensity, case conference), and holds the texts every answer states: each
headline's summary, key worker, meetings, caseload norm and what the program side needs.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ..engine import Source, Texts


@attrs.frozen
class ProgramSpec:
    """What the program must have for a model (ACT, ICM), and the checks that test it."""

    text: Texts
    caseload_norm: str
    dacts_items: list[str]
    source: Source


@attrs.frozen
class ModelSpec:
    """One headline of the answer (`individual`, `team_active`, `act`, …) and what it always says."""

    id: str
    label: Texts
    summary: Texts
    key_worker_typical: Texts
    meetings: Texts
    source: Source
    caseload_norm: str | None = None
    program: ProgramSpec | None = None


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
class NoteSpec:
    """A note the answer adds when it applies, with its source."""

    text: Texts
    source: Source


@attrs.frozen
class TeamModelDoc:
    """The team model: the ruleset of each axis, the headlines, caseload norms, key worker, cadence."""

    kind: Literal["team_model"]
    id: str
    title: Texts
    source: Source
    norms: str
    lead_ruleset: str
    organisation_ruleset: str
    mode_ruleset: str
    act_ruleset: str
    icm_ruleset: str
    conference_ruleset: str
    intensity_fact: str
    meeting_dates_shown: int
    rationale: str
    axes_source: Source
    key_worker: KeyWorkerSpec
    cadence: CadenceSpec
    conference_agreement: NoteSpec
    models: list[ModelSpec]
    caseload_norms: list[CaseloadNormSpec]

    def model(self, model_id: str) -> ModelSpec:
        """The headline with this id."""
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(f"no team model {model_id!r}; models: {', '.join(m.id for m in self.models)}")
