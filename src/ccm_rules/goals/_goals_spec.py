"""Rule-file kinds of the goals area: the goal-wording lexicon and checklists (e.g. agenda steps).

Registered with the loader, so `rules check` structures them strictly and checks their
translations and sources; `pack.documents("goal_lexicon")` returns them.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ..engine import Source, Texts


@attrs.frozen
class LexiconLanguage:
    """The vocabulary of one language; every list is matched as described in the module docstring."""

    source: Source
    vague: list[str]
    direction: list[str]
    action: list[str]
    completion: list[str]
    quantity: list[str]
    vague_quantity: list[str]
    number_words: dict[int, list[str]]
    duration_units: dict[str, list[str]]
    duration_before: list[str]
    duration_after: list[str]
    months: dict[int, list[str]]
    deadline_suffixes: list[str]
    month_markers: list[str]
    year_end_before: list[str]
    year_end_after: list[str]
    year_end_phrases: list[str]
    period_deadlines: list[str]
    event_deadlines: list[str]
    frequency: list[str]
    vague_time: list[str]
    actors: list[str]
    not_actor_before: list[str]
    ambiguous_actors: list[str]
    first_person: list[str]
    agreement: list[str]
    disagreement: list[str]
    realistic: list[str]
    unrealistic: list[str]


@attrs.frozen
class GoalLexiconSpec:
    """The rule file of kind `goal_lexicon`: one `LexiconLanguage` per shipped language."""

    kind: Literal["goal_lexicon"]
    id: str
    title: Texts
    source: Source
    languages: dict[str, LexiconLanguage]
    description: Texts | None = None


@attrs.frozen
class ChecklistItem:
    """One item a document must cover (e.g. an agenda step of a case conference)."""

    id: str
    title: Texts
    source: Source


@attrs.frozen
class GoalChecklistSpec:
    """The rule file of kind `goal_checklist`: a named list of items with titles and sources."""

    kind: Literal["goal_checklist"]
    id: str
    title: Texts
    source: Source
    items: list[ChecklistItem]
    description: Texts | None = None
