"""Loading a rule pack: read every file, check everything, compile conditions once."""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib.resources
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ._areas import areas, load_installed_areas
from ._citations import Citation, nearest_id
from ._conditions import Node, Scope, check_provisional, compile_condition
from ._convert import make_spec_converter
from ._decision import PackInfo, PackPart, ParamUse
from ._errors import ParameterNotInForceError, Problem, ProblemsError, RulePackError
from ._extend import (
    ParameterValuesSpec,
    RegionalValue,
    check_base_manifest,
    check_manifest,
    check_text_overrides,
    effective_info,
    layer_values,
    overlay_texts,
    regional_values,
    resolve_pack,
    structure_rule_file,
)
from ._facts import FastFacts
from ._messages import plain_text, plural_problems
from ._problem_texts import describe
from ._spec import (
    PACK_CHECKS,
    PROJECT_POLICY,
    CriterionSpec,
    PackSpec,
    ParameterSetSpec,
    ParameterSpec,
    ParameterValue,
    RulesetSpec,
    Source,
    Texts,
    TextsSpec,
    VocabularySpec,
)
from ._vocabulary import Vocabulary
from ._yaml import (
    Located,
    Path_,
    YamlProblem,
    format_path,
    read_yaml,
)

OUTCOME_KEYS = ("eligible", "not_eligible", "undetermined")
_PLACEHOLDER = re.compile(r"^[a-z_][a-z0-9_]*$")


def default_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or `rules/` of a source checkout."""
    packaged = importlib.resources.files("ccm_rules") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "rules"


@attrs.frozen
class Parameter:
    """A parameter with its dated values; `at(date)` gives the value in force then."""

    name: str
    spec: ParameterSpec

    def at(self, on: datetime.date) -> ParamUse:
        for value in self.spec.values:
            if value.valid_from <= on and (value.valid_until is None or on <= value.valid_until):
                payload = value.value
                if isinstance(payload, list):
                    payload = tuple(payload)
                return ParamUse(self.name, payload, value.valid_from, value.valid_until)
        raise ParameterNotInForceError(
            self.name, on, earliest=self.earliest if self.earliest and on < self.earliest else None
        )

    @property
    def earliest(self) -> datetime.date | None:
        """The first day a value of this parameter is in force (None: it has no value)."""
        return min((value.valid_from for value in self.spec.values), default=None)


@attrs.frozen
class Criterion:
    """A criterion with its compiled condition."""

    spec: CriterionSpec
    node: Node

    @property
    def id(self) -> str:
        return self.spec.id


class Ruleset:
    """One compiled ruleset of a pack (e.g. eligibility); evaluate it with `decide()`."""

    def __init__(
        self,
        spec: RulesetSpec,
        criteria: Iterable[Criterion],
        vocabularies: Mapping[str, Vocabulary],
        pack: PackInfo,
    ) -> None:
        self.spec = spec
        self.id = spec.id
        self.criteria = tuple(criteria)
        self.vocabularies = vocabularies
        self.parameters = {name: Parameter(name, p) for name, p in spec.parameters.items()}
        self.pack_info = pack
        self._params_by_date: dict[datetime.date, dict[str, ParamUse]] = {}
        self.elsewhere: frozenset[str] = frozenset()
        """Facts that other rulesets of the pack declare and this one does not: `decide()` passes them over."""
        self.fast_facts = FastFacts(spec.facts, vocabularies)
        """The shortcut fact check `decide()` tries before the full one."""
        from ._evaluate import Evaluator  # here: the evaluator module reads rulesets

        self._evaluator = Evaluator(spec.id, self.criteria, pack)

    @property
    def evaluator(self) -> Any:
        """The criteria compiled into Python at load time (`_evaluate.Evaluator`); `decide()` runs it.

        Read-only: a compiled ruleset does not change, and the evaluator's memos are its own."""
        return self._evaluator

    def join_pack(self, pack_facts: frozenset[str]) -> None:
        """Learn the facts the whole pack declares (called once, while the pack is loaded)."""
        self.elsewhere = pack_facts - frozenset(self.spec.facts)
        self.fast_facts = FastFacts(self.spec.facts, self.vocabularies, self.elsewhere)

    @property
    def earliest_date(self) -> datetime.date | None:
        """The first day on which every parameter of this ruleset has a value (None: it has none).

        A decision for an earlier day is refused (`ParameterNotInForceError`); the HTTP schema
        and the refusal both name this day."""
        return max((p.earliest for p in self.parameters.values() if p.earliest is not None), default=None)

    def params_at(self, on: datetime.date) -> dict[str, ParamUse]:
        """Every parameter's value in force on `on` (cached per date)."""
        cached = self._params_by_date.get(on)
        if cached is None:
            cached = {name: p.at(on) for name, p in self.parameters.items()}
            if len(self._params_by_date) < 4096:
                self._params_by_date[on] = cached
        return cached


