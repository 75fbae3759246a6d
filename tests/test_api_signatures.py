"""One calling convention across the public API: the rule pack and the decision date are
optional keywords (`assess_x(subject, *, as_of=None, pack=None)`), never positional.

The older positional forms (`assess_readiness(region, pack, as_of)`, `read_region(path, pack)`,
`parse_region(text, file, pack)`, `next_review(start, last, on, pack)`) still work and warn.
"""

from __future__ import annotations

import datetime
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccm_rules
from ccm_rules import InputFileError, Region, RulePack

from .conftest import EXAMPLES

DECIDING_PREFIXES = ("assess_", "check_", "score_", "recommend_")
# check_pack(root) checks a pack *folder*: the pack is its subject, not an option.
NOT_DECISIONS = {"check_pack"}


def public_functions() -> dict[str, Callable[..., Any]]:
    """The user-facing functions: the top level's entry points and the names that moved from it to a package.

    The packages also export building blocks for adapters and area authors (`team_model_doc(pack)`, …);
    those take the pack as their subject and are not held to the entry points' calling form.
    """
    names = [*ccm_rules.__all__, *ccm_rules._MOVED]
    homes = {
        name: getattr(ccm_rules, ccm_rules._MOVED.get(name, "")) if name in ccm_rules._MOVED else ccm_rules
        for name in names
    }
    return {name: obj for name in names if inspect.isfunction(obj := getattr(homes[name], name))}


DECIDING = sorted(
    name for name in public_functions() if name.startswith(DECIDING_PREFIXES) and name not in NOT_DECISIONS
)
TAKING_PACK = sorted(
    name
    for name, fn in public_functions().items()
    # explain*/render_* take the pack the result was made by, as their subject.
    if "pack" in inspect.signature(fn).parameters and not name.startswith(("explain", "render_"))
)


def keyword_only_optional(fn: Callable[..., Any], name: str) -> None:
    parameter = inspect.signature(fn).parameters.get(name)
    assert parameter is not None, f"{fn.__name__} takes no {name!r}"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (
        f"{fn.__name__}: {name!r} is {parameter.kind.description}, not keyword-only"
    )
    assert parameter.default is None, f"{fn.__name__}: {name!r} defaults to {parameter.default!r}, not None"


def test_the_table_is_not_empty() -> None:
    assert {"assess_eligibility", "assess_readiness", "check_caseload", "score_dacts", "recommend_team_model"} <= set(
        DECIDING
    )
    assert {"read_region", "parse_region", "next_review"} <= set(TAKING_PACK)


@pytest.mark.parametrize("name", DECIDING)
def test_every_decision_takes_pack_and_as_of_as_optional_keywords(name: str) -> None:
    fn = public_functions()[name]
    keyword_only_optional(fn, "pack")
    keyword_only_optional(fn, "as_of")


@pytest.mark.parametrize("name", TAKING_PACK)
def test_every_public_function_taking_a_pack_takes_it_as_an_optional_keyword(name: str) -> None:
    keyword_only_optional(public_functions()[name], "pack")


