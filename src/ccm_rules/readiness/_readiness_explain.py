"""A readiness result in one language: every text the planner's report shows.

Adapters (CLI text, HTML, JSON) only lay these strings out; the wording, the sources and
the numbers come from here and from the rule pack.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import attrs

from ..engine import (
    CriterionExplanation,
    PackInfo,
    Question,
    RulePack,
    Status,
    check_explainable,
    cite,
    explain,
    format_text,
    open_questions,
    question_text,
    source_ref,
)
from ._readiness import FactorScore, ReadinessResult
from ._readiness_region import factor_catalogue, rollout_plan, survey_instrument, system_fields
from ._readiness_spec import FactorItemSpec, FactorSpec, LessonSpec

TEXT_PREFIX = "readiness."


@attrs.frozen
class ItemView:
    """One catalogue item with its answer, in words."""

    id: str
    text: str
    answer: str
    source: str
    source_title: str


@attrs.frozen
class FactorView:
    """One key factor: its score and, for the planner, what is open and what is at risk."""

    id: str
    title: str
    short_title: str
    description: str
    share: float
    share_max: float
    share_text: str
    summary: str
    selected: bool
    reasons: tuple[str, ...]
    risks_present: tuple[ItemView, ...]
    risks_unknown: tuple[ItemView, ...]
    open_items: tuple[ItemView, ...]
    unknown_items: tuple[ItemView, ...]
    experience: tuple[str, ...]
    source: str
    source_title: str


@attrs.frozen
class PhaseView:
    """A phase of the plan with the factors it emphasises (id, short title, share).

    `provisional`: a step kept until a question is answered (sensitisation not yet known);
    `opens_plan`: the step that comes before the phases (sensitisation first).
    """

    id: str
    title: str
    text: str
    all_phases: bool
    factors: tuple[tuple[str, str, str], ...]
    source: str
    source_title: str
    provisional: bool = False
    opens_plan: bool = False


@attrs.frozen
class LessonView:
    """One success lesson with the status of its criteria (the findings)."""

    id: str
    title: str
    text: str
    status: Status
    status_label: str
    findings: tuple[CriterionExplanation, ...]
    source: str
    source_title: str


@attrs.frozen
class SubscaleView:
    """A survey subscale mean in words."""

    id: str
    title: str
    mean: str
    detail: str


@attrs.frozen
class StartingView:
    """A starting-situation question and the region's answer."""

    field: str
    question: str
    answer: str


@attrs.frozen
class ReadinessExplanation:
    """A readiness result rendered in one language, ready to print, render as HTML or send."""

    lang: str
    title: str
    region: str | None
    as_of: datetime.date
    labels: dict[str, str]
    starting: tuple[StartingView, ...]
    connection_points: tuple[str, ...]
    variant: str
    variant_determined: bool
    variant_title: str
    variant_description: str
    variant_headline: str
    variant_criteria: tuple[CriterionExplanation, ...]
    overall_level: str
    overall_text: str
    factors: tuple[FactorView, ...]
    phases_intro: str
    phases: tuple[PhaseView, ...]
    lessons_headline: str
    lessons: tuple[LessonView, ...]
    questions: tuple[str, ...]
    survey_title: str | None
    survey: tuple[SubscaleView, ...]
    survey_note: str | None
    parameters: tuple[str, ...]
    pack: PackInfo
    phases_headline: str = ""
    """What the sensitisation check does to the phase plan (ruleset readiness_phases)."""
    phases_criteria: tuple[CriterionExplanation, ...] = ()
    system_title: str | None = None
    """Is case management set up as a system in the region (seed 001 row 5)? None without that ruleset."""
    system_headline: str = ""
    system_criteria: tuple[CriterionExplanation, ...] = ()