class ParameterSet:
    """Parameters shared by several decisions; read the values in force on a date."""

    def __init__(self, spec: ParameterSetSpec) -> None:
        self.spec = spec
        self.id = spec.id
        self.parameters = {name: Parameter(name, p) for name, p in spec.parameters.items()}

    def params_at(self, on: datetime.date) -> dict[str, ParamUse]:
        """Every parameter with its value and validity dates in force on `on` (for traces)."""
        return {name: p.at(on) for name, p in self.parameters.items()}

    def values_at(self, on: datetime.date) -> dict[str, Any]:
        """Every parameter's bare value in force on `on`."""
        return {name: use.value for name, use in self.params_at(on).items()}


class RulePack:
    """A loaded, checked rule pack: its rulesets, parameter sets, vocabularies and shared texts."""

    def __init__(
        self,
        spec: PackSpec,
        rulesets: Mapping[str, Ruleset],
        vocabularies: Mapping[str, Vocabulary],
        texts: Mapping[str, Mapping[str, str]],
        info: PackInfo,
        root: Path,
        documents: Mapping[str, list[Any]] | None = None,
        parameter_sets: Mapping[str, ParameterSet] | None = None,
        citations: Iterable[Citation] = (),
        extensions: Iterable[PackSpec] = (),
    ) -> None:
        self.spec = spec
        self.extensions: tuple[PackSpec, ...] = tuple(extensions)
        """The manifests of the extension packs merged over the base, in load order (see `info.parts`)."""
        self.regional: Mapping[tuple[str, str], tuple[tuple[ParameterValue, PackPart], ...]] = {}
        """The values extensions added to base parameters: (ruleset or parameter-set id, name) → (value, extension)."""
        self.parameter_sets = dict(parameter_sets or {})
        self._documents = dict(documents or {})
        self.rulesets = dict(rulesets)
        self.vocabularies = dict(vocabularies)
        self.texts = dict(texts)
        self.info = info
        self.root = root
        self.citations: tuple[Citation, ...] = tuple(citations)
        """Every `source` in the pack's files, with file, line, path and rule id (see `citation_drift`)."""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.spec.languages)

    @functools.cached_property
    def fact_names(self) -> frozenset[str]:
        """Every fact some ruleset of the pack declares: what one case file may carry."""
        return frozenset(name for ruleset in self.rulesets.values() for name in ruleset.spec.facts)

    def ruleset(self, ruleset_id: str) -> Ruleset:
        try:
            return self.rulesets[ruleset_id]
        except KeyError:
            known = ", ".join(sorted(self.rulesets))
            raise KeyError(f"no ruleset {ruleset_id!r} in pack {self.info.id}; rulesets: {known}") from None

    def parameter_set(self, set_id: str) -> ParameterSet:
        try:
            return self.parameter_sets[set_id]
        except KeyError:
            known = ", ".join(sorted(self.parameter_sets))
            raise KeyError(f"no parameter set {set_id!r} in pack {self.info.id}; parameter sets: {known}") from None

    def documents(self, kind: str) -> list[Any]:
        """Every loaded spec of a registered extra kind (see `register_kind`), by file order."""
        return list(self._documents.get(kind, []))

    def text(self, key: str, lang: str) -> str:
        return self.texts[key][lang]

    def regional_value(self, owner: str, name: str, on: datetime.date) -> tuple[ParameterValue, PackPart] | None:
        """The value an extension set for parameter `name` of `owner` in force on `on`, with the extension (None: the base's own)."""
        for value, part in self.regional.get((owner, name), ()):
            if value.valid_from <= on and (value.valid_until is None or on <= value.valid_until):
                return value, part
        return None

    @classmethod
    def load(cls, root: Path | str | None = None, *, extensions: Iterable[Path | str] = ()) -> RulePack:
        """Load and check a pack; raise `RulePackError` listing every error found.

        `root` is the base pack's folder (default: the shipped pack). `extensions` are
        regional extension packs merged over it in order, each a folder or the name of an
        installed pack (`ccm_rules.packs` entry points; docs/regional-packs.md). Every
        registered area's own rule folder (`Area.rules`) joins the base.
        """
        folders = [resolve_pack(ref) for ref in extensions]
        pack, problems = _load(Path(root) if root is not None else default_rules_dir(), folders)
        errors = [p for p in problems if p.severity == "error"]
        if errors or pack is None:
            raise RulePackError("the rule pack is not valid", errors)
        return pack


