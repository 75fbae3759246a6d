"""Extension packs: a region's own parameter values, texts and rules, layered over the shipped pack.

Seed 000 asks that the guide be adapted to each region; an extension pack is how. It is a
folder with its own `pack.yaml` (`extends:` the base pack's id and a range of its versions,
and the `source` the adaptation rests on) and rule files of the same kinds as the base. It
may add dated values to a base parameter (`kind: parameter_values`, each value with its own
source: the region's publication, or "regional policy" / "project policy" with a rationale,
never a seed), override or add texts, and add rulesets, parameter sets, vocabularies and
documents of any registered kind. It cannot remove or replace a base rule: the same id twice
is a lint error, as is a value range given twice, an unknown base parameter or a language
the base does not ship. Every decision then records the base and each extension
(`PackInfo.parts`). The loader (`_pack._load`) calls the helpers below; docs/regional-packs.md
describes the files.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from ._areas import load_entry_point
from ._convert import cattrs_problems, structure_spec
from ._decision import PackInfo, PackPart
from ._errors import Problem, RulePackError
from ._spec import PROJECT_POLICY, PackSpec, ParameterSpec, ParameterValue, Texts
from ._yaml import Located, Path_, format_path

PACKS_ENTRY_POINT_GROUP = "ccm_rules.packs"
"""Entry-point group naming installed extension packs: `name = "module:OBJECT"`, a folder path or a function returning one."""

REGIONAL_POLICY = "regional policy"
"""The source of a value a region sets for itself without a publication to cite (needs a rationale)."""

PARAMETER_VALUES = "parameter_values"


@attrs.frozen
class ParameterValuesSpec:
    """Dated values an extension adds to base parameters: ruleset or parameter-set id → parameter → values."""

    kind: Literal["parameter_values"]
    parameters: dict[str, dict[str, list[ParameterValue]]]


class RuleFile(Protocol):
    """A read rule file, as the loader keeps it (`_pack._File`)."""

    located: Located
    spec: Any

    def problem(
        self, path: Path_, message: str, rule_id: str | None = None, severity: str = "error", kind: str = "invalid"
    ) -> Problem: ...


def structure_rule_file(conv: cattrs.Converter, data: Any, file: str, *, extension: bool) -> tuple[Any, list[Problem]]:
    """One rule file by its `kind`; an extension pack may also hold `parameter_values` files."""
    if not (extension and isinstance(data, dict) and data.get("kind") == PARAMETER_VALUES):
        return structure_spec(conv, data, file)
    try:
        return conv.structure(data, ParameterValuesSpec), []
    except (ClassValidationError, IterableValidationError) as err:
        return None, [
            Problem(message, path=format_path(path), file=file, kind="schema") for path, message in cattrs_problems(err)
        ]


# ---------------------------------------------------------------- finding packs


def installed_packs() -> dict[str, Path]:
    """Every extension pack named in the `ccm_rules.packs` entry points: name → folder.

    An entry point names a folder (a `Path`, a text, or an `importlib.resources` traversable)
    or a function returning one.
    """
    found: dict[str, Path] = {}
    for entry in importlib.metadata.entry_points(group=PACKS_ENTRY_POINT_GROUP):
        loaded = load_entry_point(entry)
        if callable(loaded):
            loaded = loaded()
        found[entry.name] = Path(str(loaded))
    return found


def resolve_pack(ref: str | Path) -> Path:
    """The folder of an extension pack given as a folder or as an installed pack's name.

    Raises `RulePackError` naming the reference and the installed packs when it is neither.
    """
    path = Path(ref)
    if path.is_dir():
        return path
    installed = installed_packs()
    if isinstance(ref, str) and ref in installed:
        return installed[ref]
    names = ", ".join(sorted(installed)) or "none"
    message = f"extension pack {str(ref)!r}: no such folder, and no installed pack of that name (installed: {names})"
    raise RulePackError("the extension pack was not found", [Problem(message, file=str(ref), kind="io")])


# ---------------------------------------------------------------- versions

_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_CLAUSE = re.compile(r"^(>=|<=|==|!=|>|<)?\s*(\S+)$")


def _version(text: str) -> tuple[int, ...] | None:
    return tuple(int(part) for part in text.split(".")) if _VERSION.match(text) else None


def _compare(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    width = max(len(a), len(b))
    left, right = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    return (left > right) - (left < right)


def version_problem(version: str, wanted: str) -> str | None:
    """Why `version` does not fit the range `wanted` (`>=0.2.0,<0.3.0`; a bare version means `==`); None if it does."""
    have = _version(version)
    if have is None:
        return f"the base version {version!r} is not a dotted number"
    tests = {
        ">=": lambda c: c >= 0,
        "<=": lambda c: c <= 0,
        "==": lambda c: c == 0,
        "!=": lambda c: c != 0,
        ">": lambda c: c > 0,
        "<": lambda c: c < 0,
    }
    for clause in (part.strip() for part in wanted.split(",")):
        match = _CLAUSE.match(clause)
        bound = _version(match.group(2)) if match else None
        if match is None or bound is None:
            return f"cannot read the version range {wanted!r}: write e.g. '>=0.2.0,<0.3.0'"
        if not tests[match.group(1) or "=="](_compare(have, bound)):
            return f"the base pack's version {version} is not in the range {wanted!r} this extension was written for"
    return None


# ---------------------------------------------------------------- checks


def check_manifest(file: RuleFile, base: PackSpec) -> list[Problem]:
    """An extension's `pack.yaml` against the base: extends it, fits its version, its languages, a source."""
    spec: PackSpec = file.spec
    if spec.extends is None:
        return [
            file.problem(
                ("extends",),
                f"an extension pack names the pack it extends: extends: {{id: {base.id}, version: '>={base.version}'}}",
            )
        ]
    problems = []
    if spec.extends.id != base.id:
        problems.append(
            file.problem(
                ("extends", "id"), f"this extension extends {spec.extends.id!r}, but the base pack is {base.id!r}"
            )
        )
    elif (message := version_problem(base.version, spec.extends.version)) is not None:
        problems.append(file.problem(("extends", "version"), message))
    if spec.id == base.id:
        problems.append(file.problem(("id",), f"an extension needs its own id, not the base pack's {base.id!r}"))
    for index, lang in enumerate(spec.languages):
        if lang not in base.languages:
            problems.append(
                file.problem(
                    ("languages", index),
                    f"language {lang!r} is not shipped by the base pack {base.id} ({', '.join(base.languages)})",
                    kind="translation",
                )
            )
    if spec.source is None:
        problems.append(
            file.problem(
                ("source",),
                "an extension pack names the source its adaptation rests on (a regional publication, or 'regional policy' with a rationale)",
                kind="source",
            )
        )
    return problems


