"""The FHIR mapping table (`data/mapping.yaml`), loaded strictly into attrs classes."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

import attrs
from cattrs.errors import ClassValidationError

from ccm_rules import InputFileError, Problem
from ccm_rules.engine import YamlProblem, cattrs_problems, format_path, make_spec_converter, parse_yaml

T = TypeVar("T")

DATA = Path(__file__).parent / "data"


@attrs.frozen
class StatusMap:
    """Codes of one FHIR code system → life-domain status, and why."""

    system: str
    to_status: dict[str, str]
    rationale: str


@attrs.frozen
class Referral:
    """How a draft referral to case management is coded."""

    code_system: str
    code: str
    display: str


@attrs.frozen
class FhirMapping:
    """Which FHIR codes mean which facts and life domains (see data/mapping.yaml)."""

    canonical_base: str
    questionnaires: dict[str, str]
    domain_status_system: str
    fact_value_system: str
    social_need_systems: dict[str, str]
    condition_clinical_status: StatusMap
    condition_skip_verification: list[str]
    observation_interpretation: StatusMap
    precedence: list[str]
    prefetch: dict[str, str]
    referral: Referral

    def ruleset_for(self, questionnaire: str | None) -> str | None:
        """The ruleset whose intake Questionnaire this canonical (optionally `|version`) names."""
        if not questionnaire:
            return None
        url = questionnaire.split("|")[0]
        return next((rs for rs, known in self.questionnaires.items() if known == url), None)


def load_mapping(path: Path | str | None = None) -> FhirMapping:
    """Read a mapping file; unknown or missing keys are refused with their path."""
    file = Path(path) if path is not None else DATA / "mapping.yaml"
    return _load(str(file))


@functools.cache
def _load(file: str) -> FhirMapping:
    return load_data_file(file, FhirMapping, "FHIR mapping")


def load_data_file(file: str, cls: type[T], what: str) -> T:
    """One of this adapter's data files, read strictly (duplicate keys refused) into `cls`.

    Unknown or missing keys are refused with their path and line.
    """
    try:
        located = parse_yaml(Path(file).read_text(encoding="utf-8"), file)
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            f"cannot read the {what}", [Problem(f"cannot read file: {err}", file=file, kind="io")]
        ) from err
    except YamlProblem as err:
        raise InputFileError(f"cannot read the {what}", [err.problem]) from err
    try:
        return make_spec_converter().structure(located.data, cls)
    except ClassValidationError as err:
        raise InputFileError(
            f"the {what} is not valid",
            [
                Problem(message, format_path(path), file, located.line(path), kind="schema")
                for path, message in cattrs_problems(err)
            ],
        ) from err