@given(st.sampled_from(DECIDING), st.sampled_from(("pack", "as_of")))
def test_pack_and_as_of_are_never_positional(name: str, keyword: str) -> None:
    """The same, as a property: no decision's `pack` or `as_of` can be filled by position."""
    parameters = inspect.signature(public_functions()[name]).parameters
    positional = [p.name for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert keyword not in positional


# ------------------------------------------------------------------ new forms = old forms, old forms warn

PILOT = EXAMPLES / "readiness/running_pilot.yaml"


def test_readiness_keyword_form(pack: RulePack) -> None:
    region = ccm_rules.read_region(PILOT, pack=pack)
    assert region == ccm_rules.read_region(PILOT)  # the shipped pack by default
    result = ccm_rules.assess_readiness(region, pack=pack, as_of=datetime.date(2027, 1, 1))
    assert result.as_of == datetime.date(2027, 1, 1)
    assert result == ccm_rules.assess_readiness(region, as_of=datetime.date(2027, 1, 1))
    text = PILOT.read_text(encoding="utf-8")
    assert ccm_rules.readiness.parse_region(text, str(PILOT), pack=pack) == region


def test_positional_forms_still_work_and_warn(pack: RulePack) -> None:
    on = datetime.date(2027, 1, 1)
    with pytest.warns(DeprecationWarning, match=r"read_region\(.*pack=") as record:
        region = ccm_rules.read_region(PILOT, pack)
    assert record[0].filename == __file__  # stacklevel points at the caller
    with pytest.warns(DeprecationWarning, match=r"parse_region\(.*pack="):
        assert ccm_rules.readiness.parse_region(PILOT.read_text(encoding="utf-8"), str(PILOT), pack) == region
    with pytest.warns(DeprecationWarning, match=r"assess_readiness\(.*pack="):
        old = ccm_rules.assess_readiness(region, pack)
    assert old == ccm_rules.assess_readiness(region, pack=pack)
    with pytest.warns(DeprecationWarning, match=r"assess_readiness\(.*as_of="):
        dated = ccm_rules.assess_readiness(region, pack, on)
    assert dated == ccm_rules.assess_readiness(region, pack=pack, as_of=on)
    start = datetime.date(2027, 1, 4)
    with pytest.warns(DeprecationWarning, match=r"next_review\(.*as_of="):
        review = ccm_rules.goals.next_review(start, None, on, pack)
    assert review == ccm_rules.goals.next_review(start, None, as_of=on, pack=pack)


def test_keyword_forms_do_not_warn(pack: RulePack) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        region = ccm_rules.read_region(PILOT, pack=pack)
        ccm_rules.assess_readiness(region, pack=pack)
        ccm_rules.goals.next_review(datetime.date(2027, 1, 4), as_of=datetime.date(2027, 2, 1), pack=pack)


def test_a_value_given_both_ways_is_refused(pack: RulePack) -> None:
    region = ccm_rules.read_region(PILOT, pack=pack)
    with pytest.raises(TypeError, match="multiple values for argument 'pack'"):
        ccm_rules.assess_readiness(region, pack, pack=pack)
    with pytest.raises(TypeError, match="at most 3 positional"):
        ccm_rules.assess_readiness(region, pack, None, None)


# ------------------------------------------------------------------ a Region from a mapping


def test_region_from_mapping_equals_the_yaml_file(pack: RulePack) -> None:
    import yaml

    data = yaml.safe_load(PILOT.read_text(encoding="utf-8"))
    from_file = ccm_rules.read_region(PILOT, pack=pack)
    from_mapping = Region.from_mapping(data, pack=pack)
    assert from_mapping == Region.from_mapping(data)  # shipped pack by default
    assert attrs_without_file(from_mapping) == attrs_without_file(from_file)
    assert from_mapping.file == "<mapping>"
    assert ccm_rules.assess_readiness(from_mapping, pack=pack) == ccm_rules.assess_readiness(from_file, pack=pack)


def attrs_without_file(region: Region) -> dict[str, Any]:
    import attrs

    return {k: v for k, v in attrs.asdict(region, recurse=False).items() if k != "file"}


def test_region_from_mapping_names_every_bad_field_by_path(pack: RulePack) -> None:
    data = {
        "host": "hospital",
        "pioneer": {"F1.P2": "perhaps"},
        "colour": "red",
        "starting_situation": {"awareness": "yes"},
    }
    with pytest.raises(InputFileError) as err:
        Region.from_mapping(data, pack=pack, file="request")
    found = {(p.path, p.file, p.line) for p in err.value.problems}
    assert found == {("$.host", "request", None), ("$.pioneer.F1.P2", "request", None), ("$.colour", "request", None)}
    with pytest.raises(InputFileError) as listed:
        Region.from_mapping(["not", "a", "mapping"], pack=pack)  # type: ignore[arg-type]
    assert listed.value.problems[0].path == "$"


def test_region_file_errors_still_give_the_line(pack: RulePack) -> None:
    text = "region: R\nhost: hospital\npioneer:\n  F1.P2: perhaps\n"
    with pytest.raises(InputFileError) as err:
        ccm_rules.readiness.parse_region(text, "bad.yaml", pack=pack)
    assert {(p.path, p.file, p.line) for p in err.value.problems} == {
        ("$.host", "bad.yaml", 2),
        ("$.pioneer.F1.P2", "bad.yaml", 4),
    }


# ------------------------------------------------------------------ JSON of any result, public


def results(pack: RulePack) -> list[Any]:
    decision = ccm_rules.assess_eligibility({"referral_only": True}, as_of=datetime.date(2026, 11, 1), pack=pack)
    readiness = ccm_rules.assess_readiness(ccm_rules.read_region(PILOT, pack=pack), pack=pack)
    team = ccm_rules.recommend_team_model({"concurrent_services": 3}, as_of=datetime.date(2027, 1, 4), pack=pack)
    dacts = ccm_rules.score_dacts({"clients_per_staff": 9}, as_of=datetime.date(2027, 1, 4), pack=pack)
    return [
        decision,
        ccm_rules.explain(decision, pack, "cs"),
        readiness,
        ccm_rules.explain_readiness(readiness, pack, "hu"),
        team,
        ccm_rules.explain_team_model(team, pack, "de"),
        dacts,
        ccm_rules.explain_dacts(dacts, pack, "en"),
        ccm_rules.check_caseload(
            "icm", [{"code": "W1", "fte": 1.0, "clients": 25}], as_of=datetime.date(2027, 1, 4), pack=pack
        ),
        ccm_rules.assess_goal(
            "Klient do 15. 4. 2027 podá žádost.", lang="cs", as_of=datetime.date(2027, 1, 4), pack=pack
        ),
    ]


def plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return type(value) in (str, int, float, bool, type(None))


def test_to_json_data_is_plain_and_round_trips(pack: RulePack) -> None:
    import json

    for result in results(pack):
        data = ccm_rules.to_json_data(result)
        assert plain(data), type(result).__name__
        assert json.loads(ccm_rules.to_json(result)) == data
        assert ccm_rules.from_json_data(data, type(result)) == result, type(result).__name__


def test_to_json_data_is_what_the_cli_prints(pack: RulePack, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from ccm_rules_adapters.cli import main

    case = EXAMPLES / "eligibility/senior_long_term_care_unknowns.yaml"
    assert main(["eligibility", str(case), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    decision = ccm_rules.from_json_data(printed["decision"], ccm_rules.Decision)
    assert printed["decision"] == ccm_rules.to_json_data(decision)
    assert printed["explanation"] == ccm_rules.to_json_data(ccm_rules.explain(decision, pack, "en"))


# ------------------------------------------------------------------ renderers: one shape


RENDERERS = ("render_text", "render_team_model_text", "render_dacts_text", "render_readiness_text")


def explanations(pack: RulePack) -> dict[str, Any]:
    """An explanation for each renderer, in Czech."""
    on = datetime.date(2027, 1, 4)
    decision = ccm_rules.assess_eligibility(
        {"referral_only": True, "ongoing_coordination_needed": False}, as_of=on, pack=pack
    )
    rec = ccm_rules.recommend_team_model({"concurrent_services": 3, "domains": {}}, as_of=on, pack=pack)
    fidelity = ccm_rules.score_dacts({"clients_per_staff": 9}, as_of=on, pack=pack)
    readiness = ccm_rules.assess_readiness(ccm_rules.read_region(PILOT, pack=pack), as_of=on, pack=pack)
    return {
        "render_text": ccm_rules.explain(decision, pack, "cs"),
        "render_team_model_text": ccm_rules.explain_team_model(rec, pack, "cs"),
        "render_dacts_text": ccm_rules.explain_dacts(fidelity, pack, "cs"),
        "render_readiness_text": ccm_rules.explain_readiness(readiness, pack, "cs"),
    }


@pytest.mark.parametrize("name", RENDERERS)
def test_every_renderer_takes_the_explanation_and_pack_as_an_optional_keyword(name: str) -> None:
    parameters = list(inspect.signature(public_functions()[name]).parameters.values())
    assert [p.kind for p in parameters] == [inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY], (
        name
    )
    keyword_only_optional(public_functions()[name], "pack")


def test_renderers_default_to_the_shipped_pack_and_warn_on_a_positional_pack(pack: RulePack) -> None:
    for name, explanation in explanations(pack).items():
        render = public_functions()[name]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            text = render(explanation, pack=pack)
            assert render(explanation) == text, name
        if name == "render_readiness_text":
            continue  # it never took a pack by position
        with pytest.warns(
            DeprecationWarning, match=rf"{name}\(\): passing pack by position is deprecated; write pack="
        ):
            assert render(explanation, pack) == text, name