def check_base_manifest(file: RuleFile) -> list[Problem]:
    """A base pack does not extend another: such a folder is loaded as an extension (`--pack`)."""
    if file.spec.extends is None:
        return []
    return [
        file.problem(
            ("extends",),
            f"this pack extends {file.spec.extends.id!r}: load it as an extension (--pack) over that pack, not as the base (--rules)",
        )
    ]


def check_text_overrides(
    file: RuleFile,
    base_texts: Mapping[str, Mapping[str, str]],
    base_languages: Sequence[str],
    ext_languages: Sequence[str],
) -> list[Problem]:
    """An extension's texts: a base key may be overridden in some languages, a new key needs all of the base's."""
    problems = []
    for key, texts in file.spec.texts.items():
        for lang in texts:
            if lang not in base_languages:
                problems.append(
                    file.problem(
                        ("texts", key, lang),
                        f"language {lang!r} is not shipped by the base pack ({', '.join(base_languages)})",
                        kind="translation",
                    )
                )
            elif lang not in ext_languages:
                problems.append(
                    file.problem(
                        ("texts", key, lang),
                        f"language {lang!r} is not among this extension's languages ({', '.join(ext_languages)})",
                        kind="translation",
                    )
                )
            elif not str(texts[lang]).strip():
                problems.append(file.problem(("texts", key, lang), f"empty text for {lang!r}", kind="translation"))
        if key not in base_texts:
            for lang in base_languages:
                if lang not in texts:
                    problems.append(
                        file.problem(
                            ("texts", key),
                            f"missing translation for {lang!r} (a new text key needs every language of the base pack)",
                            kind="translation",
                        )
                    )
    return problems


