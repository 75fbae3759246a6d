"""Recommend a team model for an eligible client as one headline plus its axes (seeds 003, 004).

The axes, each decided by its own three-valued ruleset (`rules/team_*.yaml`), are: who
leads — *individual* CM (one worker leads the case alone and answers for it; other
services may enter, chosen with the client) or *team* CM (several services carry the case
together); for a team its organisation (*internal* / *external*) and mode (*passive* /
*active*); the key worker (always); and, for severe mental illness, the intensity (*ACT*,
*ICM* or *neither*). No axis removes another: ICM keeps the team's organisation, mode and
meeting cadence. The headline names the most specific thing decided (ACT or ICM, else the
team's mode, else who leads); headlines still possible while an axis is unknown are listed,
with the facts that would decide them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..engine import (
    PARAMETERS,
    Decision,
    Explanation,
    FactSpec,
    Message,
    Outcome,
    PackInfo,
    ParamUse,
    Problem,
    Question,
    RulePack,
    RulePackError,
    Ruleset,
    Status,
    cite,
    criterion_lines,
    decide,
    default_pack,
    explain,
    facts_mapping,
    format_text,
    meeting_dates,
    moved_to_keywords,
    question_text,
    shipped_pack_if_none,
    validate_facts,
)
from ._team_spec import CaseloadNormSpec, ModelSpec, TeamModelDoc

HEADLINES = ("undetermined", "individual", "team", "team_passive", "team_active", "icm", "act")
"""Every headline the answer can give; `rules/team_model.yaml` describes each one."""

_OUTCOME_TRUTH: dict[Outcome, bool | None] = {
    Outcome.ELIGIBLE: True,
    Outcome.NOT_ELIGIBLE: False,
    Outcome.UNDETERMINED: None,
}
_LEAD = {Outcome.ELIGIBLE: "team", Outcome.NOT_ELIGIBLE: "individual", Outcome.UNDETERMINED: "unknown"}
_ORGANISATION = {Outcome.ELIGIBLE: "external", Outcome.NOT_ELIGIBLE: "internal", Outcome.UNDETERMINED: "unknown"}
_MODE = {Outcome.ELIGIBLE: "active", Outcome.NOT_ELIGIBLE: "passive", Outcome.UNDETERMINED: "unknown"}


@attrs.frozen
class TeamAxes:
    """The axes of a team-model answer, each decided on its own (DOMAIN.md §6).

    `lead`: `individual` (one worker leads the case alone), `team` (several services carry
    it together) or `unknown`. `organisation` (`internal` / `external` / `unknown`) and
    `mode` (`passive` / `active` / `unknown`) are None when one worker leads alone.
    `intensity`: `act`, `icm`, `neither` or `unknown`; None when the client has no severe
    mental illness. A key worker is always required (`key_worker`).
    """

    lead: str
    organisation: str | None
    mode: str | None
    intensity: str | None
    key_worker: str = "required"


@attrs.frozen
class ModelStatus:
    """Deprecated (read `TeamAxes`): whether one headline is the answer (met), ruled out, or still possible (unknown)."""

    id: str
    intensity: int
    status: Status
    rulesets: tuple[str, ...]


@attrs.frozen
class Cadence:
    """The meeting cadence of an active team and the next meeting dates from `start`."""

    applies: bool
    start: datetime.date | None
    dates: tuple[datetime.date, ...]
    params: tuple[ParamUse, ...]


@attrs.frozen
class CaseloadNormUse:
    """The caseload norm that applies to the headline (None: the sources set none)."""

    id: str | None
    params: tuple[ParamUse, ...]


@attrs.frozen
class ProgramNeeds:
    """What the program must have for ACT or ICM, and the checks that test it.

    `caseload_norm` is the norm for `check_caseload` / `ccm-rules caseload`; `dacts_items`
    are the DACTS items (`score_dacts` / `ccm-rules fidelity dacts`) that measure the rest.
    """

    model: str
    caseload_norm: str
    dacts_items: tuple[str, ...]


@attrs.frozen
class TeamModelRecommendation:
    """The full, deterministic team-model answer; language-neutral.

    `model` is the headline (one of `HEADLINES`) and `axes` the answer axis by axis.
    `settled` is true when no unknown axis could change the headline; otherwise
    `possible` lists the headlines still possible and `questions` say what decides.
    `program` says what the program side needs for ACT or ICM (else None).
    `models` and `organisation` are kept for older hosts (deprecated): read `axes`.
    """

    model: str
    settled: bool
    axes: TeamAxes
    conference: Status
    cadence: Cadence
    caseload_norm: CaseloadNormUse
    program: ProgramNeeds | None
    decisions: tuple[Decision, ...]
    questions: tuple[Question, ...]
    facts: dict[str, Any]
    as_of: datetime.date
    pack: PackInfo
    possible: tuple[str, ...] = ()
    models: tuple[ModelStatus, ...] = ()
    organisation: str | None = None

    def decision(self, ruleset: str) -> Decision:
        """The decision of one of the team rulesets (e.g. `team_act`)."""
        for decision in self.decisions:
            if decision.ruleset == ruleset:
                return decision
        raise KeyError(ruleset)


def team_model_doc(pack: RulePack) -> TeamModelDoc:
    """The pack's team model, checked against the pack's rulesets, texts and norms."""
    docs = pack.documents("team_model")
    if len(docs) != 1:
        found = Problem(Message("pack.not_single", {"kind": "team_model", "count": len(docs)}), file=str(pack.root))
        raise RulePackError(Message("summary.no_team_model"), [found])
    doc: TeamModelDoc = docs[0]
    problems = _check_doc(doc, pack)
    if problems:
        raise RulePackError(Message("summary.team_model_inconsistent"), problems)
    return doc


def _axis_rulesets(doc: TeamModelDoc) -> tuple[str, ...]:
    """The rulesets of the axes, in the order the answer evaluates and shows them."""
    return (
        doc.lead_ruleset,
        doc.mode_ruleset,
        doc.icm_ruleset,
        doc.act_ruleset,
        doc.organisation_ruleset,
        doc.conference_ruleset,
    )


def _check_doc(doc: TeamModelDoc, pack: RulePack) -> list[Problem]:
    problems: list[Problem] = []

    def bad(path: str, message: Message) -> None:
        problems.append(Problem(message, path, "team_model.yaml", kind="team_model"))

    norms = pack.parameter_sets.get(doc.norms)
    if norms is None:
        bad("$.norms", Message("pack.no_parameter_set", {"name": doc.norms}))
    fields = (
        "lead_ruleset",
        "mode_ruleset",
        "icm_ruleset",
        "act_ruleset",
        "organisation_ruleset",
        "conference_ruleset",
    )
    for field, ruleset in zip(fields, _axis_rulesets(doc), strict=True):
        if ruleset not in pack.rulesets:
            bad(f"$.{field}", Message("pack.no_ruleset", {"name": ruleset}))
        for outcome in Outcome:
            if f"team.verdict.{ruleset}.{outcome.value}" not in pack.texts:
                bad(
                    "$",
                    Message(
                        "team.no_verdict_text",
                        {
                            "key": f"team.verdict.{ruleset}.{outcome.value}",
                            "ruleset": ruleset,
                            "outcome": outcome.value,
                        },
                    ),
                )
    for ruleset in (doc.act_ruleset, doc.icm_ruleset):
        if ruleset in pack.rulesets and doc.intensity_fact not in pack.ruleset(ruleset).spec.facts:
            bad("$.intensity_fact", Message("team.no_intensity_fact", {"ruleset": ruleset, "fact": doc.intensity_fact}))
    ids = [m.id for m in doc.models]
    if sorted(ids) != sorted(HEADLINES):
        bad(
            "$.models",
            Message("team.models_not_headlines", {"headlines": ", ".join(HEADLINES), "found": ", ".join(ids)}),
        )
    norm_ids = {n.id for n in doc.caseload_norms}
    dacts = pack.documents("dacts")
    items = {item.id for item in dacts[0].items} if len(dacts) == 1 else None
    for index, model in enumerate(doc.models):
        program_norm = model.program.caseload_norm if model.program else None
        for where, norm_id in (
            (f"$.models[{index}].caseload_norm", model.caseload_norm),
            (f"$.models[{index}].program.caseload_norm", program_norm),
        ):
            if norm_id is not None and norm_id not in norm_ids:
                bad(where, Message("team.no_caseload_norm", {"norm": norm_id}))
        for item in model.program.dacts_items if model.program else ():
            if items is not None and item not in items:
                bad(f"$.models[{index}].program.dacts_items", Message("team.no_dacts_item", {"item": item}))
    for index, norm in enumerate(doc.caseload_norms):
        for name in (norm.max_clients, norm.min_clients, norm.max_hours_per_client_week):
            if name is not None and norms is not None and name not in norms.parameters:
                bad(f"$.caseload_norms[{index}]", Message("pack.no_parameter", {"name": name, "set": doc.norms}))
    return problems


def team_rulesets(doc: TeamModelDoc, pack: RulePack) -> tuple[Ruleset, ...]:
    """Every ruleset the team-model answer evaluates, in a fixed order."""
    return tuple(pack.ruleset(r) for r in dict.fromkeys(_axis_rulesets(doc)))


def team_fact_specs(rulesets: Iterable[Ruleset]) -> dict[str, FactSpec]:
    """The facts a team-model case may give: the union of the rulesets' declared facts."""
    specs: dict[str, FactSpec] = {}
    for ruleset in rulesets:
        for name, spec in ruleset.spec.facts.items():
            specs.setdefault(name, spec)
    return specs


