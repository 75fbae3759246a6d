"""ACT fidelity (DACTS): score a program's measured figures on the 28 items.

The scale lives in `rules/dacts.yaml` (`kind: dacts`); the band cut-offs are the dated
`dacts_bands` parameters. This module only applies them.
"""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import attrs

from ..engine import (
    FactsError,
    InputFileError,
    Message,
    PackInfo,
    Parameter,
    ParameterSpec,
    ParameterValue,
    ParamUse,
    Problem,
    RulePack,
    RulePackError,
    Source,
    Texts,
    Translated,
    YamlProblem,
    check_explainable,
    cite,
    date_field_message,
    default_pack,
    describe,
    file_reason,
    format_number,
    moved_to_keywords,
    parse_yaml,
    shipped_pack_if_none,
    source_ref,
    unknown_value,
)


@attrs.frozen
class DactsSection:
    """A section of the scale (H human resources, O organisational boundaries, S services)."""

    code: str
    title: Texts
    source: Source


@attrs.frozen
class DactsBand:
    """A fidelity band: the total mean at or above `min_param` (a `dacts_bands` parameter)."""

    id: str
    min_param: str | None
    label: Texts
    meaning: Texts
    source: Source


@attrs.frozen
class DactsFlag:
    """A yes/no figure an item needs besides its measured number (e.g. every client reviewed)."""

    name: str
    question: Texts


@attrs.frozen
class DactsItem:
    """One DACTS item: the figure it scores, how, its five anchors and where they come from.

    `scoring` is `at_least` (higher is better), `at_most` (lower is better) or `rating`
    (the rater's 1–5 judgement). `cuts` are the four boundaries for scores 2, 3, 4, 5,
    dated like any parameter; the figure is first rounded to `decimals`.
    """

    id: str
    section: str
    title: Texts
    figure: str
    question: Texts
    unit: Texts
    scoring: Literal["at_least", "at_most", "rating"]
    decimals: int
    min: float
    anchors: list[Texts]
    source: Source
    verified: Literal["verified", "partial", "recalled"]
    max: float | None = None
    cuts: list[ParameterValue] = attrs.Factory(list)
    top_requires: str | None = None


@attrs.frozen
class DactsDoc:
    """The DACTS scale as rule data."""

    kind: Literal["dacts"]
    id: str
    title: Texts
    source: Source
    bands_parameters: str
    improve_below: int
    improve_max: int
    improve_source: Source
    rounding_source: Source
    sections: list[DactsSection]
    bands: list[DactsBand]
    flags: list[DactsFlag]
    items: list[DactsItem]


# ---------------------------------------------------------------- scoring


@attrs.frozen
class ItemScore:
    """One item's score from its figure. `low`..`high` bound the score when a figure is
    missing (1..5) or a top-score condition is unknown; `score` is set when they agree."""

    id: str
    section: str
    figure: str
    value: float | None
    rounded: float | None
    score: int | None
    low: int
    high: int
    cuts: ParamUse | None


@attrs.frozen
class SectionResult:
    """A section's mean (None while an item is unknown) and its possible range."""

    code: str
    mean: float | None
    low: float
    high: float
    items: int


@attrs.frozen
class FidelityResult:
    """A program's DACTS result: item scores, section and total means, band, what to improve.

    While figures are missing, `total_mean` is None, `mean_low`..`mean_high` bound it,
    `band` is None unless both ends fall in the same band, and `missing` lists the figures
    to measure.
    """

    scale: str
    items: tuple[ItemScore, ...]
    sections: tuple[SectionResult, ...]
    total_mean: float | None
    total_sum: int | None
    mean_low: float
    mean_high: float
    band: str | None
    possible_bands: tuple[str, ...]
    improve: tuple[str, ...]
    missing: tuple[str, ...]
    band_params: tuple[ParamUse, ...]
    figures: dict[str, Any]
    as_of: datetime.date
    pack: PackInfo

    def item(self, item_id: str) -> ItemScore:
        """The score of one item, e.g. `H1`."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def dacts_scale(pack: RulePack) -> DactsDoc:
    """The pack's DACTS scale, checked: 28 items, known sections, ordered cuts, 5 anchors."""
    docs = pack.documents("dacts")
    if len(docs) != 1:
        found = Problem(Message("pack.not_single", {"kind": "dacts", "count": len(docs)}), file=str(pack.root))
        raise RulePackError(Message("summary.no_dacts_scale"), [found])
    doc: DactsDoc = docs[0]
    problems = _check_scale(doc, pack)
    if problems:
        raise RulePackError(Message("summary.dacts_scale_invalid"), problems)
    return doc