def overlay_texts(texts: dict[str, Mapping[str, str]], overrides: Mapping[str, Texts]) -> None:
    """Merge an extension's texts into the pack's: per key and language, the extension's wins."""
    for key, value in overrides.items():
        texts[key] = {**texts.get(key, {}), **value}


def _source_problem(file: RuleFile, path: Path_, value: ParameterValue) -> Problem | None:
    source = value.source
    if source is None:
        return file.problem(
            (*path, "source"),
            "a region's value needs its source: its publication, or 'regional policy' with a rationale",
            kind="source",
        )
    ref = source.ref.strip().lower()
    if ".txt" in ref:
        return file.problem(
            (*path, "source", "ref"),
            "a region's value cannot cite a seed: the seed's own value stays the base pack's; cite the region's publication or 'regional policy'",
            kind="source",
        )
    if ref.startswith((REGIONAL_POLICY, PROJECT_POLICY)) and not (source.rationale or "").strip():
        return file.problem((*path, "source"), f"a {ref.split(':')[0]!r} source needs a rationale", kind="source")
    return None


@attrs.frozen
class RegionalValue:
    """A dated value an extension adds, with where it was written (for conflicts) and the extension's id."""

    value: ParameterValue
    where: str
    extension: str = ""


def regional_values(
    file: RuleFile,
    owners: Mapping[str, tuple[RuleFile, Mapping[str, ParameterSpec]]],
    value_problem: Callable[[ParameterSpec, Any], str | None],
    layered: dict[tuple[str, str], list[RegionalValue]],
    extension: str = "",
) -> list[Problem]:
    """Check one `parameter_values` file against the base and the values added before; add its values to `layered`.

    `owners` maps a ruleset or parameter-set id to its file and parameters. A value must name a
    known base parameter, fit its type, carry a non-seed source, start on a day the base
    parameter is in force, and not overlap a value another extension (or this one) added.
    """
    problems: list[Problem] = []
    for owner, params in file.spec.parameters.items():
        if owner not in owners:
            known = ", ".join(sorted(owners))
            problems.append(
                file.problem(
                    ("parameters", owner), f"no ruleset or parameter set {owner!r} in the base pack; known: {known}"
                )
            )
            continue
        owner_file, specs = owners[owner]
        for name, values in params.items():
            path: Path_ = ("parameters", owner, name)
            base_where = f"{owner_file.located.file}:{owner_file.located.line(('id',))}"
            if name not in specs:
                problems.append(
                    file.problem(
                        path,
                        f"{owner!r} ({base_where}) has no parameter {name!r}; its parameters: {', '.join(sorted(specs))}",
                    )
                )
                continue
            spec = specs[name]
            earliest = min((v.valid_from for v in spec.values), default=None)
            for index, value in enumerate(values):
                vpath = (*path, index)
                where = f"{file.located.file}:{file.located.line(vpath)}"
                found = []
                if (message := value_problem(spec, value.value)) is not None:
                    found.append(file.problem((*vpath, "value"), message))
                if value.valid_until is not None and value.valid_until < value.valid_from:
                    found.append(
                        file.problem(
                            (*vpath, "until"), f"'until' {value.valid_until} is before 'from' {value.valid_from}"
                        )
                    )
                if earliest is None or value.valid_from < earliest:
                    found.append(
                        file.problem(
                            (*vpath, "from"),
                            f"{owner}.{name} ({base_where}) has no base value in force on {value.valid_from} (its first from {earliest}): a region adapts a base value, it does not start a parameter earlier",
                        )
                    )
                if (source := _source_problem(file, vpath, value)) is not None:
                    found.append(source)
                for other in layered.get((owner, name), []):
                    if _overlaps(value, other.value):
                        found.append(
                            file.problem(
                                (*vpath, "from"),
                                f"the value of {owner}.{name} from {value.valid_from} overlaps the one added from {other.value.valid_from} at {other.where}",
                                kind="overlap",
                            )
                        )
                problems.extend(found)
                if not found:
                    layered.setdefault((owner, name), []).append(RegionalValue(value, where, extension))
    return problems


