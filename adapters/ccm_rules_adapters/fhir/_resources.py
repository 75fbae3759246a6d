"""Reading FHIR JSON with fhir.resources (R4B or R5): validated models, errors with paths.

Every refusal is a catalogue `Message` (codes `fhir.*` in `problem_texts_documents.yaml`):
the model library's own English (pydantic's "Input should be a valid integer") is never
shown; its error *type* chooses the message, so a CDS Hooks prefetch refused in a Czech
request is refused in Czech, with a code a program can act on.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ccm_rules import InputFileError, Message, Problem
from ccm_rules.engine import describe

FhirVersion = Literal["R4B", "R5"]
VERSIONS: tuple[FhirVersion, ...] = ("R4B", "R5")
EXTRA_HINT = Message("fhir.needs_extra")
"""The FHIR adapter without its extra: says the install command (`pip install 'ccm-rules[fhir]'`)."""


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
        raise InputFileError(
            Message("summary.fhir_not_resource"),
            [Problem(Message("fhir.not_resource", {"value": describe(data)}), where or "$", file, kind="fhir")],
        )
    rtype = data["resourceType"]
    try:
        cls = model_class(rtype, version)
    except (KeyError, ValueError):  # fhir.resources raises ValueError for a type it does not know
        raise InputFileError(
            Message("summary.fhir_unknown_type"),
            [
                Problem(
                    Message("fhir.unknown_type", {"type": rtype, "version": version}),
                    f"{where or rtype}.resourceType",
                    file,
                    kind="fhir",
                )
            ],
        ) from None
    if rtype == "Bundle":
        _check_entry_types(data, version, file, where or rtype)
    try:
        return cls.model_validate(dict(data))
    except ValueError as err:
        errors = getattr(err, "errors", None)
        problems = [
            Problem(model_message(e), _fhirpath(where or rtype, e.get("loc", ())), file, kind="fhir")
            for e in (errors() if callable(errors) else [])
        ] or [
            Problem(Message("fhir.not_valid", {"type": rtype, "version": version}), where or rtype, file, kind="fhir")
        ]
        raise InputFileError(Message("summary.fhir_not_valid", {"type": rtype, "version": version}), problems) from None


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
            problems.append(Problem(Message("fhir.type_not_text", {"value": describe(rtype)}), path, file, kind="fhir"))
            continue
        try:
            model_class(rtype, version)
        except (KeyError, ValueError):
            problems.append(
                Problem(Message("fhir.unknown_type", {"type": rtype, "version": version}), path, file, kind="fhir")
            )
    if problems:
        raise InputFileError(Message("summary.fhir_not_valid", {"type": "Bundle", "version": version}), problems)


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
        return [
            Entry(entry.resource, entry.fullUrl, f"Bundle.entry[{index}].resource")
            for index, entry in enumerate(model.entry or [])
            if entry.resource is not None
        ]
    return [Entry(model, None, str(model.get_resource_type()))]


def dump(model: Any) -> dict[str, Any]:
    """A model as FHIR JSON (a dict), without empty elements."""
    result: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return result


_EXPECTED = (
    (("string_",), "expected.text"),
    (("int_",), "expected.integer"),
    (("float_", "decimal_", "finite_number"), "expected.number"),
    (("bool_",), "expected.bool"),
    (("list_", "tuple_", "set_", "iterable_"), "expected.list"),
    (("dict_", "model_type", "model_attributes_type", "model_validation_format", "dataclass_type"), "expected.mapping"),
)
"""pydantic error types (by prefix) → the catalogue's "expected ..." message."""


def model_message(error: Mapping[str, Any]) -> Message:
    """One error of the FHIR model library as a catalogue message: chosen by the error's *type*
    (`int_parsing`, `missing`, `extra_forbidden`, ...), never its English `msg`."""
    kind = str(error.get("type", ""))
    value = describe(error.get("input"))
    loc = error.get("loc", ())
    element = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "missing" or kind.endswith(".missing"):
        ctx = error.get("ctx") or {}
        return Message("key.missing", {"key": str(ctx.get("field_name", element))})
    if kind == "extra_forbidden":
        return Message("fhir.unknown_element", {"key": element})
    if kind.startswith(("date", "time")):
        return Message("fhir.not_date", {"value": value})
    if kind in ("literal_error", "enum"):
        return Message("fhir.not_allowed", {"value": value, "element": element})
    if kind == "string_pattern_mismatch" or (
        kind.startswith("value_error") and "string does not match" in str(error.get("msg", ""))
    ):
        return Message("fhir.not_written_as", {"value": value, "element": element})
    if kind == "string_too_long":
        return Message("fhir.too_long", {"value": value, "element": element})
    for prefixes, code in _EXPECTED:
        if kind.startswith(prefixes):
            return Message(code, {"value": value})
    return Message("fhir.not_allowed", {"value": value, "element": element})


def _fhirpath(root: str, loc: Any) -> str:
    out = root
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