@functools.cache
def default_pack() -> RulePack:
    """The rule pack shipped with the library, loaded and checked once."""
    return RulePack.load()


def check_pack(root: Path | str, *, extensions: Iterable[Path | str] = ()) -> list[Problem]:
    """Every problem in a rule pack (errors and warnings), as `rules check` reports them.

    Once the pack loads, each area's own check of its documents runs too (see
    `register_pack_check`), e.g. that the DACTS scale has its 28 items. With `extensions`
    (folders or installed pack names) the base and those extensions are linted merged, so an
    extension's conflicts with its base are reported at the extension's file and line.
    """
    try:
        folders = [resolve_pack(ref) for ref in extensions]
    except RulePackError as err:
        return list(err.problems)
    pack, problems = _load(Path(root), folders)
    if pack is None or any(p.severity == "error" for p in problems):
        return problems
    for kind, check in PACK_CHECKS.items():
        if not pack.documents(kind):
            continue
        try:
            check(pack)
        except ProblemsError as err:
            problems.extend(err.problems)
    return problems


# ---------------------------------------------------------------- loading


@attrs.define
class _File:
    located: Located
    spec: Any

    def problem(
        self, path: Path_, message: str, rule_id: str | None = None, severity: str = "error", kind: str = "invalid"
    ) -> Problem:
        return Problem(
            message,
            format_path(path),
            self.located.file,
            self.located.line(path),
            rule_id,
            kind,
            severity,
        )