def _overlaps(a: ParameterValue, b: ParameterValue) -> bool:
    a_end, b_end = a.valid_until or datetime.date.max, b.valid_until or datetime.date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def layer_values(base: Iterable[ParameterValue], regional: Iterable[ParameterValue]) -> list[ParameterValue]:
    """A parameter's values with a region's over the base's: on a day a regional value covers, it is in force.

    A base value is cut around the regional ranges (its pieces keep its value and source),
    so the merged values never overlap and each day has the value the region chose.
    """
    added = sorted(regional, key=lambda v: v.valid_from)
    merged: list[ParameterValue] = list(added)
    one_day = datetime.timedelta(days=1)
    for value in base:
        pieces = [(value.valid_from, value.valid_until or datetime.date.max)]
        for cut in added:
            cut_end = cut.valid_until or datetime.date.max
            next_pieces = []
            for start, end in pieces:
                if cut_end < start or end < cut.valid_from:
                    next_pieces.append((start, end))
                    continue
                if start < cut.valid_from:
                    next_pieces.append((start, cut.valid_from - one_day))
                if cut_end < end:
                    next_pieces.append((cut_end + one_day, end))
            pieces = next_pieces
        for start, end in pieces:
            merged.append(attrs.evolve(value, valid_from=start, valid_until=None if end == datetime.date.max else end))
    return sorted(merged, key=lambda v: v.valid_from)


def regional_notes(pack: Any, owner: str, names: Iterable[str], on: datetime.date, lang: str) -> list[str]:
    """One line per parameter of `owner` whose value in force on `on` a region set, in `lang`.

    A region never silently changes a seed's rule: where a report cites the rule's source
    (e.g. seed 002 §10 for a caseload cap), it adds these lines, naming the value, its
    dates, its own source and the extension it comes from.
    """
    notes = []
    for name in names:
        found = pack.regional_value(owner, name, on)
        if found is None:
            continue
        value, part = found
        shown = value.value if not isinstance(value.value, list) else ", ".join(map(str, value.value))
        source = value.source.ref if value.source is not None else ""
        notes.append(
            pack.text("label.regional_value", lang).format(
                name=name,
                value=shown,
                start=value.valid_from.isoformat(),
                source=source,
                pack=f"{part.id} {part.version}",
            )
        )
    return notes


def content_hash_of_parts(parts: Sequence[PackPart]) -> str:
    """SHA-256 over each part's kind, id, version and content hash, in load order."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part.kind}\0{part.id}\0{part.version}\0{part.content_hash}\0".encode())
    return "sha256:" + digest.hexdigest()


def effective_info(base: PackPart, parts: Sequence[PackPart]) -> PackInfo:
    """The pack info of a merged pack: the base alone, or the base joined with its areas' folders and extensions.

    Extensions join the id and version (`ccm-core+region`, `0.2.0+1.0.0`); areas' own folders
    change only the hash. With no part beyond the base, the info is the base's own.
    """
    if not parts:
        return PackInfo(base.id, base.version, base.content_hash)
    extensions = [p for p in parts if p.kind == "extension"]
    every = (base, *parts)
    return PackInfo(
        "+".join([base.id, *(p.id for p in extensions)]),
        "+".join([base.version, *(p.version for p in extensions)]),
        content_hash_of_parts(every),
        every,
    )