def explain_readiness(result: ReadinessResult, pack: RulePack, lang: str = "en") -> ReadinessExplanation:
    """Render a readiness result in `lang` with the pack that made it (checked by content hash)."""
    check_explainable(result.pack, pack, lang)
    labels = {k.removeprefix(TEXT_PREFIX): v[lang] for k, v in sorted(pack.texts.items()) if k.startswith(TEXT_PREFIX)}
    catalogue = factor_catalogue(pack)
    plan = rollout_plan(pack)
    specs = {f.id: f for f in catalogue.factors}
    fmt = _Format(labels)
    variant_expl = explain(result.variant_decision, pack, lang)
    lessons_expl = explain(result.lessons_decision, pack, lang)
    variant_spec = next(v for v in plan.variants if v.id == result.variant)
    factors = tuple(_factor(specs[s.factor], s, pack, lang, fmt, labels) for s in result.factors)
    unanswered = sum(s.unknown for s in result.factors)
    starting = {q.field for q in plan.starting_situation}
    system = set(system_fields(pack))

    def region_field(question: Question) -> str:
        """Where a region file holds the fact: under starting_situation, lessons or system, or `host`."""
        if question.fact == "host":
            return "host"
        section = (
            "starting_situation" if question.fact in starting else "system" if question.fact in system else "lessons"
        )
        return f"{section}.{question.fact}"

    variant_ruleset = pack.ruleset(result.variant_decision.ruleset)
    questions = [
        question_text(q, variant_ruleset, pack, lang, region_field(q)) for q in result.variant_decision.questions
    ]
    for decision in (result.phases_decision, result.lessons_decision, result.system_decision):
        if decision is None:
            continue
        ruleset = pack.ruleset(decision.ruleset)
        for question in open_questions([c for c in decision.criteria if c.status is Status.UNKNOWN]):
            text = question_text(question, ruleset, pack, lang, region_field(question))
            if text not in questions:
                questions.append(text)
    phases_expl = explain(result.phases_decision, pack, lang) if result.phases_decision is not None else None
    system_expl = explain(result.system_decision, pack, lang) if result.system_decision is not None else None
    starting_answers = {
        **result.variant_decision.facts,
        **(result.phases_decision.facts if result.phases_decision else {}),
    }
    phase_specs = {p.id: p for p in (*plan.phases, *([plan.sensitisation] if plan.sensitisation else []))}
    if unanswered:
        questions.append(format_text(labels["question.unanswered_items"], lang, {"count": unanswered}))
    survey_title = survey_note = None
    subscales: tuple[SubscaleView, ...] = ()
    if result.survey is not None:
        instrument = survey_instrument(pack)
        survey_title, survey_note = instrument.title[lang], instrument.verdict_note[lang]
        titles = {s.id: s.title[lang] for s in instrument.subscales}
        subscales = tuple(
            SubscaleView(
                s.subscale,
                titles[s.subscale],
                fmt.number(s.mean) if s.mean is not None else labels["label.no_ratings"],
                format_text(labels["label.respondents"], lang, {"respondents": s.respondents, "missing": s.missing}),
            )
            for s in result.survey.subscales
        )
    return ReadinessExplanation(
        lang=lang,
        title=labels["title"],
        region=result.region,
        as_of=result.as_of,
        labels=labels,
        starting=tuple(
            StartingView(q.field, q.text[lang], _answer(starting_answers.get(q.field), labels))
            for q in plan.starting_situation
            if q.field != "connection_points"
        ),
        connection_points=result.connection_points,
        variant=result.variant,
        variant_determined=result.variant_determined,
        variant_title=variant_spec.title[lang],
        variant_description=variant_spec.description[lang],
        variant_headline=variant_expl.headline if result.variant_determined else plan.undetermined_variant[lang],
        variant_criteria=variant_expl.criteria,
        overall_level=labels[f"level.{result.overall.level}"],
        overall_text=_overall(result, specs, fmt, labels, lang),
        factors=factors,
        phases_intro=plan.phases_intro[lang],
        phases=tuple(
            PhaseView(
                p.id,
                p.title[lang],
                p.text[lang],
                p.order is None,
                tuple((f, specs[f].short_title[lang], fmt.percent(result.factor(f).share)) for f in p.emphasis),
                source_ref(p.source),
                cite(p.source, pack.texts, lang),
                focus.provisional,
                p is plan.sensitisation,
            )
            for focus in result.phases
            for p in (phase_specs[focus.phase],)
        ),
        lessons_headline=lessons_expl.headline,
        lessons=tuple(_lesson(lesson, lessons_expl.criteria, pack, lang) for lesson in plan.lessons),
        questions=tuple(questions),
        survey_title=survey_title,
        survey=subscales,
        survey_note=survey_note,
        parameters=tuple(
            f"{use.name} = {fmt.number(use.value)} ({use.valid_from}–{use.valid_until or ''})"
            for use in result.parameters
        ),
        pack=result.pack,
        phases_headline=phases_expl.headline if phases_expl is not None else "",
        phases_criteria=phases_expl.criteria if phases_expl is not None else (),
        system_title=system_expl.title if system_expl is not None else None,
        system_headline=system_expl.headline if system_expl is not None else "",
        system_criteria=system_expl.criteria if system_expl is not None else (),
    )