def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def content_hash(root: Path) -> str:
    """SHA-256 over every rule file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in _yaml_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def _read_folder(root: Path, converter: Any, *, extension: bool = False) -> tuple[list[_File], list[Problem]]:
    """Every rule file of one folder, structured by its kind, with the problems found reading it."""
    problems: list[Problem] = []
    files: list[_File] = []
    for path in _yaml_files(root):
        try:
            located = read_yaml(path)
        except YamlProblem as err:
            problems.append(err.problem)
            continue
        spec, found = structure_rule_file(converter, located.data, located.file, extension=extension)
        for p in found:
            at = _parse_path(p.path)
            problems.append(attrs.evolve(p, line=located.line(at), rule_id=_raw_rule_id(located.data, at)))
        if spec is not None:
            files.append(_File(located, spec))
    return files, problems


def _area_folders(converter: Any, languages: tuple[str, ...]) -> tuple[list[_File], list[PackPart], list[Problem]]:
    """The rule files of every registered area that brings its own folder (`Area.rules`), one part each."""
    files: list[_File] = []
    parts: list[PackPart] = []
    problems: list[Problem] = []
    for area in areas():
        if area.rules is None:
            continue
        if not area.rules.is_dir():
            problems.append(
                Problem(
                    f"area {area.name!r}: its rule folder {area.rules} is not found", file=str(area.rules), kind="io"
                )
            )
            continue
        found_files, found = _read_folder(area.rules, converter)
        problems.extend(found)
        for file in found_files:
            if isinstance(file.spec, PackSpec):
                problems.append(
                    file.problem(
                        ("kind",),
                        f"area {area.name!r}: an area's rule folder joins a pack and has no 'pack' file of its own",
                    )
                )
                continue
            problems.extend(_check_translations(file, languages))
            files.append(file)
        parts.append(PackPart("area", area.name, area.version, content_hash(area.rules)))
    return files, parts, problems


@attrs.define
class _Extension:
    """One extension pack as read: its manifest, its texts, its parameter values and its other files."""

    root: Path
    manifest: _File
    texts: list[_File]
    values: list[_File]
    others: list[_File]

    def part(self) -> PackPart:
        spec: PackSpec = self.manifest.spec
        return PackPart(
            "extension", spec.id, spec.version, content_hash(self.root), spec.source.ref if spec.source else None
        )


def _read_extension(root: Path, converter: Any, base: PackSpec) -> tuple[_Extension | None, list[Problem]]:
    if not root.is_dir():
        return None, [Problem(f"extension pack directory not found: {root}", file=str(root), kind="io")]
    files, problems = _read_folder(root, converter, extension=True)
    manifests = [f for f in files if isinstance(f.spec, PackSpec)]
    if len(manifests) != 1:
        names = ", ".join(f.located.file for f in manifests) or "none"
        problems.append(
            Problem(f"an extension pack needs exactly one file of kind 'pack'; found: {names}", file=str(root))
        )
        return None, problems
    manifest = manifests[0]
    problems.extend(check_manifest(manifest, base))
    problems.extend(_check_translations(manifest, tuple(base.languages)))
    texts = [f for f in files if isinstance(f.spec, TextsSpec)]
    values = [f for f in files if isinstance(f.spec, ParameterValuesSpec)]
    others = [f for f in files if f is not manifest and f not in texts and f not in values]
    return _Extension(root, manifest, texts, values, others), problems


def _load(root: Path, extensions: Sequence[Path] = ()) -> tuple[RulePack | None, list[Problem]]:
    """Read, merge and check a pack: the base folder, every area's own folder, then each extension in order."""
    load_installed_areas()  # every installed area's rule-file kinds are known before files are read
    if not root.is_dir():
        return None, [Problem(f"rule pack directory not found: {root}", file=str(root), kind="io")]
    converter = make_spec_converter()
    files, problems = _read_folder(root, converter)

    manifests = [f for f in files if isinstance(f.spec, PackSpec)]
    if len(manifests) != 1:
        names = ", ".join(f.located.file for f in manifests) or "none"
        problems.append(Problem(f"a pack needs exactly one file of kind 'pack'; found: {names}", file=str(root)))
        return None, problems
    manifest = manifests[0]
    problems.extend(check_base_manifest(manifest))
    languages = tuple(manifest.spec.languages)

    for file in files:
        problems.extend(_check_translations(file, languages))
    area_files, parts, found = _area_folders(converter, languages)
    files += area_files
    problems += found

    layers: list[_Extension] = []
    for ext_root in extensions:
        layer, found = _read_extension(ext_root, converter, manifest.spec)
        problems.extend(found)
        if layer is not None:
            layers.append(layer)
            for file in layer.others:
                problems.extend(_check_translations(file, languages))
            files += layer.others
    # Sources and citations are read from the files as written, before a region's values join a base parameter.
    citations: list[Citation] = []
    for file in [*files, *(f for layer in layers for f in (layer.manifest, *layer.texts, *layer.values))]:
        problems.extend(_check_sources(file))
        citations.extend(_citations(file))

    vocabularies: dict[str, Vocabulary] = {}
    for file in files:
        if isinstance(file.spec, VocabularySpec):
            problems.extend(_check_vocabulary(file))
            if file.spec.id in vocabularies:
                problems.append(file.problem(("id",), f"duplicate vocabulary id {file.spec.id!r}"))
            vocabularies[file.spec.id] = Vocabulary(file.spec)
    layered, found = _layer_parameter_values(files, layers, vocabularies)
    problems.extend(found)

    texts: dict[str, Mapping[str, str]] = {}
    for file in files:
        if isinstance(file.spec, TextsSpec):
            for key, value in file.spec.texts.items():
                if key in texts:
                    problems.append(file.problem(("texts", key), f"duplicate text key {key!r}"))
                texts[key] = value
    base_texts = dict(texts)
    for layer in layers:
        for file in layer.texts:
            problems.extend(check_text_overrides(file, base_texts, languages, layer.manifest.spec.languages))
            overlay_texts(texts, file.spec.texts)

    parameter_sets: dict[str, ParameterSet] = {}
    for file in files:
        if isinstance(file.spec, ParameterSetSpec):
            problems.extend(_check_parameters(file, file.spec, vocabularies))
            if file.spec.id in parameter_sets:
                problems.append(file.problem(("id",), f"duplicate parameter set id {file.spec.id!r}"))
            parameter_sets[file.spec.id] = ParameterSet(file.spec)

    parts += [layer.part() for layer in layers]
    info = effective_info(PackPart("base", manifest.spec.id, manifest.spec.version, content_hash(root)), parts)
    rulesets: dict[str, Ruleset] = {}
    ruleset_at: dict[str, str] = {}
    rule_ids: dict[str, str] = {}
    for file in files:
        if not isinstance(file.spec, RulesetSpec):
            continue
        spec = file.spec
        if spec.id in ruleset_at:
            problems.append(file.problem(("id",), f"duplicate ruleset id {spec.id!r} (first at {ruleset_at[spec.id]})"))
        else:
            ruleset_at[spec.id] = f"{file.located.file}:{file.located.line(('id',))}"
        for index, criterion in enumerate(spec.criteria):
            where = f"{file.located.file}:{file.located.line(('criteria', index, 'id'))}"
            if criterion.id in rule_ids:
                problems.append(
                    file.problem(
                        ("criteria", index, "id"),
                        f"duplicate rule id {criterion.id!r} (first at {rule_ids[criterion.id]})",
                        criterion.id,
                    )
                )
            else:
                rule_ids[criterion.id] = where
        ruleset, found = _compile_ruleset(file, vocabularies, info)
        problems.extend(found)
        if ruleset is not None and spec.id not in rulesets:
            rulesets[spec.id] = ruleset

    documents: dict[str, list[Any]] = {}
    core = (PackSpec, RulesetSpec, VocabularySpec, TextsSpec, ParameterSetSpec)
    for file in files:
        if not isinstance(file.spec, core):
            documents.setdefault(file.spec.kind, []).append(file.spec)
    if any(p.severity == "error" for p in problems):
        return None, problems
    pack = RulePack(
        manifest.spec,
        rulesets,
        vocabularies,
        texts,
        info,
        root,
        documents,
        parameter_sets,
        citations,
        extensions=[layer.manifest.spec for layer in layers],
    )
    by_id = {part.id: part for part in info.parts if part.kind == "extension"}
    pack.regional = {key: tuple((a.value, by_id[a.extension]) for a in added) for key, added in layered.items()}
    for ruleset in rulesets.values():
        ruleset.join_pack(pack.fact_names)
    return pack, problems


