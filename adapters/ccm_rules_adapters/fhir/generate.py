"""Write the intake Questionnaires (one per ruleset and language) into `data/` from the rule pack.

Run after changing a ruleset's facts or texts: `python -m ccm_rules_adapters.fhir.generate`.
A test fails when the shipped files differ from what this would write.
"""

from __future__ import annotations

import json
from pathlib import Path

from ccm_rules import RulePack
from ccm_rules.engine import default_pack

from ._intake import questionnaire
from ._mapping import DATA, FhirMapping, load_mapping
from ._resources import VERSIONS, FhirVersion


def file_name(ruleset_id: str, version: FhirVersion, lang: str) -> str:
    """`questionnaire-eligibility.R4B.cs.json`."""
    return f"questionnaire-{ruleset_id.replace('_', '-')}.{version}.{lang}.json"


def rendered(pack: RulePack, mapping: FhirMapping) -> dict[str, str]:
    """File name → JSON text, for every ruleset with a Questionnaire URL and every language."""
    out = {}
    for ruleset_id in mapping.questionnaires:
        if ruleset_id not in pack.rulesets:
            continue
        for version in VERSIONS:
            for lang in pack.languages:
                data = questionnaire(pack.ruleset(ruleset_id), pack, mapping, lang, version)
                out[file_name(ruleset_id, version, lang)] = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return out


def main(target: Path = DATA) -> None:
    for name, text in rendered(default_pack(), load_mapping()).items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")


if __name__ == "__main__":
    main()