class _Format:
    """Numbers and percentages in the output language."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels

    def number(self, value: float) -> str:
        text = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
        return text.replace(".", self.labels["format.decimal"])

    def percent(self, share: float) -> str:
        return self.labels["format.percent"].format(value=round(share * 100))


def _answer(value: str | None, labels: Mapping[str, str]) -> str:
    return labels[f"answer.{value or 'unknown'}"]


def _item(item: FactorItemSpec, answer: str, labels: Mapping[str, str], lang: str, pack: RulePack) -> ItemView:
    return ItemView(
        item.id, item.text[lang], _answer(answer, labels), item.source.ref, cite(item.source, pack.texts, lang)
    )


def _factor(
    spec: FactorSpec,
    score: FactorScore,
    pack: RulePack,
    lang: str,
    fmt: _Format,
    labels: Mapping[str, str],
) -> FactorView:
    pioneer = {i.id: i for i in spec.pioneer}
    attention = {i.id: i for i in spec.attention}
    plan = rollout_plan(pack)
    return FactorView(
        id=spec.id,
        title=spec.title[lang],
        short_title=spec.short_title[lang],
        description=spec.description[lang],
        share=score.share,
        share_max=score.share_max,
        share_text=fmt.percent(score.share),
        summary=labels["factor.summary"].format(
            in_place=fmt.number(score.in_place),
            items=score.items,
            share=fmt.percent(score.share),
            unknown=score.unknown,
        ),
        selected=score.selected,
        reasons=tuple(plan.selection[r].label[lang] for r in score.reasons),
        risks_present=tuple(
            _item(attention[i], "partly" if i in score.risks_partly else "yes", labels, lang, pack)
            for i in score.risks_present
        ),
        risks_unknown=tuple(_item(attention[i], "unknown", labels, lang, pack) for i in score.risks_unknown),
        open_items=tuple(
            _item(pioneer[i], "partly" if i in score.partly_items else "no", labels, lang, pack)
            for i in score.open_items
        ),
        unknown_items=tuple(_item(pioneer[i], "unknown", labels, lang, pack) for i in score.unknown_items),
        experience=tuple(i.text[lang] for i in spec.experience),
        source=spec.source.ref,
        source_title=cite(spec.source, pack.texts, lang),
    )


def _overall(
    result: ReadinessResult, specs: Mapping[str, FactorSpec], fmt: _Format, labels: Mapping[str, str], lang: str
) -> str:
    o = result.overall
    values = {
        "in_place": fmt.number(o.in_place),
        "items": o.items,
        "unknown": o.unknown,
        "share": fmt.percent(o.share),
        "share_max": fmt.percent(o.share_max),
        "level": labels[f"level.{o.level}"],
        "low": labels[f"level.{o.level_low_end}"],
        "high": labels[f"level.{o.level_high_end}"],
    }
    text = labels["overall.decided" if o.level != "undetermined" else "overall.range"].format(**values)
    weakest = sorted(result.factors, key=lambda s: (s.share, s.factor))[:3]
    text += " " + labels["overall.weakest"].format(
        factors=", ".join(f"{specs[s.factor].short_title[lang]} ({fmt.percent(s.share)})" for s in weakest)
    )
    risks = sum(len(s.risks_present) for s in result.factors)
    return text + " " + labels["overall.risks"].format(count=risks)


def _lesson(lesson: LessonSpec, criteria: tuple[CriterionExplanation, ...], pack: RulePack, lang: str) -> LessonView:
    findings = tuple(c for c in criteria if c.id in lesson.criteria)
    statuses = {c.status for c in findings}
    status = (
        Status.NOT_MET if Status.NOT_MET in statuses else Status.MET if statuses == {Status.MET} else Status.UNKNOWN
    )
    return LessonView(
        lesson.id,
        lesson.title[lang],
        lesson.text[lang],
        status,
        pack.text(f"status.{status.value}", lang),
        findings,
        source_ref(lesson.source),
        cite(lesson.source, pack.texts, lang),
    )


def render_readiness_text(view: ReadinessExplanation, *, pack: RulePack | None = None) -> str:
    """A plain-text report, as the CLI prints it.

    Takes the arguments every renderer takes (see `render_text`); a readiness explanation
    carries its own labels (`view.labels`), so `pack` changes nothing here.
    """
    lb = view.labels
    lines = [f"{view.title}: {view.region or ''}".rstrip(": "), f"{lb['label.assessed_as_of']}: {view.as_of}", ""]
    provisional = "" if view.variant_determined else f" ({lb['label.provisional']})"
    lines += [f"{lb['heading.variant']}: {view.variant_title.upper()}{provisional}", f"  {view.variant_headline}"]
    lines += [f"  [{c.status_label}] {c.id} {c.title}: {c.reason}" for c in view.variant_criteria]
    lines += [
        "",
        f"{lb['heading.overall']}: {view.overall_level.upper()}",
        f"  {view.overall_text}",
        "",
        f"{lb['heading.factors']}:",
    ]
    for f in view.factors:
        mark = "*" if f.selected else " "
        lines.append(f" {mark} {f.id} {f.short_title:<34} {f.share_text:>6}  {f.summary}")
        if f.risks_present:
            lines.append(
                f"      {lb['label.risks_present']}: " + "; ".join(f"{r.id} {r.text}" for r in f.risks_present)
            )
    lines += ["", f"{lb['heading.phases']}:"]
    for p in view.phases:
        mark = f" ({lb['label.provisional']})" if p.provisional else ""
        lines.append(f"  {p.title}{mark}: " + ", ".join(f"{fid} {name} ({share})" for fid, name, share in p.factors))
    if view.phases_headline:
        lines.append(f"  {view.phases_headline}")
        lines += [f"  [{c.status_label}] {c.id} {c.title}: {c.reason}" for c in view.phases_criteria]
    lines += ["", f"{lb['heading.lessons']}: {view.lessons_headline}"]
    for lesson in view.lessons:
        lines.append(f"  [{lesson.status_label}] {lesson.id} {lesson.title}")
        lines += [f"      {c.id}: {c.reason}" for c in lesson.findings if c.status is not Status.MET]
    if view.system_title is not None:
        lines += ["", f"{lb['heading.system']}: {view.system_headline}"]
        for c in view.system_criteria:
            lines.append(f"  [{c.status_label}] {c.id} {c.title}")
            if c.status is Status.NOT_MET:  # an unknown one is asked under "Still to answer"
                lines.append(f"      {c.reason}")
    if view.survey:
        lines += ["", f"{view.survey_title}:"]
        lines += [f"  {s.title}: {s.mean} ({s.detail})" for s in view.survey]
        lines.append(f"  {view.survey_note}")
    if view.questions:
        lines += ["", f"{lb['heading.questions']}:"] + [f"  - {q}" for q in view.questions]
    lines += ["", f"{view.pack.id} {view.pack.version} ({view.pack.content_hash[:19]})"]
    return "\n".join(lines)