def _layer_parameter_values(
    files: list[_File], layers: Sequence[_Extension], vocabularies: Mapping[str, Vocabulary]
) -> tuple[dict[tuple[str, str], list[RegionalValue]], list[Problem]]:
    """Put each extension's dated values over the base parameters they adapt (the file's spec is replaced).

    Returns the values added, per (ruleset or parameter-set id, parameter name), and the problems found."""
    owners: dict[str, tuple[_File, Mapping[str, ParameterSpec]]] = {}
    for file in files:
        if isinstance(file.spec, (RulesetSpec, ParameterSetSpec)):
            owners.setdefault(file.spec.id, (file, file.spec.parameters))
    problems: list[Problem] = []
    layered: dict[tuple[str, str], list[RegionalValue]] = {}
    for layer in layers:
        for file in layer.values:
            problems.extend(
                regional_values(
                    file,
                    owners,
                    lambda spec, value: _param_value_problem(spec, value, vocabularies),
                    layered,
                    layer.manifest.spec.id,
                )
            )
    for (owner, name), added in layered.items():
        owner_file = owners[owner][0]
        param = owner_file.spec.parameters[name]
        merged = attrs.evolve(param, values=layer_values(param.values, [a.value for a in added]))
        owner_file.spec = attrs.evolve(owner_file.spec, parameters={**owner_file.spec.parameters, name: merged})
    return layered, problems


