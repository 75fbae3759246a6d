"""The package layout is the architecture: the top level re-exports the main entry points, moved names still work.

Issue 17: "A short top-level `ccm_rules/__init__` that re-exports the main entry points", and "Deprecate public
names that move, with a warning; don't break them."
"""

from __future__ import annotations

import importlib
import warnings

import pytest

import ccm_rules
from ccm_rules.engine import areas

AREA_PACKAGES = ("eligibility", "team", "readiness", "goals", "fidelity", "monitoring")


@pytest.mark.parametrize("name", sorted(ccm_rules.__all__))
def test_main_entry_points_import_without_a_warning(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(ccm_rules, name) is not None


@pytest.mark.parametrize("name", sorted(ccm_rules._MOVED))
def test_a_moved_name_still_works_and_names_its_new_home(name: str) -> None:
    home = importlib.import_module(f"ccm_rules.{ccm_rules._MOVED[name]}")
    with pytest.warns(
        DeprecationWarning, match=rf"ccm_rules\.{name} moved to ccm_rules\.{ccm_rules._MOVED[name]}\.{name}"
    ):
        moved = getattr(ccm_rules, name)
    assert moved is getattr(home, name)
    assert name in home.__all__


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'assess_everything'"):
        ccm_rules.assess_everything  # noqa: B018


def test_every_public_name_of_a_package_is_importable_from_it() -> None:
    for package in ("engine", *AREA_PACKAGES):
        module = importlib.import_module(f"ccm_rules.{package}")
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert missing == [], f"ccm_rules.{package}.__all__ names what it lacks: {missing}"


def test_every_area_is_registered_with_the_engine() -> None:
    registered = {area.name for area in areas()}
    assert set(AREA_PACKAGES) <= registered
    for package in AREA_PACKAGES:
        assert importlib.import_module(f"ccm_rules.{package}").AREA.name == package


def test_the_rule_file_kinds_come_from_the_areas_that_register_them() -> None:
    kinds = {kind: area.name for area in areas() for kind in area.kinds}
    assert kinds["dacts"] == "fidelity"
    assert kinds["monitoring"] == "monitoring"
    assert kinds["readiness_factors"] == "readiness"
    assert kinds["goal_lexicon"] == "goals"
    assert kinds["team_model"] == "team"