def intensity_of(act: Outcome, icm: Outcome, severe_mental_illness: bool | None) -> str | None:
    """The intensity axis from the ACT and ICM decisions; None when there is no severe mental illness."""
    if severe_mental_illness is False:
        return None
    if act is Outcome.ELIGIBLE:
        return "act"
    if icm is Outcome.ELIGIBLE:
        return "icm"
    if act is Outcome.NOT_ELIGIBLE and icm is Outcome.NOT_ELIGIBLE:
        return "neither"
    return "unknown"


def headline(axes: TeamAxes) -> str:
    """The headline of a set of axes: ACT or ICM when the intensity says so, else the team's mode, else who leads."""
    if axes.intensity in ("act", "icm"):
        return str(axes.intensity)
    if axes.lead == "individual":
        return "individual"
    if axes.lead == "team":
        return {"active": "team_active", "passive": "team_passive"}.get(axes.mode or "", "team")
    return "undetermined"


def _possible(axes: TeamAxes, act: Outcome, icm: Outcome) -> set[str]:
    """Every headline the axes could still give once their unknowns are known (an intensity
    whose ruleset already refused it, e.g. ICM for a 24/7 need, is not among them)."""
    leads = ["individual", "team"] if axes.lead == "unknown" else [axes.lead]
    modes = ["passive", "active"] if axes.mode in (None, "unknown") else [axes.mode]
    intensities: list[str | None] = [axes.intensity]
    if axes.intensity == "unknown":
        intensities = [
            *(i for i, outcome in (("act", act), ("icm", icm)) if outcome is not Outcome.NOT_ELIGIBLE),
            "neither",
        ]
    return {
        headline(TeamAxes(lead, None, mode, intensity)) for lead in leads for mode in modes for intensity in intensities
    }


