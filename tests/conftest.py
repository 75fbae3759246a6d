"""Shared fixtures: the shipped pack and paths to examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccm_rules import RulePack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return RulePack.load(RULES)
