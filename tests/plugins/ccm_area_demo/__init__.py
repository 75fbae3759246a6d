"""A demonstration area from outside the library: a referral checklist and its ruleset.

It proves issue 17's "a new area is its own package plus its rule files": this module (one
rule-file kind `demo_checklist`, its pack check and the folder of its rule files) and the two
files in `rules/` are all it needs, with one `ccm_rules.areas` entry-point line naming `AREA`.
The rules are a fictitious example, labelled project policy: they decide nothing real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import attrs

from ccm_rules.engine import Area, Problem, RulePackError, Source, Texts, register_area


@attrs.frozen
class DemoChecklist:
    """A checklist that names the ruleset it prepares a referral for."""

    kind: Literal["demo_checklist"]
    id: str
    title: Texts
    source: Source
    ruleset: str
    items: list[str]


def check_checklists(pack: Any) -> None:
    """Each checklist names a ruleset the loaded pack has (raises `RulePackError` otherwise)."""
    problems = [
        Problem(f"checklist {doc.id!r} names no ruleset of the pack: {doc.ruleset!r}", "$.ruleset", kind="invalid")
        for doc in pack.documents("demo_checklist")
        if doc.ruleset not in pack.rulesets
    ]
    if problems:
        raise RulePackError("the demo checklists do not fit the pack", problems)


AREA = register_area(
    Area(
        name="demo",
        title="Demonstration plugin area",
        kinds={"demo_checklist": DemoChecklist},
        pack_checks={"demo_checklist": check_checklists},
        rules=Path(__file__).parent / "rules",
        version="0.1.0",
    )
)
"""This area, as the `ccm_rules.areas` entry point names it."""