def recommend_team_model(
    facts: Mapping[str, Any],
    *,
    as_of: datetime.date | None = None,
    start: datetime.date | None = None,
    pack: RulePack | None = None,
) -> TeamModelRecommendation:
    """Recommend a team model; raise `FactsError` listing every bad fact.

    `start` is the start of the cooperation, from which the next team meeting dates are
    computed (default: `as_of`). `as_of` defaults to today and is recorded.

    >>> r = recommend_team_model({"case_lead": "one_worker", "concurrent_services": 3}, as_of=datetime.date(2027, 1, 4))
    >>> r.model, r.axes.lead, r.axes.organisation, r.settled
    ('individual', 'individual', None, False)
    """
    pack = pack or default_pack()
    doc = team_model_doc(pack)
    rulesets = team_rulesets(doc, pack)
    raw = facts_mapping(facts)
    vocabularies = {k: v for r in rulesets for k, v in r.vocabularies.items()}
    specs = team_fact_specs(rulesets)
    given, _ = validate_facts(raw, specs, vocabularies, elsewhere=pack.fact_names - specs.keys())
    on = as_of if as_of is not None else datetime.date.today()
    decisions = {r.id: decide(r, {k: v for k, v in raw.items() if k in r.spec.facts}, on) for r in rulesets}
    outcome = {r: d.outcome for r, d in decisions.items()}

    lead = _LEAD[outcome[doc.lead_ruleset]]
    team = lead != "individual"
    smi = given.get(doc.intensity_fact)
    axes = TeamAxes(
        lead=lead,
        organisation=_ORGANISATION[outcome[doc.organisation_ruleset]] if team else None,
        mode=_MODE[outcome[doc.mode_ruleset]] if team else None,
        intensity=intensity_of(
            outcome[doc.act_ruleset], outcome[doc.icm_ruleset], smi if isinstance(smi, bool) else None
        ),
    )
    model_id = headline(axes)
    possible = tuple(
        m.id
        for m in doc.models
        if m.id in _possible(axes, outcome[doc.act_ruleset], outcome[doc.icm_ruleset]) - {model_id}
    )
    model = doc.model(model_id)

    open_rulesets: list[str] = []
    if lead == "unknown":
        open_rulesets.append(doc.lead_ruleset)
    if team and axes.mode == "unknown":
        open_rulesets.append(doc.mode_ruleset)
    if axes.intensity == "unknown":
        open_rulesets += [doc.icm_ruleset, doc.act_ruleset]
    if team and axes.organisation == "unknown":
        open_rulesets.append(doc.organisation_ruleset)
    conference = Status.of(_OUTCOME_TRUTH[outcome[doc.conference_ruleset]])
    open_rulesets.append(doc.conference_ruleset)

    return TeamModelRecommendation(
        model=model_id,
        settled=not possible,
        axes=axes,
        conference=conference,
        cadence=_cadence(axes.mode == "active", doc, pack, on, start),
        caseload_norm=_norm(model, doc, pack, on),
        program=ProgramNeeds(model.id, model.program.caseload_norm, tuple(model.program.dacts_items))
        if model.program
        else None,
        decisions=tuple(decisions[r.id] for r in rulesets),
        questions=_merge_questions(decisions[r] for r in dict.fromkeys(open_rulesets)),
        facts=given,
        as_of=on,
        pack=pack.info,
        possible=possible,
        models=_legacy_statuses(doc, model_id, possible),
        organisation=axes.organisation,
    )


