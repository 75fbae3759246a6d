"""Recommend a team model for an eligible client: individual CM, a passive or active team
(internal or external), ICM or ACT — with key worker, case conference, meeting cadence
and caseload norm, every part explained criterion by criterion (seeds 003, 004).

Each model is indicated by one or more three-valued rulesets (`rules/team_*.yaml`); the
ladder in `rules/team_model.yaml` orders the models by intensity. The recommendation is
the most intensive model that is surely indicated; more intensive models whose rulesets
are still undetermined are listed as *possible*, with the facts that would decide them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._cadence import PARAMETERS, meeting_dates
from ._decision import Decision, Outcome, PackInfo, ParamUse, Question, Status
from ._deprecation import moved_to_keywords
from ._eligibility import default_pack, facts_mapping
from ._errors import Problem, RulePackError
from ._evaluate import decide
from ._explain import Explanation, _question, cite, criterion_lines, explain, shipped_pack_if_none
from ._facts import validate_facts
from ._pack import RulePack, Ruleset
from ._spec import FactSpec, register_pack_check
from ._team_spec import CaseloadNormSpec, ModelSpec, TeamModelDoc
from ._truth import k_and

_OUTCOME_TRUTH: dict[Outcome, bool | None] = {
    Outcome.ELIGIBLE: True,
    Outcome.NOT_ELIGIBLE: False,
    Outcome.UNDETERMINED: None,
}


@attrs.frozen
class ModelStatus:
    """Whether one model is indicated (met), not indicated, or unknown for lack of facts."""

    id: str
    intensity: int
    status: Status
    rulesets: tuple[str, ...]


@attrs.frozen
class Cadence:
    """The meeting cadence of the recommended model and the next meeting dates from `start`."""

    applies: bool
    start: datetime.date | None
    dates: tuple[datetime.date, ...]
    params: tuple[ParamUse, ...]


@attrs.frozen
class CaseloadNormUse:
    """The caseload norm that applies to the recommended model (None: the sources set none)."""

    id: str | None
    params: tuple[ParamUse, ...]


@attrs.frozen
class TeamModelRecommendation:
    """The full, deterministic team-model answer; language-neutral.

    `model` is the most intensive model surely indicated; `possible` lists more intensive
    models still undetermined (then `settled` is false and `questions` say what decides).
    `organisation` is `internal`, `external` or `unknown` for team models, else None.
    """

    model: str
    settled: bool
    possible: tuple[str, ...]
    models: tuple[ModelStatus, ...]
    organisation: str | None
    conference: Status
    cadence: Cadence
    caseload_norm: CaseloadNormUse
    decisions: tuple[Decision, ...]
    questions: tuple[Question, ...]
    facts: dict[str, Any]
    as_of: datetime.date
    pack: PackInfo

    def decision(self, ruleset: str) -> Decision:
        """The decision of one of the team rulesets (e.g. `team_act`)."""
        for decision in self.decisions:
            if decision.ruleset == ruleset:
                return decision
        raise KeyError(ruleset)


def team_model_doc(pack: RulePack) -> TeamModelDoc:
    """The pack's team-model ladder, checked against the pack's rulesets and norms."""
    docs = pack.documents("team_model")
    if len(docs) != 1:
        raise RulePackError("the rule pack has no single team model", [Problem(f"expected one file of kind 'team_model', found {len(docs)}", file=str(pack.root))])
    doc: TeamModelDoc = docs[0]
    problems = _check_doc(doc, pack)
    if problems:
        raise RulePackError("the team model is not consistent with the rule pack", problems)
    return doc


register_pack_check("team_model", team_model_doc)


def _check_doc(doc: TeamModelDoc, pack: RulePack) -> list[Problem]:
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(message, path, "team_model.yaml", kind="team_model"))

    norms = pack.parameter_sets.get(doc.norms)
    if norms is None:
        bad("$.norms", f"no parameter set {doc.norms!r}")
    intensities = [m.intensity for m in doc.models]
    if intensities != sorted(set(intensities)):
        bad("$.models", "models must be listed by strictly increasing intensity")
    norm_ids = {n.id for n in doc.caseload_norms}
    for index, model in enumerate(doc.models):
        for ruleset in model.requires:
            if ruleset not in pack.rulesets:
                bad(f"$.models[{index}].requires", f"no ruleset {ruleset!r}")
        if model.caseload_norm is not None and model.caseload_norm not in norm_ids:
            bad(f"$.models[{index}].caseload_norm", f"no caseload norm {model.caseload_norm!r}")
    for ruleset in (doc.organisation_ruleset, doc.conference_ruleset):
        if ruleset not in pack.rulesets:
            bad("$", f"no ruleset {ruleset!r}")
    rulesets = dict.fromkeys([*(r for m in doc.models for r in m.requires), doc.organisation_ruleset, doc.conference_ruleset])
    for ruleset in rulesets:
        for outcome in Outcome:
            if f"team.verdict.{ruleset}.{outcome.value}" not in pack.texts:
                bad("$", f"no text 'team.verdict.{ruleset}.{outcome.value}' (what the answer says when ruleset {ruleset!r} is {outcome.value})")
    for index, norm in enumerate(doc.caseload_norms):
        for name in (norm.max_clients, norm.min_clients, norm.max_hours_per_client_week):
            if name is not None and norms is not None and name not in norms.parameters:
                bad(f"$.caseload_norms[{index}]", f"no parameter {name!r} in parameter set {doc.norms!r}")
    return problems


def team_rulesets(doc: TeamModelDoc, pack: RulePack) -> tuple[Ruleset, ...]:
    """Every ruleset the team-model answer evaluates, in a fixed order."""
    ids: list[str] = []
    for model in doc.models:
        ids.extend(r for r in model.requires if r not in ids)
    ids.extend(r for r in (doc.organisation_ruleset, doc.conference_ruleset) if r not in ids)
    return tuple(pack.ruleset(r) for r in ids)


def team_fact_specs(rulesets: Iterable[Ruleset]) -> dict[str, FactSpec]:
    """The facts a team-model case may give: the union of the rulesets' declared facts."""
    specs: dict[str, FactSpec] = {}
    for ruleset in rulesets:
        for name, spec in ruleset.spec.facts.items():
            specs.setdefault(name, spec)
    return specs


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

    >>> r = recommend_team_model({"concurrent_services": 1, "domains": {}}, as_of=datetime.date(2027, 1, 4))
    >>> r.model, r.settled
    ('individual', False)
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

    statuses = tuple(
        ModelStatus(m.id, m.intensity, Status.of(k_and(_OUTCOME_TRUTH[decisions[r].outcome] for r in m.requires)), tuple(m.requires))
        for m in doc.models
    )
    chosen = max((s for s in statuses if s.status is Status.MET), key=lambda s: s.intensity, default=statuses[0])
    possible = tuple(s.id for s in statuses if s.intensity > chosen.intensity and s.status is Status.UNKNOWN)
    model = next(m for m in doc.models if m.id == chosen.id)

    organisation = None
    open_rulesets = [r for s in statuses if s.id in possible for r in s.rulesets]
    if model.organisation:
        organisation = {Outcome.ELIGIBLE: "external", Outcome.NOT_ELIGIBLE: "internal"}.get(decisions[doc.organisation_ruleset].outcome, "unknown")
        open_rulesets.append(doc.organisation_ruleset)
    conference = Status.of(_OUTCOME_TRUTH[decisions[doc.conference_ruleset].outcome])
    open_rulesets.append(doc.conference_ruleset)

    return TeamModelRecommendation(
        model=model.id,
        settled=not possible,
        possible=possible,
        models=statuses,
        organisation=organisation,
        conference=conference,
        cadence=_cadence(model, doc, pack, on, start),
        caseload_norm=_norm(model, doc, pack, on),
        decisions=tuple(decisions[r.id] for r in rulesets),
        questions=_merge_questions(decisions[r] for r in dict.fromkeys(open_rulesets)),
        facts=given,
        as_of=on,
        pack=pack.info,
    )


