"""`ccm-rules fhir RESOURCE.json`: decide from FHIR (intake QuestionnaireResponse and social needs,
Goals, or a CareTeam for the team model)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import attrs

from ccm_rules import FactsError, InputFileError, Message, Problem, render_text
from ccm_rules.engine import JsonLimitError, file_reason, load_json

from ._common import (
    EXIT_OK,
    add_output_options,
    check_lang,
    date_arg,
    load_pack,
    print_json,
    require_extra,
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "fhir",
        help="decide from FHIR: a QuestionnaireResponse and social needs, Goals, or a CareTeam (team model)",
        description="Read FHIR JSON (a QuestionnaireResponse, or a Bundle with one and/or social-need "
        "Conditions and Observations) and print the explained decision; --format json prints the "
        "results as a FHIR Bundle (OperationOutcome, and a draft ServiceRequest and CarePlan when eligible). "
        "Goals get the SMART check; a CareTeam (with the Organizations and PractitionerRoles it references) "
        "gets the team model.",
    )
    parser.add_argument("resource", type=Path, help="FHIR JSON file")
    parser.add_argument(
        "--fhir-version", choices=("R4B", "R5"), default="R4B", help="FHIR version (default: R4B, as R4)"
    )
    parser.add_argument(
        "--ruleset", default=None, help="ruleset (default: from the QuestionnaireResponse, else eligibility)"
    )
    parser.add_argument(
        "--as-of", type=date_arg, default=None, help="decide as on this date (YYYY-MM-DD; default: today)"
    )
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    require_extra("fhir", "fhir.resources")
    from ccm_rules_adapters.fhir import assess_resources, entries

    pack = load_pack(args)
    check_lang(pack, args.lang)
    file = str(args.resource)
    try:
        text = args.resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=file, kind="io")
        raise InputFileError(Message("summary.fhir_unreadable"), [reason]) from err
    try:
        data = load_json(text)  # depth, sizes, digits checked before anything recurses
    except JsonLimitError as err:
        raise InputFileError(Message("summary.fhir_unreadable"), [attrs.evolve(err.problem, file=file)]) from err
    except json.JSONDecodeError as err:
        detail = Message("json.malformed", {"detail": err.msg, "column": err.colno})
        raise InputFileError(
            Message("summary.fhir_unreadable"), [Problem(detail, file=file, line=err.lineno, kind="syntax")]
        ) from err
    parsed = entries(data, args.fhir_version, file)
    items = [e.resource for e in parsed]
    if not items:  # an empty Bundle: nothing to decide from (a CDS call without prefetch is another matter)
        raise InputFileError(
            Message("summary.fhir_nothing"), [Problem(Message("fhir.empty"), "Bundle.entry", file, kind="fhir")]
        )
    if items and all(r.get_resource_type() == "Goal" for r in items):
        return _goals(items, args, pack)
    if any(r.get_resource_type() == "CareTeam" for r in items):
        return _care_team(parsed, args, pack)
    try:
        assessment = assess_resources(
            items, version=args.fhir_version, lang=args.lang, ruleset=args.ruleset, as_of=args.as_of, pack=pack
        )
    except FactsError as err:
        raise err.with_problems([attrs.evolve(p, file=file) for p in err.problems]) from err
    if args.format == "json":
        print_json(assessment.bundle())
        return EXIT_OK
    lines = [render_text(assessment.explanation, pack=pack)]
    if assessment.notes:
        lines += ["", *[f"note: {n}" for n in assessment.notes]]
    print("\n".join(lines))
    return EXIT_OK


def _goals(items: list[Any], args: argparse.Namespace, pack: Any) -> int:
    """FHIR Goals → the SMART check: explained text, or one OperationOutcome per goal."""
    from ccm_rules import explain
    from ccm_rules_adapters.fhir import goal_outcome

    results = []
    for index, goal in enumerate(items):
        try:
            assessment, outcome = goal_outcome(goal, args.lang, args.fhir_version, args.as_of, pack)
        except FactsError as err:
            where = f"Bundle.entry[{index}].resource" if len(items) > 1 else "Goal"
            raise err.with_problems(
                [attrs.evolve(p, file=str(args.resource), path=p.path.replace("$", where, 1)) for p in err.problems]
            ) from err
        results.append((assessment, outcome))
    if args.format == "json":
        print_json({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": o} for _, o in results]})
    else:
        print("\n\n".join(render_text(explain(a.decision, pack, args.lang), pack=pack) for a, _ in results))
    return EXIT_OK


def _care_team(parsed: list[Any], args: argparse.Namespace, pack: Any) -> int:
    """A CareTeam → the team model: explained text with the key worker it names, or a FHIR Bundle."""
    from ccm_rules.team import render_team_model_text
    from ccm_rules_adapters.fhir import assess_care_team, key_worker_lines

    try:
        assessment = assess_care_team(parsed, version=args.fhir_version, lang=args.lang, as_of=args.as_of, pack=pack)
    except FactsError as err:
        raise err.with_problems([attrs.evolve(p, file=str(args.resource)) for p in err.problems]) from err
    if args.format == "json":
        print_json(assessment.bundle())
        return EXIT_OK
    lines = render_team_model_text(assessment.explanation, pack=pack).split("\n")
    heading = f"{pack.texts['team.heading.key_worker'][args.lang]}: "
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith(heading)), len(lines))
    lines[at:at] = [f"  {line}" for line in key_worker_lines(assessment.explanation, assessment.key_workers, pack)]
    if assessment.notes:
        lines += ["", *[f"note: {n}" for n in assessment.notes]]
    print("\n".join(lines))
    return EXIT_OK