def _legacy_statuses(doc: TeamModelDoc, model_id: str, possible: tuple[str, ...]) -> tuple[ModelStatus, ...]:
    """The deprecated per-headline view: the answer met, the headlines still possible unknown, the rest not met."""
    deciding = {"undetermined": (doc.lead_ruleset,), "icm": (doc.icm_ruleset,), "act": (doc.act_ruleset,)}
    return tuple(
        ModelStatus(
            m.id,
            index,
            Status.MET if m.id == model_id else Status.UNKNOWN if m.id in possible else Status.NOT_MET,
            deciding.get(m.id, (doc.lead_ruleset, doc.mode_ruleset)),
        )
        for index, m in enumerate(doc.models)
    )


def _cadence(
    applies: bool, doc: TeamModelDoc, pack: RulePack, on: datetime.date, start: datetime.date | None
) -> Cadence:
    norms = pack.parameter_set(doc.norms)
    uses = norms.params_at(on)
    params = tuple(uses[name] for name in PARAMETERS)
    if not applies:
        return Cadence(False, None, (), params)
    begin = start or on
    return Cadence(True, begin, meeting_dates(begin, doc.meeting_dates_shown, norms.values_at(on)), params)


def _norm(model: ModelSpec, doc: TeamModelDoc, pack: RulePack, on: datetime.date) -> CaseloadNormUse:
    norm = caseload_norm(doc, model.caseload_norm)
    if norm is None:
        return CaseloadNormUse(None, ())
    uses = pack.parameter_set(doc.norms).params_at(on)
    return CaseloadNormUse(norm.id, tuple(uses[n] for n in norm_parameters(norm)))


def caseload_norm(doc: TeamModelDoc, norm_id: str | None) -> CaseloadNormSpec | None:
    """The caseload norm with this id (None for None)."""
    if norm_id is None:
        return None
    for norm in doc.caseload_norms:
        if norm.id == norm_id:
            return norm
    known = ", ".join(n.id for n in doc.caseload_norms)
    raise KeyError(f"no caseload norm {norm_id!r}; norms: {known}")


def norm_parameters(norm: CaseloadNormSpec) -> tuple[str, ...]:
    """The `team_norms` parameters a caseload norm uses."""
    names = (norm.min_clients, norm.max_clients, norm.max_hours_per_client_week)
    return tuple(n for n in names if n is not None)


def _merge_questions(decisions: Iterable[Decision]) -> tuple[Question, ...]:
    merged: dict[tuple[str, str, str | None], list[str]] = {}
    for decision in decisions:
        for q in decision.questions:
            rules = merged.setdefault((q.kind, q.key, q.collection), [])
            rules.extend(c for c in q.criteria if c not in rules)
    return tuple(Question(kind, key, tuple(rules), coll) for (kind, key, coll), rules in merged.items())