def _cadence(model: ModelSpec, doc: TeamModelDoc, pack: RulePack, on: datetime.date, start: datetime.date | None) -> Cadence:
    norms = pack.parameter_set(doc.norms)
    uses = norms.params_at(on)
    params = tuple(uses[name] for name in PARAMETERS)
    if not model.cadence:
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
    """A team-model answer in one language, ready to print or send."""

    lang: str
    title: str
    model: str
    model_label: str
    summary: str
    settled: bool
    possible: tuple[str, ...]
    organisation: str | None
    key_worker: str
    conference: str
    meetings: str
    cadence: str | None
    meeting_dates: tuple[datetime.date, ...]
    caseload_norm: str
    caseload_norm_source: str | None
    """The caseload norm's source as the rule file writes it (None: the sources set no norm for this model)."""
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
    model = next(m for m in doc.models if m.id == rec.model)
    labels = {m.id: m.label[lang] for m in doc.models}
    t = pack.texts
    norms = {u.name: _num(u.value) for u in (*rec.cadence.params, *rec.caseload_norm.params)}
    norms.update({n: _num(v) for n, v in pack.parameter_set(doc.norms).values_at(rec.as_of).items()})
    organisation = None
    if rec.organisation is not None:
        organisation = t[f"team.organisation.{rec.organisation}"][lang]
    norm = caseload_norm(doc, model.caseload_norm)
    if norm is None:
        lm = caseload_norm(doc, "labour_market")
        norm_text = t["team.caseload.none"][lang].format(labour_market=lm.text[lang].format_map(norms) if lm else "—")
    else:
        norm_text = f"{norm.label[lang]}: {norm.text[lang].format_map(norms)} ({cite(norm.source.ref, t, lang)})"
    questions = tuple(dict.fromkeys(_question_text(q, rec, pack, lang) for q in rec.questions))
    sources = (model.source, doc.key_worker.source, *((doc.cadence.source,) if rec.cadence.applies else ()))
    return TeamModelExplanation(
        lang=lang,
        title=doc.title[lang],
        model=rec.model,
        model_label=labels[rec.model],
        summary=model.summary[lang],
        settled=rec.settled,
        possible=tuple(labels[m] for m in rec.possible),
        organisation=organisation,
        key_worker=f"{doc.key_worker.rule[lang]} {t['team.key_worker.typical'][lang]}: {model.key_worker_typical[lang]}.",
        conference=t[f"team.conference.{rec.conference.value}"][lang],
        meetings=model.meetings[lang],
        cadence=doc.cadence.text[lang].format_map(norms) if rec.cadence.applies else None,
        meeting_dates=rec.cadence.dates,
        caseload_norm=norm_text,
        caseload_norm_source=norm.source.ref if norm is not None else None,
        parts=parts,
        verdicts=tuple(t[f"team.verdict.{d.ruleset}.{d.outcome.value}"][lang] for d in rec.decisions),
        questions=questions,
        sources=tuple(s.ref for s in sources),
        source_titles=tuple(cite(s.ref, t, lang) for s in sources),
        as_of=rec.as_of,
        pack=f"{rec.pack.id} {rec.pack.version} ({rec.pack.content_hash[:19]})",
    )