def _check_scale(doc: DactsDoc, pack: RulePack) -> list[Problem]:
    problems: list[Problem] = []

    def bad(path: str, message: Message, rule_id: str | None = None) -> None:
        problems.append(Problem(message, path, "dacts.yaml", rule_id=rule_id, kind="dacts"))

    sections = {s.code for s in doc.sections}
    flags = {f.name for f in doc.flags}
    bands = pack.parameter_sets.get(doc.bands_parameters)
    if bands is None:
        bad("$.bands_parameters", Message("pack.no_parameter_set", {"name": doc.bands_parameters}))
    for index, band in enumerate(doc.bands):
        if band.min_param is not None and bands is not None and band.min_param not in bands.parameters:
            bad(
                f"$.bands[{index}].min_param",
                Message("pack.no_parameter", {"name": band.min_param, "set": doc.bands_parameters}),
            )
    if [b.min_param is None for b in doc.bands] != [False] * (len(doc.bands) - 1) + [True]:
        bad("$.bands", Message("dacts.band_without_minimum"))
    seen: set[str] = set()
    for index, item in enumerate(doc.items):
        path = f"$.items[{index}]"
        if item.id in seen or item.figure in seen:
            bad(path, Message("dacts.item_twice", {"id": item.id, "figure": item.figure}), item.id)
        seen.update((item.id, item.figure))
        if item.section not in sections:
            bad(f"{path}.section", Message("dacts.unknown_section", {"section": item.section}), item.id)
        if len(item.anchors) != 5:
            bad(f"{path}.anchors", Message("dacts.anchor_count", {"count": len(item.anchors)}), item.id)
        if item.top_requires is not None and item.top_requires not in flags:
            bad(f"{path}.top_requires", Message("dacts.unknown_flag", {"flag": item.top_requires}), item.id)
        if item.scoring == "rating" and item.cuts:
            bad(f"{path}.cuts", Message("dacts.rating_cuts"), item.id)
        for vindex, cut in enumerate(item.cuts):
            values = cut.value
            ok = (
                isinstance(values, list)
                and len(values) == 4
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            )
            if not ok:
                bad(f"{path}.cuts[{vindex}].value", Message("dacts.cuts_shape"), item.id)
                continue
            ordered = values == sorted(values) if item.scoring == "at_least" else values == sorted(values, reverse=True)
            if not ordered:
                bad(
                    f"{path}.cuts[{vindex}].value",
                    Message(
                        "dacts.cuts_ascending" if item.scoring == "at_least" else "dacts.cuts_descending",
                        {"scoring": item.scoring},
                    ),
                    item.id,
                )
        if item.scoring != "rating" and not item.cuts:
            bad(f"{path}.cuts", Message("dacts.cuts_missing"), item.id)
    if len(doc.items) != 28:
        bad("$.items", Message("dacts.item_count", {"count": len(doc.items)}))
    return problems


_WIDE = Context(prec=400)
"""Enough digits to round any finite float (up to ~1e308) to an item's precision."""