# ---------------------------------------------------------------- explaining


@attrs.frozen
class TeamModelExplanation:
    """A team-model answer in one language, ready to print or send: the headline, then the axes."""

    lang: str
    title: str
    model: str
    model_label: str
    """The headline, in words."""
    summary: str
    settled: bool
    possible: tuple[str, ...]
    lead: str
    """Who leads: individual or team CM (or not yet known)."""
    organisation: str | None
    """Internal or external team (None when one worker leads alone)."""
    mode: str | None
    """Passive or active team (None when one worker leads alone)."""
    intensity: str
    """ACT, ICM, neither, not yet known — or not applicable (no severe mental illness)."""
    key_worker: str
    conference: str
    meetings: str
    cadence: str | None
    meeting_dates: tuple[datetime.date, ...]
    caseload_norm: str
    caseload_norm_source: str | None
    """The caseload norm's source as the rule file writes it (None: the sources set no norm for this model)."""
    program: str | None
    """What the program side needs for ACT or ICM, and the checks that test it (None otherwise)."""
    notes: tuple[str, ...]
    parts: tuple[Explanation, ...]
    verdicts: tuple[str, ...]
    """One line per part, what it found: "ACT is indicated", "ACT is not indicated", "ACT: not known yet"."""
    questions: tuple[str, ...]
    sources: tuple[str, ...]
    source_titles: tuple[str, ...]
    as_of: datetime.date
    pack: str


def explain_team_model(rec: TeamModelRecommendation, pack: RulePack, lang: str = "en") -> TeamModelExplanation:
    """Explain a recommendation in `lang`, with the pack that made it (checked by hash)."""
    doc = team_model_doc(pack)
    parts = tuple(explain(d, pack, lang) for d in rec.decisions)
    model = doc.model(rec.model)
    axes = rec.axes
    base = doc.model(headline(attrs.evolve(axes, intensity=None)))
    t = pack.texts
    norms = {u.name: _num(u.value) for u in (*rec.cadence.params, *rec.caseload_norm.params)}
    norms.update({n: _num(v) for n, v in pack.parameter_set(doc.norms).values_at(rec.as_of).items()})
    norm = caseload_norm(doc, model.caseload_norm)
    if norm is None:
        lm = caseload_norm(doc, "labour_market")
        norm_text = t["team.caseload.none"][lang].format(labour_market=lm.text[lang].format_map(norms) if lm else "—")
    else:
        norm_text = f"{norm.label[lang]}: {norm.text[lang].format_map(norms)} ({cite(norm.source.ref, t, lang)})"
    meetings = base.meetings[lang] if base.id == model.id else f"{base.meetings[lang]} {model.meetings[lang]}"
    notes = []
    if axes.organisation == "external":
        notes.append(doc.conference_agreement.text[lang])
    if axes.intensity == "act" and axes.lead == "individual":
        notes.append(t["team.note.act_individual"][lang])
    sources = [model.source, doc.axes_source, doc.key_worker.source]
    if rec.cadence.applies:
        sources.append(doc.cadence.source)
    if model.program is not None:
        sources.append(model.program.source)
    if axes.organisation == "external":
        sources.append(doc.conference_agreement.source)
    questions = tuple(dict.fromkeys(_question_text(q, rec, pack, lang) for q in rec.questions))
    return TeamModelExplanation(
        lang=lang,
        title=doc.title[lang],
        model=rec.model,
        model_label=model.label[lang],
        summary=model.summary[lang],
        settled=rec.settled,
        possible=tuple(doc.model(m).label[lang] for m in rec.possible),
        lead=t[f"team.lead.{axes.lead}"][lang],
        organisation=t[f"team.organisation.{axes.organisation}"][lang] if axes.organisation is not None else None,
        mode=t[f"team.mode.{axes.mode}"][lang] if axes.mode is not None else None,
        intensity=t[f"team.intensity.{axes.intensity or 'not_applicable'}"][lang],
        key_worker=f"{doc.key_worker.rule[lang]} {t['team.key_worker.typical'][lang]}: {model.key_worker_typical[lang]}.",
        conference=t[f"team.conference.{rec.conference.value}"][lang],
        meetings=meetings,
        cadence=format_text(doc.cadence.text[lang], lang, norms) if rec.cadence.applies else None,
        meeting_dates=rec.cadence.dates,
        caseload_norm=norm_text,
        caseload_norm_source=norm.source.ref if norm is not None else None,
        program=_program_text(model, pack, lang, norms),
        notes=tuple(notes),
        parts=parts,
        verdicts=tuple(t[f"team.verdict.{d.ruleset}.{d.outcome.value}"][lang] for d in rec.decisions),
        questions=questions,
        sources=tuple(s.ref for s in sources),
        source_titles=tuple(cite(s.ref, t, lang) for s in sources),
        as_of=rec.as_of,
        pack=f"{rec.pack.id} {rec.pack.version} ({rec.pack.content_hash[:19]})",
    )