_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]")


def _parse_path(text: str) -> Path_:
    parts: list[str | int] = []
    for name, index, key in _PATH_PART.findall(text.removeprefix("$")):
        parts.append(int(index) if index else (name or key))
    return tuple(parts)


_TEXTS_TYPES: tuple[Any, ...] = (Texts, Texts | None)
_TEXTS_MAP_TYPES: tuple[Any, ...] = (dict[str, Texts], dict[str, Texts] | None)


def _walk_texts(value: Any, path: Path_) -> Iterator[tuple[Path_, Mapping[str, str]]]:
    """Yield every `Texts` field inside a spec, with its path."""
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            child = getattr(value, field.name)
            key = "from" if field.name == "valid_from" else "until" if field.name == "valid_until" else field.name
            if field.type in _TEXTS_TYPES and child is not None:
                yield (*path, key), child
            elif field.type in _TEXTS_MAP_TYPES:
                for sub, texts in (child or {}).items():
                    yield (*path, key, sub), texts
            else:
                yield from _walk_texts(child, (*path, key))
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _walk_texts(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk_texts(child, (*path, index))


def _raw_rule_id(data: Any, path: Path_) -> str | None:
    """The `id` of the innermost criterion, alert or other item a path points into, read from the raw YAML
    (so that a problem names M1, not only `$.alerts[0]`)."""
    found: str | None = None
    node = data
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


def _check_translations(file: _File, languages: tuple[str, ...]) -> list[Problem]:
    problems = []
    for path, texts in _walk_texts(file.spec, ()):
        rule_id = _raw_rule_id(file.located.data, path)
        for lang in languages:
            text = texts.get(lang)
            if text is None or not str(text).strip():
                problems.append(file.problem(path, f"missing translation for {lang!r}", rule_id, kind="translation"))
        for lang in texts:
            if lang not in languages:
                problems.append(
                    file.problem(
                        (*path, lang),
                        f"language {lang!r} is not shipped by the pack ({', '.join(languages)})",
                        rule_id,
                        kind="translation",
                    )
                )
            elif "plural" in str(texts[lang]):
                for message in plural_problems(str(texts[lang]), lang):
                    problems.append(file.problem((*path, lang), message, rule_id, kind="text"))
    return problems


def _check_source(file: _File, source: Source, path: Path_, rule_id: str | None) -> list[Problem]:
    if not source.ref.strip():
        return [file.problem((*path, "ref"), "a source reference must not be empty", rule_id, kind="source")]
    if source.ref.lower().startswith(PROJECT_POLICY) and not (source.rationale or "").strip():
        return [file.problem(path, "a 'project policy' source needs a rationale", rule_id, kind="source")]
    if ".txt" in source.ref and "§" not in source.ref:
        return [file.problem((*path, "ref"), "cite a seed as '<seed file> §<section>'", rule_id, kind="source")]
    return []


def _walk_sources(value: Any, path: Path_) -> Iterator[tuple[Path_, Source]]:
    if isinstance(value, Source):
        yield path, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            key = {"valid_from": "from", "valid_until": "until"}.get(field.name, field.name)
            yield from _walk_sources(getattr(value, field.name), (*path, key))
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _walk_sources(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk_sources(child, (*path, index))


def _check_sources(file: _File) -> list[Problem]:
    """Every `Source` anywhere in a file: non-empty, seeds cited by section, policy explained."""
    return [
        problem
        for path, source in _walk_sources(file.spec, ())
        for problem in _check_source(file, source, path, _raw_rule_id(file.located.data, path))
    ]


def _citations(file: _File) -> list[Citation]:
    """Every `Source` anywhere in a file, with the file (relative to the pack), line, path and rule id."""
    name = file.located.file
    return [
        Citation(source, name, file.located.line(path), format_path(path), nearest_id(file.located.data, path))
        for path, source in _walk_sources(file.spec, ())
    ]


def _check_vocabulary(file: _File) -> list[Problem]:
    spec: VocabularySpec = file.spec
    problems: list[Problem] = []
    if spec.default_status not in spec.statuses:
        problems.append(file.problem(("default_status",), f"default status {spec.default_status!r} is not declared"))
    seen: set[str] = set()
    for index, domain in enumerate(spec.domains):
        if domain.code in seen:
            problems.append(file.problem(("domains", index, "code"), f"duplicate domain code {domain.code!r}"))
        seen.add(domain.code)
        if domain.group not in spec.groups:
            problems.append(
                file.problem(
                    ("domains", index, "group"), f"unknown group {domain.group!r}; groups: {', '.join(spec.groups)}"
                )
            )
        for instrument in domain.maps_to:
            if instrument not in spec.instruments:
                problems.append(
                    file.problem(
                        ("domains", index, "maps_to", instrument),
                        f"instrument {instrument!r} is not declared under 'instruments'",
                    )
                )
    return problems


def _check_parameters(
    file: _File, spec: RulesetSpec | ParameterSetSpec, vocabularies: Mapping[str, Vocabulary]
) -> list[Problem]:
    problems = []
    for name, param in spec.parameters.items():
        path: Path_ = ("parameters", name)
        if not param.values:
            problems.append(file.problem((*path, "values"), f"parameter {name!r} has no values"))
        if param.vocabulary is not None and param.vocabulary not in vocabularies:
            problems.append(file.problem((*path, "vocabulary"), f"unknown vocabulary {param.vocabulary!r}"))
        for index, value in enumerate(param.values):
            vpath = (*path, "values", index)
            if value.valid_until is not None and value.valid_until < value.valid_from:
                problems.append(
                    file.problem((*vpath, "until"), f"'until' {value.valid_until} is before 'from' {value.valid_from}")
                )
            message = _param_value_problem(param, value.value, vocabularies)
            if message:
                problems.append(file.problem((*vpath, "value"), message))
        ordered = sorted(enumerate(param.values), key=lambda iv: iv[1].valid_from)
        for (_, earlier), (index, later) in zip(ordered, ordered[1:], strict=False):
            end = earlier.valid_until or datetime.date.max
            if later.valid_from <= end:
                problems.append(
                    file.problem(
                        (*path, "values", index, "from"),
                        f"validity of parameter {name!r} from {later.valid_from} overlaps the value valid from {earlier.valid_from}",
                        kind="overlap",
                    )
                )
    return problems


def _param_value_problem(param: ParameterSpec, value: Any, vocabularies: Mapping[str, Vocabulary]) -> str | None:
    kind = param.type
    if kind == "codes":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expected a list of codes, got {value!r}"
        vocabulary = vocabularies.get(param.vocabulary) if param.vocabulary is not None else None
        if vocabulary is not None:
            unknown = [v for v in value if v not in vocabulary.codes]
            if unknown:
                return f"unknown code(s) {unknown} in vocabulary {param.vocabulary!r}"
        return None
    checks = {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
    }
    return None if checks[kind] else f"expected a value of type {kind}, got {describe(value)}"


def _check_facts(file: _File, spec: RulesetSpec, vocabularies: Mapping[str, Vocabulary]) -> list[Problem]:
    problems = []
    for name, fact in spec.facts.items():
        path: Path_ = ("facts", name)
        if fact.type == "enum" and not fact.values:
            problems.append(file.problem((*path, "values"), f"enum fact {name!r} needs 'values'"))
        if fact.type != "enum" and (fact.values or fact.value_labels):
            problems.append(file.problem((*path, "values"), f"only enum facts take 'values' ('{name}' is {fact.type})"))
        for label in fact.value_labels or {}:
            if label not in (fact.values or []):
                problems.append(file.problem((*path, "value_labels", label), f"label for undeclared value {label!r}"))
        for value in fact.values or []:
            if fact.value_labels is None or value not in fact.value_labels:
                problems.append(
                    file.problem((*path, "value_labels"), f"value {value!r} has no label", kind="translation")
                )
        if fact.type == "domain_statuses" and fact.vocabulary not in vocabularies:
            problems.append(
                file.problem(
                    (*path, "vocabulary"), f"unknown vocabulary {fact.vocabulary!r}; known: {', '.join(vocabularies)}"
                )
            )
        if fact.min is not None and fact.max is not None and fact.min > fact.max:
            problems.append(file.problem((*path, "min"), f"min {fact.min} is above max {fact.max}"))
    return problems


def _check_placeholders(file: _File, spec: RulesetSpec) -> list[Problem]:
    names = set(spec.facts) | set(spec.parameters)
    problems = []
    for index, criterion in enumerate(spec.criteria):
        for key in ("title", "met", "not_met", "unknown"):
            for lang, text in getattr(criterion, key).items():
                try:
                    fields = [f for _, f, _, _ in string.Formatter().parse(plain_text(text)) if f is not None]
                except ValueError as err:  # MessageError too: a plural form that cannot be read
                    problems.append(
                        file.problem(
                            ("criteria", index, key, lang), f"bad placeholder: {err}", criterion.id, kind="text"
                        )
                    )
                    continue
                for field in fields:
                    if not _PLACEHOLDER.match(field) or field not in names:
                        problems.append(
                            file.problem(
                                ("criteria", index, key, lang),
                                f"placeholder {{{field}}} is not a fact or parameter of ruleset {spec.id!r}",
                                criterion.id,
                                kind="text",
                            )
                        )
    return problems


def _compile_ruleset(
    file: _File, vocabularies: Mapping[str, Vocabulary], info: PackInfo
) -> tuple[Ruleset | None, list[Problem]]:
    spec: RulesetSpec = file.spec
    problems = _check_facts(file, spec, vocabularies)
    problems += _check_parameters(file, spec, vocabularies)
    problems += _check_placeholders(file, spec)
    if sorted(spec.outcomes) != sorted(OUTCOME_KEYS):
        problems.append(file.problem(("outcomes",), f"outcomes must be exactly: {', '.join(OUTCOME_KEYS)}"))
    if not any(c.role != "informative" for c in spec.criteria):
        problems.append(file.problem(("criteria",), "a ruleset needs at least one required or gate criterion"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    scope = Scope(spec.facts, spec.parameters, vocabularies)
    criteria = []
    for index, criterion in enumerate(spec.criteria):
        path: Path_ = ("criteria", index)
        before = len(scope.problems)
        node = compile_condition(criterion.condition, scope, (*path, "condition"))
        for cpath, message in scope.problems[before:]:
            problems.append(file.problem(cpath, message, criterion.id, kind="condition"))
        if node is None:
            continue
        if not node.can_be(True, scope):
            problems.append(
                file.problem(
                    (*path, "condition"),
                    "rule can never be met: its condition is false for every possible fact",
                    criterion.id,
                    kind="dead-rule",
                )
            )
        elif not node.can_be(False, scope):
            problems.append(
                file.problem(
                    (*path, "condition"),
                    "rule can never fail: its condition is true for every possible fact",
                    criterion.id,
                    severity="warning",
                    kind="dead-rule",
                )
            )
        criteria.append(Criterion(criterion, node))
    for cpath, message in check_provisional(spec, {c.id: c.node for c in criteria}):
        problems.append(file.problem(cpath, message, spec.criteria[int(cpath[1])].id, kind="condition"))
    for name in spec.facts:
        if name not in scope.facts_used:
            problems.append(
                file.problem(
                    ("facts", name), f"fact {name!r} is declared but no rule uses it", severity="warning", kind="unused"
                )
            )
    for name in spec.parameters:
        if name not in scope.params_used:
            problems.append(
                file.problem(
                    ("parameters", name),
                    f"parameter {name!r} is declared but no rule uses it",
                    severity="warning",
                    kind="unused",
                )
            )
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Ruleset(spec, criteria, vocabularies, info), problems