def score_item(
    item: DactsItem, value: float, cuts: Sequence[float] | None, flag: bool | None = None
) -> tuple[int, int, float]:
    """Score one figure: (lowest possible, highest possible score, rounded figure).

    The figure is rounded half up to the item's precision; `at_least` counts the cuts at
    or below it, `at_most` the cuts at or above it. A top score that needs a flag is
    capped at 4 when the flag is false, and left open (4..5) when it is unknown.
    """
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-item.decimals), rounding=ROUND_HALF_UP, context=_WIDE)
    if item.scoring == "rating":
        score = int(rounded)
    else:
        assert cuts is not None
        bounds = [Decimal(str(c)) for c in cuts]
        passed = sum(rounded >= b for b in bounds) if item.scoring == "at_least" else sum(rounded <= b for b in bounds)
        score = 1 + passed
    high = score
    if score == 5 and item.top_requires is not None and flag is not True:
        score = 4
        high = 5 if flag is None else 4
    return score, high, float(rounded)


def score_dacts(
    figures: Mapping[str, Any],
    *,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> FidelityResult:
    """Score a program on the DACTS from its measured figures; raise `FactsError` naming
    every bad figure (unknown name, wrong type, out of range). Missing figures are unknown.

    >>> r = score_dacts({"clients_per_staff": 9, "program_fte": 11}, as_of=datetime.date(2027, 1, 1))
    >>> r.item("H1").score, r.item("H11").score, r.band, len(r.missing)
    (5, 5, None, 26)
    """
    pack = pack or default_pack()
    doc = dacts_scale(pack)
    given = _validate_figures(figures, doc)
    on = as_of if as_of is not None else datetime.date.today()
    scores = tuple(_score(item, given, on) for item in doc.items)
    n = len(scores)
    low_sum, high_sum = sum(s.low for s in scores), sum(s.high for s in scores)
    known = low_sum == high_sum
    band_set = pack.parameter_set(doc.bands_parameters)
    band_uses = band_set.params_at(on)
    band_low, band_high = _band(doc, band_uses, Fraction(low_sum, n)), _band(doc, band_uses, Fraction(high_sum, n))
    order = [b.id for b in doc.bands]
    possible = tuple(order[order.index(band_high) : order.index(band_low) + 1])
    scored = [
        (s.score, index, s.id) for index, s in enumerate(scores) if s.score is not None and s.score < doc.improve_below
    ]
    return FidelityResult(
        scale=doc.id,
        items=scores,
        sections=tuple(_section(code.code, [s for s in scores if s.section == code.code]) for code in doc.sections),
        total_mean=_round(Fraction(low_sum, n)) if known else None,
        total_sum=low_sum if known else None,
        mean_low=_round(Fraction(low_sum, n)),
        mean_high=_round(Fraction(high_sum, n)),
        band=band_low if band_low == band_high else None,
        possible_bands=possible,
        improve=tuple(item_id for _, _, item_id in sorted(scored)[: doc.improve_max]),
        missing=tuple(s.figure for s in scores if s.value is None)
        + tuple(
            item.top_requires
            for item, s in zip(doc.items, scores, strict=True)
            if item.top_requires and s.low != s.high and s.value is not None
        ),
        band_params=tuple(band_uses[b.min_param] for b in doc.bands if b.min_param is not None),
        figures=given,
        as_of=on,
        pack=pack.info,
    )


def _score(item: DactsItem, figures: Mapping[str, Any], on: datetime.date) -> ItemScore:
    cuts = Parameter(item.id, _cuts_spec(item)).at(on) if item.cuts else None
    value = figures.get(item.figure)
    if value is None:
        return ItemScore(item.id, item.section, item.figure, None, None, None, 1, 5, cuts)
    flag = figures.get(item.top_requires) if item.top_requires else None
    low, high, rounded = score_item(item, value, cuts.value if cuts else None, flag)
    return ItemScore(item.id, item.section, item.figure, value, rounded, low if low == high else None, low, high, cuts)


def _cuts_spec(item: DactsItem) -> ParameterSpec:
    return ParameterSpec(type="number", description=item.title, rationale="DACTS anchor boundaries", values=item.cuts)


def _section(code: str, scores: list[ItemScore]) -> SectionResult:
    low, high = sum(s.low for s in scores), sum(s.high for s in scores)
    n = len(scores)
    return SectionResult(
        code, _round(Fraction(low, n)) if low == high else None, _round(Fraction(low, n)), _round(Fraction(high, n)), n
    )


def _band(doc: DactsDoc, uses: Mapping[str, ParamUse], mean: Fraction) -> str:
    for band in doc.bands:
        if band.min_param is None or mean >= Fraction(str(uses[band.min_param].value)):
            return band.id
    return doc.bands[-1].id


def _round(value: Fraction) -> float:
    return float(Decimal(value.numerator) / Decimal(value.denominator))


def _validate_figures(raw: Mapping[str, Any], doc: DactsDoc) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise FactsError(
            Message("summary.figures_not_mapping"),
            [Problem(Message("dacts.raw_figures_not_mapping"), "$", kind="figure")],
        )
    items = {i.figure: i for i in doc.items}
    flags = {f.name for f in doc.flags}
    problems: list[Problem] = []
    given: dict[str, Any] = {}
    for name, value in raw.items():
        path = f"$.{name}"
        if name not in items and name not in flags:
            close = difflib.get_close_matches(str(name), [*items, *flags], n=1)
            unknown = (
                Message("dacts.unknown_figure_close", {"name": str(name), "close": close[0]})
                if close
                else Message("dacts.unknown_figure", {"name": str(name)})
            )
            problems.append(Problem(unknown, path, kind="figure"))
            continue
        if value is None:
            continue
        if name in flags:
            if not isinstance(value, bool):
                problems.append(Problem(Message("expected.bool", {"value": describe(value)}), path, kind="figure"))
            else:
                given[name] = value
            continue
        message = _figure_problem(items[name], value)
        if message:
            problems.append(Problem(message, path, rule_id=items[name].id, kind="figure"))
        else:
            given[name] = value
    if problems:
        raise FactsError(Message("summary.figures_invalid"), problems)
    return given


def _figure_problem(item: DactsItem, value: Any) -> Message | None:
    """Why `value` cannot be the figure of `item` (a number within the item's range), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return Message("expected.number", {"value": describe(value)})
    if item.scoring == "rating" and not float(value).is_integer():
        return Message("dacts.rating_whole", {"value": describe(value)})
    if value < item.min:
        return Message(
            "dacts.below",
            {"value": describe(value), "limit": _whole(item.min), "item": item.id, "title": Translated(item.title)},
        )
    if item.max is not None and value > item.max:
        return Message(
            "dacts.above",
            {"value": describe(value), "limit": _whole(item.max), "item": item.id, "title": Translated(item.title)},
        )
    return None


def _whole(value: float) -> int | float:
    """A whole float as the integer it is: a limit of 0.0 is written 0."""
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------- program files

PROGRAM_KEYS = ("program", "as_of", "figures", "expect", "note")


@attrs.frozen
class Program:
    """A parsed program file: pseudonymous program code, date and measured figures."""

    figures: dict[str, Any]
    file: str
    code: str | None = None
    as_of: datetime.date | None = None
    expect: dict[str, Any] | None = None
    lines: dict[str, int] = attrs.Factory(dict)


def read_program(path: Path | str) -> Program:
    """Read a DACTS program file (YAML or JSON); raise `InputFileError` naming file, line and key."""
    path = Path(path)
    try:
        located = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            Message("summary.program_unreadable"),
            [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
        ) from err
    except YamlProblem as err:
        raise InputFileError(Message("summary.program_unreadable"), [err.problem]) from err
    data, file = located.data, located.file
    if not isinstance(data, dict):
        raise InputFileError(
            Message("summary.not_program_file"), [Problem(Message("dacts.not_program_file"), file=file, line=1)]
        )
    problems = [
        Problem(
            Message("key.unknown", {"key": str(key), "allowed": ", ".join(PROGRAM_KEYS)}),
            f"$.{key}",
            file,
            located.line((key,)),
        )
        for key in data
        if key not in PROGRAM_KEYS
    ]
    figures = data.get("figures")
    if not isinstance(figures, dict):
        problems.append(Problem(Message("dacts.figures_not_mapping"), "$.figures", file, located.line(("figures",))))
    as_of = data.get("as_of")
    if (message := date_field_message(as_of)) is not None:
        problems.append(Problem(message, "$.as_of", file, located.line(("as_of",))))
    if data.get("program") is not None and not isinstance(data["program"], str):
        problems.append(
            Problem(Message("file.code_not_text", {"key": "program"}), "$.program", file, located.line(("program",)))
        )
    if problems:
        raise InputFileError(Message("summary.program_file_invalid"), problems)
    assert isinstance(figures, dict)
    return Program(
        figures,
        file,
        data.get("program"),
        as_of,
        data.get("expect"),
        {str(k): located.line(("figures", k)) or 0 for k in figures},
    )


def locate_figure_errors(err: FactsError, program: Program) -> FactsError:
    """The same error, each problem pointing into the program file (`$.figures.<name>`)."""
    problems = [
        attrs.evolve(
            p,
            path="$.figures" + p.path.removeprefix("$"),
            file=program.file,
            line=program.lines.get(p.path.removeprefix("$.")),
        )
        for p in err.problems
    ]
    relocated = err.with_problems(problems)
    assert isinstance(relocated, FactsError)
    return relocated


# ---------------------------------------------------------------- explaining


@attrs.frozen
class ItemExplanation:
    """One item in words: its measured figure, score, anchor and source."""

    id: str
    section: str
    title: str
    figure: str
    value: str
    score: int | None
    low: int
    high: int
    anchor: str
    verified: str
    source: str
    source_title: str


@attrs.frozen
class DactsExplanation:
    """A DACTS result in one language, for text, JSON or the HTML report."""

    lang: str
    title: str
    items: tuple[ItemExplanation, ...]
    sections: tuple[tuple[str, str, str], ...]
    total: str
    band: str
    band_meaning: str
    improve: tuple[str, ...]
    missing: tuple[str, ...]
    sources: tuple[str, ...]
    source_titles: tuple[str, ...]
    as_of: datetime.date
    pack: str


def explain_dacts(result: FidelityResult, pack: RulePack, lang: str = "en") -> DactsExplanation:
    """Explain a DACTS result in `lang`: item by item with its anchor, means, band, priorities."""
    check_explainable(result.pack, pack, lang)
    doc = dacts_scale(pack)
    t = pack.texts
    specs = {i.id: i for i in doc.items}
    items = []
    for s in result.items:
        spec = specs[s.id]
        value = _value_text(s.value, s.rounded, spec, lang, unknown_value(t, lang))
        anchor = (
            spec.anchors[s.score - 1][lang]
            if s.score is not None
            else t["dacts.score_range"][lang].format(low=s.low, high=s.high)
        )
        items.append(
            ItemExplanation(
                s.id,
                s.section,
                spec.title[lang],
                s.figure,
                value,
                s.score,
                s.low,
                s.high,
                anchor,
                spec.verified,
                source_ref(spec.source),
                cite(spec.source, t, lang),
            )
        )
    sections = tuple(
        (sec.code, sec.title[lang], _mean_text(r.mean, r.low, r.high, lang))
        for sec, r in zip(doc.sections, result.sections, strict=True)
    )
    bands = {b.id: b for b in doc.bands}
    if result.band is not None:
        band, meaning = bands[result.band].label[lang], bands[result.band].meaning[lang]
    else:
        band = t["dacts.band_open"][lang].format(bands=", ".join(bands[b].label[lang] for b in result.possible_bands))
        meaning = ""
    flags = {f.name: f.question[lang] for f in doc.flags}
    by_figure = {i.figure: i for i in doc.items}
    fill_in = t["question.fill_in"][lang]
    missing = tuple(
        fill_in.format(
            question=flags[m] if m in flags else f"{by_figure[m].id} {by_figure[m].question[lang]}", fact=f"figures.{m}"
        )
        for m in result.missing
    )
    improve = tuple(_improve_text(specs[i], result.item(i), pack, lang) for i in result.improve)
    sources = (doc.source, *(bands[b].source for b in bands), doc.improve_source)
    return DactsExplanation(
        lang=lang,
        title=doc.title[lang],
        items=tuple(items),
        sections=sections,
        total=_mean_text(result.total_mean, result.mean_low, result.mean_high, lang),
        band=band,
        band_meaning=meaning,
        improve=improve,
        missing=missing,
        sources=tuple(source_ref(s) for s in sources),
        source_titles=tuple(cite(s, t, lang) for s in sources),
        as_of=result.as_of,
        pack=f"{result.pack.id} {result.pack.version} ({result.pack.content_hash[:19]})",
    )


def _improve_text(spec: DactsItem, score: ItemScore, pack: RulePack, lang: str) -> str:
    """`H5 Continuity of staffing: 2 → 3 (20–39 %)` — the item and the anchor of the next score."""
    assert score.score is not None
    step = pack.texts["dacts.next_step"][lang].format(anchor=spec.anchors[score.score][lang])
    return f"{spec.id} {spec.title[lang]}: {score.score} → {score.score + 1} — {step}"


def _value_text(value: float | None, rounded: float | None, spec: DactsItem, lang: str, unknown: str) -> str:
    """The measured figure as `lang` writes it ("not known" when not measured), and the figure
    as scored when rounding to the anchors' precision changed it.

    A staffing of 94.6 % is scored as 95 % (rounded half up, project policy) and so meets the
    anchor "≥ 95%"; the report says `94.6 → 95%` (`94,6 → 95%` in Czech, `0,25 → 0,3 porad
    týdně`) so that figure and anchor do not seem to disagree. One wording for text, JSON and HTML.
    """
    if value is None:
        return unknown
    shown = _show(value, lang)
    if rounded is not None and float(value) != rounded:
        shown = f"{shown} → {_show(rounded, lang)}"
    if spec.scoring == "rating":
        return f"{shown} / 5"
    unit = spec.unit[lang]
    return f"{shown}{'' if unit == '%' else ' '}{unit}"


def _show(value: Any, lang: str) -> str:
    """A figure as `lang` writes it: `85`, not `85.0`; `9,6` in cs, hu and de."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_number(value, lang) if isinstance(value, int | float) else str(value)


def _mean_text(mean: float | None, low: float, high: float, lang: str) -> str:
    """A mean to two decimals, or the range it can still take, with the language's decimal comma."""
    text = f"{mean:.2f}" if mean is not None else f"{low:.2f}–{high:.2f}"
    return text.replace(".", ",") if format_number(0.5, lang) == "0,5" else text


@moved_to_keywords("pack")
def render_dacts_text(ex: DactsExplanation, *, pack: RulePack | None = None) -> str:
    """A plain-text DACTS report, as the CLI prints it (the arguments of every renderer: see `render_text`)."""
    pack = shipped_pack_if_none(pack)
    lang = ex.lang

    def label(key: str) -> str:
        return pack.texts[key][lang]

    lines = [
        ex.title,
        f"{label('dacts.band')}: {ex.band.upper()}" + (f" — {ex.band_meaning}" if ex.band_meaning else ""),
        f"{label('dacts.total_mean')}: {ex.total}",
    ]
    for code, title, mean in ex.sections:
        lines.append(f"  {code} {title}: {mean}")
    lines += ["", label("dacts.heading.items")]
    for item in ex.items:
        mark = "" if item.verified == "verified" else f" [{label('dacts.verified.' + item.verified)}]"
        score = str(item.score) if item.score is not None else f"{item.low}-{item.high}"
        lines.append(f"  {item.id:<4}{score:>4}  {item.title}: {item.value}{mark}")
        lines.append(f"            {item.anchor}")
    if ex.improve:
        lines += ["", label("dacts.heading.improve")]
        lines += [f"  {n}. {text}" for n, text in enumerate(ex.improve, 1)]
    if ex.missing:
        lines += ["", label("heading.questions")]
        lines += [f"  - {q}" for q in ex.missing]
    lines += ["", f"{label('label.source')}: " + "; ".join(dict.fromkeys(ex.source_titles))]
    lines.append(f"{label('label.as_of')}: {ex.as_of.isoformat()}   {label('label.pack')}: {ex.pack}")
    return "\n".join(lines)