def _program_text(model: ModelSpec, pack: RulePack, lang: str, norms: Mapping[str, str]) -> str | None:
    """What the program needs for this headline, with the DACTS items that measure it, by title."""
    if model.program is None:
        return None
    text = model.program.text[lang].format_map(norms)
    if not model.program.dacts_items:
        return text
    dacts = pack.documents("dacts")
    titles = {item.id: item.title[lang] for item in dacts[0].items} if len(dacts) == 1 else {}
    items = ", ".join(f"{i} {titles[i]}" if i in titles else i for i in model.program.dacts_items)
    return f"{text} ({pack.texts['team.program.dacts'][lang].format(items=items)})"


def _question_text(question: Question, rec: TeamModelRecommendation, pack: RulePack, lang: str) -> str:
    """The question in `lang`, from the first of the recommendation's rulesets that declares its fact."""
    declared = question.key if question.collection is None else question.collection
    ruleset = next(r for r in (pack.ruleset(d.ruleset) for d in rec.decisions) if declared in r.spec.facts)
    return question_text(question, ruleset, pack, lang)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@moved_to_keywords("pack")
def render_team_model_text(ex: TeamModelExplanation, *, pack: RulePack | None = None) -> str:
    """A plain-text report of a team-model explanation, as the CLI prints it (the arguments of every renderer: see `render_text`)."""
    pack = shipped_pack_if_none(pack)
    lang = ex.lang
    t = pack.texts

    def label(key: str) -> str:
        return t[key][lang]

    lines = [f"{ex.title}: {ex.model_label.upper()}", ex.summary]
    if ex.settled:
        lines.append(label("team.settled"))
    else:
        lines.append(label("team.provisional").format(models=", ".join(ex.possible)))
    lines.append("")
    lines.append(f"{label('team.heading.lead')}: {ex.lead}")
    if ex.organisation is not None:
        lines.append(f"{label('team.heading.organisation')}: {ex.organisation}")
    if ex.mode is not None:
        lines.append(f"{label('team.heading.mode')}: {ex.mode}")
    lines.append(f"{label('team.heading.intensity')}: {ex.intensity}")
    lines.append(f"{label('team.heading.key_worker')}: {ex.key_worker}")
    lines.append(f"{label('team.heading.conference')}: {ex.conference}")
    lines.append(f"{label('team.heading.meetings')}: {ex.meetings}")
    if ex.cadence is not None:
        lines.append(f"  {ex.cadence}")
        lines.append(f"  {label('team.next_meetings')}: {', '.join(d.isoformat() for d in ex.meeting_dates)}")
    lines.append(f"{label('team.heading.caseload')}: {ex.caseload_norm}")
    if ex.program is not None:
        lines.append(f"{label('team.heading.program')}: {ex.program}")
    lines += [f"{label('team.heading.note')}: {note}" for note in ex.notes]
    for part, verdict in zip(ex.parts, ex.verdicts, strict=True):
        lines += ["", verdict, f"  {part.headline}"]
        lines += criterion_lines(part.criteria, pack, lang)
    if ex.questions:
        lines += ["", label("heading.questions")]
        lines += [f"  - {q}" for q in ex.questions]
    lines += [
        "",
        f"{label('label.source')}: {'; '.join(ex.source_titles)}",
        f"{label('label.as_of')}: {ex.as_of.isoformat()}   {label('label.pack')}: {ex.pack}",
    ]
    return "\n".join(lines)


__all__ = [
    "HEADLINES",
    "Cadence",
    "CaseloadNormUse",
    "ModelStatus",
    "ProgramNeeds",
    "TeamAxes",
    "TeamModelExplanation",
    "TeamModelRecommendation",
    "explain_team_model",
    "recommend_team_model",
    "render_team_model_text",
    "team_model_doc",
]
