"""Reading FHIR JSON with fhir.resources (R4B or R5): validated models, errors with paths."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ccm_rules import InputFileError, Problem

FhirVersion = Literal["R4B", "R5"]
VERSIONS: tuple[FhirVersion, ...] = ("R4B", "R5")
EXTRA_HINT = "the FHIR adapter needs the 'fhir' extra: pip install 'ccm-rules[fhir]'"


def model_class(resource_type: str, version: FhirVersion) -> Any:
    """The fhir.resources class for a resource type in a FHIR version."""
    package = "fhir.resources.R4B" if version == "R4B" else "fhir.resources"
    try:
        module = importlib.import_module(package)
    except ImportError as err:
        raise InputFileError(EXTRA_HINT, [Problem(EXTRA_HINT, kind="dependency")]) from err
    return module.get_fhir_model_class(resource_type)


def parse(data: Any, version: FhirVersion, file: str | None = None, where: str = "") -> Any:
    """Validate one resource (a JSON object); raise `InputFileError` naming every bad element."""
    if not isinstance(data, Mapping) or not isinstance(data.get("resourceType"), str):
        raise InputFileError("not a FHIR resource", [Problem("expected a JSON object with a 'resourceType'", where or "$", file)])
    rtype = data["resourceType"]
    try:
        cls = model_class(rtype, version)
    except (KeyError, ValueError):  # fhir.resources raises ValueError for a type it does not know
        raise InputFileError("unknown FHIR resource type", [
            Problem(f"unknown resourceType {rtype!r} in FHIR {version}", f"{where or rtype}.resourceType", file)
        ]) from None
    if rtype == "Bundle":
        _check_entry_types(data, version, file, where or rtype)
    try:
        return cls.model_validate(dict(data))
    except ValueError as err:
        errors = getattr(err, "errors", None)
        problems = [
            Problem(str(e.get("msg", "invalid")), _fhirpath(where or rtype, e.get("loc", ())), file, kind="fhir")
            for e in (errors() if callable(errors) else [])
        ] or [Problem(str(err), where or rtype, file, kind="fhir")]
        raise InputFileError(f"the {rtype} is not valid FHIR {version}", problems) from None


def _check_entry_types(bundle: Mapping[str, Any], version: FhirVersion, file: str | None, where: str) -> None:
    """Every entry's resourceType is a known one (the model library fails on others without naming the entry)."""
    entries = bundle.get("entry")
    problems = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            continue
        rtype = resource.get("resourceType")
        path = f"{where}.entry[{index}].resource.resourceType"
        if not isinstance(rtype, str):
            problems.append(Problem(f"expected the resource's type as text, got {rtype!r}", path, file, kind="fhir"))
            continue
        try:
            model_class(rtype, version)
        except (KeyError, ValueError):
            problems.append(Problem(f"unknown resourceType {rtype!r} in FHIR {version}", path, file, kind="fhir"))
    if problems:
        raise InputFileError("the Bundle is not valid FHIR", problems)


def resources(data: Any, version: FhirVersion, file: str | None = None) -> list[Any]:
    """One resource, or every entry resource of a Bundle, parsed."""
    return [entry.resource for entry in entries(data, version, file)]


@attrs.frozen
class Entry:
    """A parsed resource, its `fullUrl` in the Bundle (what `urn:uuid:` references point to) and its FHIRPath."""

    resource: Any
    full_url: str | None
    path: str


def entries(data: Any, version: FhirVersion, file: str | None = None) -> list[Entry]:
    """As `resources`, each with its `fullUrl` and its path (`Bundle.entry[2].resource`, or the resource type)."""
    model = parse(data, version, file)
    if model.get_resource_type() == "Bundle":
        return [Entry(entry.resource, entry.fullUrl, f"Bundle.entry[{index}].resource")
                for index, entry in enumerate(model.entry or []) if entry.resource is not None]
    return [Entry(model, None, str(model.get_resource_type()))]


def dump(model: Any) -> dict[str, Any]:
    """A model as FHIR JSON (a dict), without empty elements."""
    result: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return result


def _fhirpath(root: str, loc: Any) -> str:
    out = root
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