def _question_text(question: Question, rec: TeamModelRecommendation, pack: RulePack, lang: str) -> str:
    """The question in `lang`, from the first of the recommendation's rulesets that declares its fact."""
    declared = question.key if question.collection is None else question.collection
    ruleset = next(r for r in (pack.ruleset(d.ruleset) for d in rec.decisions) if declared in r.spec.facts)
    return _question(question, ruleset, pack, lang)


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
    if ex.organisation is not None:
        lines.append(f"{label('team.heading.organisation')}: {ex.organisation}")
    lines.append(f"{label('team.heading.key_worker')}: {ex.key_worker}")
    lines.append(f"{label('team.heading.conference')}: {ex.conference}")
    lines.append(f"{label('team.heading.meetings')}: {ex.meetings}")
    if ex.cadence is not None:
        lines.append(f"  {ex.cadence}")
        lines.append(f"  {label('team.next_meetings')}: {', '.join(d.isoformat() for d in ex.meeting_dates)}")
    lines.append(f"{label('team.heading.caseload')}: {ex.caseload_norm}")
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
    "Cadence",
    "CaseloadNormUse",
    "ModelStatus",
    "TeamModelExplanation",
    "TeamModelRecommendation",
    "explain_team_model",
    "recommend_team_model",
    "render_team_model_text",
    "team_model_doc",
]
