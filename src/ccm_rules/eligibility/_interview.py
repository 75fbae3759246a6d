"""The guided intake interview: ask only what can still change the decision.

An interview turns an undetermined decision into the next screen of questions. It asks
the decision's own open questions (`Decision.questions`, each naming its fact as a case
file spells it: `referral_only`, `domains.housing`), but only those whose answer can
still change the three-valued outcome, and it stops when the decision is settled
(*eligible* or *not eligible*: it then has no open questions, so no answer can change it).

Which questions can still change the outcome is found exactly, by the engine's own
evaluation (`decide()`), never by a second reading of the rules:

- An open question's answers are "not known yet" and one representative of each class
  of answers the conditions cannot tell apart (a yes/no fact: yes, no; a number: one
  value on each side of every threshold it is compared with; an enum: one value per
  set of tests it passes; a life domain: one status per need/assessed reading).
- Criteria that read no fact in common are independent; the outcome is a function of
  each criterion's status and its *firm* status (with a gate's provisional facts set
  aside, seed 001 §2), so each group of criteria is explored on its own and the groups'
  readings combined (`decide()` gives the outcome of each combination).
- Life domains that no condition can tell apart (same `among` lists, same tests on code
  and group) are interchangeable: only how many of them take each answer matters.

A question is asked when some answers to the other open questions exist under which two
of its own answers (one may be "not known yet") give different outcomes. That is the
definition the property tests hold against a brute force over every answer.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from ..engine import (
    Decision,
    FactSpec,
    Outcome,
    Question,
    RulePack,
    Ruleset,
    Status,
    UnknownLanguageError,
    decide,
    default_pack,
    facts_mapping,
)

AnswerType = Literal["yes_no", "choice", "integer", "number", "date"]
"""How a question is answered; "not known yet" is always allowed besides."""

InterviewState = Literal["ask", "settled", "exhausted"]
"""`ask`: a screen to answer; `settled`: eligible or not eligible, nothing left to ask;
`exhausted`: still undetermined, but every question that could change it was answered
"not known yet" (the decision lists what is still to assess)."""

_COMPARISONS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
_QUANTIFIERS = ("count", "every", "some")
_ITEM_STATUS_FIELDS = ("status", "need", "assessed")


@attrs.frozen
class Choice:
    """One answer offered for a question: the value written into the facts and its label."""

    value: Any
    label: str


@attrs.frozen
class InterviewQuestion:
    """One question of the interview, ready to put on a screen.

    `fact` is the fact as a case file spells it (`referral_only`, `domains.housing`);
    `answer` says how it is answered (`choices` for yes/no and choice questions, `minimum`
    and `maximum` for numbers); "not known yet" (leaving the fact out) is always allowed.
    `settles` is true when one of its answers alone settles the decision now.
    """

    fact: str
    key: str
    collection: str | None
    text: str
    label: str
    answer: AnswerType
    choices: tuple[Choice, ...]
    criteria: tuple[str, ...]
    settles: bool
    screen: str
    minimum: float | None = None
    maximum: float | None = None


@attrs.frozen
class Screen:
    """One screen of the interview: the open questions of one life-domain group, or of one criterion.

    `key` is `domains:<group>` for life domains (grouped as rules/vocabulary/life_domains.yaml
    groups them) or `criterion:<id>` for the other facts (grouped by the criterion that asks
    them first); `title` is the group's or criterion's title in the interview's language.
    """

    key: str
    title: str
    questions: tuple[InterviewQuestion, ...]


@attrs.frozen
class Interview:
    """Where an interview stands: the decision so far and what to ask next.

    `asking` holds every question that can still change the outcome, in the order the
    interview asks them (those that can settle the decision first, then the decision's
    own order: gates first); `screen` is the next screen (None unless `state` is `ask`);
    `set_aside` names the decision's open questions that can no longer change it (asked
    by no screen: their answers would be recorded but decide nothing).
    """

    ruleset: str
    state: InterviewState
    decision: Decision
    screen: Screen | None
    asking: tuple[InterviewQuestion, ...]
    set_aside: tuple[str, ...]
    lang: str

    @property
    def settled(self) -> bool:
        """Whether the decision is eligible or not eligible (no answer can change it)."""
        return self.state == "settled"


# ---------------------------------------------------------------- public entry points


def interview(
    ruleset: Ruleset | str,
    facts: Any,
    *,
    lang: str = "en",
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
    skip: Collection[str] = (),
) -> Interview:
    """The next screen of the intake interview for `ruleset` (an id or a compiled ruleset).

    `facts` is what is known so far (a mapping, or a facts class); a fact that is absent or
    null is not known yet — unknown is not no. `skip` names questions (as `fact` spells
    them) the worker already answered "not known yet": they stay open but are not put on a
    screen again, so an interview always ends.

    >>> first = interview("eligibility", {})
    >>> first.state, first.screen.key, [q.fact for q in first.screen.questions]
    ('ask', 'domains:health', ['domains.physical_health', 'domains.mental_health', 'domains.substance_use'])
    >>> interview("eligibility", {"domains": {"work": "unmet_need"}, "referral_only": True,
    ...           "ongoing_coordination_needed": False}).set_aside[:2]  # a refusal waits only for the assessment
    ('domains.substance_use', 'domains.safety')
    """
    pack = pack or default_pack()
    if lang not in pack.languages:
        raise UnknownLanguageError(lang, pack.languages)
    compiled = pack.ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    on = as_of if as_of is not None else datetime.date.today()
    known = known_facts(facts)
    analysis = _Analysis(compiled, known, on)
    decision = analysis.given
    if decision.outcome is not Outcome.UNDETERMINED:
        return Interview(compiled.id, "settled", decision, None, (), (), lang)
    relevant = analysis.relevant()
    settles = {q.fact for q in relevant if analysis.settles(q)}
    ordered = sorted(relevant, key=lambda q: q.fact not in settles)  # stable: the decision's order otherwise
    asking = tuple(_present(q, q.fact in settles, compiled, pack, lang) for q in ordered)
    asked = {q.fact for q in relevant}
    set_aside = tuple(q.fact for q in analysis.decision.questions if q.fact not in asked)
    skipped = frozenset(skip)
    waiting = [q for q in asking if q.fact not in skipped]
    if not waiting:
        return Interview(compiled.id, "exhausted", decision, None, asking, set_aside, lang)
    key = waiting[0].screen
    screen = Screen(key, _screen_title(key, compiled, lang), tuple(q for q in waiting if q.screen == key))
    return Interview(compiled.id, "ask", decision, screen, asking, set_aside, lang)


def eligibility_interview(
    facts: Any,
    *,
    lang: str = "en",
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
    skip: Collection[str] = (),
) -> Interview:
    """The intake interview for case management (seed 001; `assess_eligibility`'s ruleset)."""
    return interview("eligibility", facts, lang=lang, as_of=as_of, pack=pack, skip=skip)


def labour_market_interview(
    facts: Any,
    *,
    lang: str = "en",
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
    skip: Collection[str] = (),
) -> Interview:
    """The intake interview for labour-market case management (seed 002; `assess_labour_market`'s ruleset)."""
    return interview("labour_market", facts, lang=lang, as_of=as_of, pack=pack, skip=skip)


def deciding_questions(
    ruleset: Ruleset, facts: Any, *, as_of: datetime.date | None = None
) -> tuple[Decision, tuple[Question, ...]]:
    """The decision on `facts` and those of its open questions that can still change its outcome.

    The interview's core, without texts or screens: a question is kept when some answers
    to the other open questions exist under which two of its own answers (one may be
    "not known yet") give different outcomes.
    """
    analysis = _Analysis(ruleset, known_facts(facts), as_of if as_of is not None else datetime.date.today())
    if analysis.given.outcome is not Outcome.UNDETERMINED:
        return analysis.given, ()
    return analysis.given, analysis.relevant()


NOT_KNOWN_YET = ""
"""The answer a form sends for "not known yet" (also None or a missing field): the fact stays unknown."""

_YES = frozenset({"true", "yes"})
_NO = frozenset({"false", "no"})


def record_answers(
    questions: Sequence[InterviewQuestion],
    facts: Any,
    answers: Mapping[str, str | None],
    *,
    ruleset: Ruleset | str,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> tuple[dict[str, Any], frozenset[str]]:
    """`facts` with the answers to `questions` (a screen) written in, and those answered "not known yet".

    `answers` maps each question's `fact` to its answer as a form or a command line sends
    it: `true`/`false` (or `yes`/`no`) for a yes/no question, a choice's value, a number
    (a decimal comma is read as a point), or "" / None / missing for "not known yet",
    which removes the fact (unknown is not no). The result is checked like any facts:
    a bad answer raises `FactsError` naming the fact (`$.services_needed`).

    >>> q = eligibility_interview({"services_needed": 3}, as_of=datetime.date(2026, 1, 1)).screen.questions
    >>> record_answers(q, {"services_needed": 3}, {"domains.physical_health": "unmet_need"}, ruleset="eligibility")
    ({'services_needed': 3, 'domains': {'physical_health': 'unmet_need'}}, frozenset({'domains.mental_health'}))
    """
    pack = pack or default_pack()
    compiled = pack.ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    out = {name: (dict(value) if isinstance(value, Mapping) else value) for name, value in known_facts(facts).items()}
    not_known: set[str] = set()
    for question in questions:
        raw = answers.get(question.fact)
        text = raw.strip() if isinstance(raw, str) else raw
        value: Any = None if text in (None, NOT_KNOWN_YET) else _typed(question, str(text))
        if value is None:
            not_known.add(question.fact)
        if question.collection is not None:
            domain = out.setdefault(question.collection, {})
            if value is None:
                domain.pop(question.key, None)
            else:
                domain[question.key] = value
        elif value is None:
            out.pop(question.key, None)
        else:
            out[question.key] = value
    decide(compiled, out, as_of if as_of is not None else datetime.date.today())  # FactsError names every bad answer
    return out, frozenset(not_known)


def _typed(question: InterviewQuestion, text: str) -> Any:
    """An answer's text as the fact's value; a text that is not one is left as written, for the facts check to name."""
    if question.answer == "yes_no":
        low = text.lower()
        return True if low in _YES else False if low in _NO else text
    if question.answer in ("integer", "number"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return text
        if question.answer == "integer":
            return int(number) if number.is_integer() else text
        return int(number) if number.is_integer() else number
    return text


def interview_question(
    ruleset: Ruleset | str, fact: str, *, lang: str = "en", pack: RulePack | None = None
) -> InterviewQuestion:
    """The question for `fact` (as a case file spells it: `referral_only`, `domains.housing`), ready for a screen.

    For going back to a screen already answered: its questions as the interview put them
    (`criteria` empty and `settles` false: they are not computed from a decision here).

    >>> interview_question("eligibility", "domains.housing", lang="de").text
    'Erheben Sie den Lebensbereich: Wohnen'
    """
    pack = pack or default_pack()
    if lang not in pack.languages:
        raise UnknownLanguageError(lang, pack.languages)
    compiled = pack.ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    collection, _, key = fact.partition(".")
    specs = compiled.spec.facts
    if key and collection in specs and specs[collection].type == "domain_statuses":
        vocabulary = compiled.vocabularies[specs[collection].vocabulary or ""]
        if key not in vocabulary.codes:
            raise KeyError(fact)
        question = Question("item", key, (), collection)
    elif fact in specs and specs[fact].type != "domain_statuses":
        question = Question("fact", fact, (_asking_criterion(compiled, fact),))
    else:
        raise KeyError(fact)
    return attrs.evolve(_present(question, False, compiled, pack, lang), criteria=())


def _asking_criterion(ruleset: Ruleset, fact: str) -> str:
    """The first deciding criterion whose condition reads `fact` (its screen), else the first criterion."""
    params = ruleset.params_at(ruleset.earliest_date or datetime.date.today())
    for criterion in ruleset.spec.criteria:
        reads = _Reads()
        _walk(criterion.condition, params, reads)
        if criterion.role != "informative" and fact in reads.facts:
            return criterion.id
    return ruleset.spec.criteria[0].id


def known_facts(facts: Any) -> dict[str, Any]:
    """`facts` with what is not known yet left out: null facts, and null life-domain statuses.

    >>> known_facts({"referral_only": None, "domains": {"work": "no_need", "housing": None}})
    {'domains': {'work': 'no_need'}}
    """
    raw = facts_mapping(facts) if not isinstance(facts, Mapping) else facts
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            value = {key: status for key, status in value.items() if status is not None}
        out[name] = value
    return out


# ---------------------------------------------------------------- presenting a question


def _present(question: Question, settles: bool, ruleset: Ruleset, pack: RulePack, lang: str) -> InterviewQuestion:
    yes, no = pack.text("answer.yes", lang), pack.text("answer.no", lang)
    if question.collection is not None:
        spec = ruleset.spec.facts[question.collection]
        vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
        default = vocabulary.spec.default_status
        choices = tuple(Choice(s, vocabulary.status_label(s, lang)) for s in vocabulary.statuses if s != default)
        label = vocabulary.label(question.key, lang)
        text = pack.text("question.assess_domain", lang).format(domain=label)
        group = vocabulary.groups[question.key]
        return InterviewQuestion(
            question.fact,
            question.key,
            question.collection,
            text,
            label,
            "choice",
            choices,
            question.criteria,
            settles,
            f"{question.collection}:{group}",
        )
    fact = ruleset.spec.facts[question.key]
    screen = f"criterion:{question.criteria[0]}"
    answer, choices = _answer_type(fact, yes, no, lang)
    return InterviewQuestion(
        question.fact,
        question.key,
        None,
        fact.question[lang],
        fact.label[lang],
        answer,
        choices,
        question.criteria,
        settles,
        screen,
        fact.min,
        fact.max,
    )


def _answer_type(fact: FactSpec, yes: str, no: str, lang: str) -> tuple[AnswerType, tuple[Choice, ...]]:
    if fact.type == "boolean":
        return "yes_no", (Choice(True, yes), Choice(False, no))
    if fact.type == "enum":
        labels = fact.value_labels or {}
        return "choice", tuple(Choice(v, labels[v][lang] if v in labels else v) for v in fact.values or ())
    if fact.type == "integer":
        return "integer", ()
    if fact.type == "number":
        return "number", ()
    return "date", ()


def _screen_title(key: str, ruleset: Ruleset, lang: str) -> str:
    kind, _, name = key.partition(":")
    if kind == "criterion":
        for criterion in ruleset.spec.criteria:
            if criterion.id == name:
                return criterion.title[lang]
        raise KeyError(name)
    spec = ruleset.spec.facts[kind]
    vocabulary = ruleset.vocabularies[spec.vocabulary or ""]
    return vocabulary.spec.groups[name][lang]


# ---------------------------------------------------------------- what the conditions read


@attrs.define
class _Reads:
    """What the non-informative criteria's conditions read, from the rule file's own shape."""

    facts: set[str] = attrs.Factory(set)
    compared: dict[str, list[tuple[str, Any]]] = attrs.Factory(dict)
    fields: dict[str, set[str]] = attrs.Factory(dict)
    among: dict[str, list[frozenset[str]]] = attrs.Factory(dict)
    item_tests: dict[str, list[tuple[str, str, Any]]] = attrs.Factory(dict)


def _operand(raw: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(raw, dict) and "param" in raw:
        raw = params[raw["param"]].value
    return tuple(raw) if isinstance(raw, list) else raw


def _walk(raw: Any, params: Mapping[str, Any], reads: _Reads, collection: str | None = None) -> None:
    """Collect what a raw condition (as written in the rule file) reads into `reads`."""
    if not isinstance(raw, dict):
        return
    for op in ("all", "any"):
        if op in raw:
            for part in raw[op]:
                _walk(part, params, reads, collection)
            return
    if "not" in raw:
        _walk(raw["not"], params, reads, collection)
        return
    if "known" in raw:
        reads.facts.add(raw["known"])
        return
    ops = [key for key in raw if key in _COMPARISONS]
    if "fact" in raw and ops:
        reads.facts.add(raw["fact"])
        reads.compared.setdefault(raw["fact"], []).append((ops[0], _operand(raw[ops[0]], params)))
        return
    if "field" in raw and ops and collection is not None:
        reads.fields.setdefault(collection, set()).add(raw["field"])
        if raw["field"] not in _ITEM_STATUS_FIELDS:
            reads.item_tests.setdefault(collection, []).append((raw["field"], ops[0], _operand(raw[ops[0]], params)))
        return
    for kind in _QUANTIFIERS:
        if kind in raw:
            name = raw[kind]
            reads.facts.add(name)
            reads.fields.setdefault(name, set())
            if "among" in raw:
                reads.among.setdefault(name, []).append(frozenset(_operand(raw["among"], params)))
            _walk(raw.get("where"), params, reads, name)
            return


def _passes(value: Any, op: str, operand: Any) -> bool:
    """Whether `value` passes one comparison (only to sort answers into classes; `decide()` decides)."""
    try:
        if op == "in":
            return bool(value in operand)
        if op == "not_in":
            return bool(value not in operand)
        return bool(
            {
                "eq": lambda: value == operand,
                "ne": lambda: value != operand,
                "lt": lambda: value < operand,
                "lte": lambda: value <= operand,
                "gt": lambda: value > operand,
                "gte": lambda: value >= operand,
            }[op]()
        )
    except TypeError:
        return False


def _classes(candidates: Sequence[Any], tests: Sequence[tuple[str, Any]]) -> tuple[Any, ...]:
    """One representative (the first) of each class of `candidates` that pass the same tests."""
    seen: dict[tuple[bool, ...], Any] = {}
    for value in candidates:
        seen.setdefault(tuple(_passes(value, op, operand) for op, operand in tests), value)
    return tuple(seen.values())


def _scalar_options(spec: FactSpec, tests: Sequence[tuple[str, Any]], on: datetime.date) -> tuple[Any, ...]:
    """Not known yet, then one answer of each class the conditions can tell apart."""
    if spec.type == "boolean":
        return (None, True, False)
    if spec.type == "enum":
        return (None, *_classes(list(spec.values or ()), tests))
    if spec.type == "date":
        dates = sorted({t for _, t in tests if isinstance(t, datetime.date)})
        days = [d + datetime.timedelta(days=k) for d in dates for k in (-1, 0, 1)] or [on]
        return (None, *_classes(sorted(set(days)), tests))
    thresholds = sorted({float(t) for _, t in tests if isinstance(t, int | float) and not isinstance(t, bool)})
    low, high = spec.min, spec.max
    points = set(thresholds)
    if spec.type == "integer":
        points |= {t + k for t in thresholds for k in (-1, 1)}
    ends = [p for p in (low, high) if p is not None]
    points |= set(ends)
    ordered = sorted(points)
    if spec.type == "number":
        points |= {(a + b) / 2 for a, b in itertools.pairwise(ordered)}
        if ordered:
            points |= {ordered[0] - 1, ordered[-1] + 1}
    inside = sorted(p for p in points if (low is None or p >= low) and (high is None or p <= high)) or [low or 0]
    cast = [int(p) if spec.type == "integer" else p for p in inside]
    return (None, *_classes(cast, tests))


# ---------------------------------------------------------------- the analysis


@attrs.frozen
class _Class:
    """Open questions no condition can tell apart: `slots` (facts as spelled), the answers each may take."""

    slots: tuple[Question, ...]
    options: tuple[Any, ...]


Completion = tuple[tuple[int, ...], ...]
"""Per class, how many of its questions take each answer (counts in `options` order)."""

Reading = tuple[tuple[Status, ...], ...]
"""A group's criteria statuses with nothing set aside, then with each held set of facts set aside."""


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


class _Group:
    """Criteria that share facts, with their open questions sorted into classes."""

    def __init__(self, criteria: tuple[int, ...], reads: frozenset[str], classes: list[_Class]) -> None:
        self.criteria = criteria
        self.reads = reads
        self.classes = classes
        self.readings: dict[Completion, Reading] = {}
        self.example: dict[Reading, dict[str, Any]] = {}
        """One assignment (fact spelling → answer) per reading: the facts that stand for it."""


class _Analysis:
    """Which of one decision's open questions can still change its outcome (see the module docstring)."""

    def __init__(self, ruleset: Ruleset, facts: dict[str, Any], on: datetime.date) -> None:
        self.ruleset = ruleset
        self.on = on
        self.given = decide(ruleset, facts, on)
        """The decision on the facts as given."""
        # A collection not given at all is asked item by item: an assessment with every
        # domain not assessed yet (each domain's need unknown, as when it is absent).
        self.facts = {
            **{name: {} for name, spec in ruleset.spec.facts.items() if spec.type == "domain_statuses"},
            **facts,
        }
        self.decision = decide(ruleset, self.facts, on) if self.facts != facts else self.given
        """The decision the interview asks from (collections given, perhaps empty)."""
        self._outcomes: dict[tuple[Reading, ...], Outcome] = {}

    # -- setting up

    def _setup(self) -> None:
        rs, on = self.ruleset, self.on
        params = rs.params_at(on)
        specs = rs.spec.criteria
        deciding = [i for i, c in enumerate(specs) if c.role != "informative"]
        reads: dict[int, _Reads] = {}
        every = _Reads()
        for i in deciding:
            reads[i] = _Reads()
            _walk(specs[i].condition, params, reads[i])
            _walk(specs[i].condition, params, every)
        self.reads = every
        held_sets = [frozenset(c.provisional) for c in specs if c.role == "gate" and c.provisional]
        self.held: list[frozenset[str]] = list(
            dict.fromkeys(
                frozenset().union(*subset)
                for n in range(1, len(held_sets) + 1)
                for subset in itertools.combinations(held_sets, n)
            )
        )
        self.roles = {i: specs[i].role for i in deciding}
        # groups: criteria joined by the facts they read
        parent = {i: i for i in deciding}

        def find(i: int) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        owner: dict[str, int] = {}
        for i in deciding:
            for name in reads[i].facts:
                if name in owner:
                    parent[find(i)] = find(owner[name])
                else:
                    owner[name] = i
        members: dict[int, list[int]] = {}
        for i in deciding:
            members.setdefault(find(i), []).append(i)
        by_fact = {name: find(i) for name, i in owner.items()}
        open_by_group: dict[int, list[Question]] = {root: [] for root in members}
        for question in self.decision.questions:
            name = question.collection or question.key
            open_by_group[by_fact[name]].append(question)
        self.targets: dict[str, tuple[str | None, str]] = {
            q.fact: (q.collection, q.key) for q in self.decision.questions
        }
        """Where each open question's answer is written: (collection or None, key)."""
        self.groups: list[_Group] = []
        self.group_of: dict[str, _Group] = {}
        for root, criteria in members.items():
            group_reads = frozenset().union(*(reads[i].facts for i in criteria))
            group = _Group(tuple(criteria), group_reads, self._classes(open_by_group[root]))
            self.groups.append(group)
            for cls in group.classes:
                for slot in cls.slots:
                    self.group_of[slot.fact] = group

    def _classes(self, questions: list[Question]) -> list[_Class]:
        rs, reads = self.ruleset, self.reads
        classes: dict[Any, list[Question]] = {}
        options: dict[Any, tuple[Any, ...]] = {}
        for question in questions:
            if question.collection is None:
                key: Any = ("fact", question.key)
                options[key] = _scalar_options(
                    rs.spec.facts[question.key], reads.compared.get(question.key, []), self.on
                )
            else:
                name = question.collection
                vocabulary = rs.vocabularies[rs.spec.facts[name].vocabulary or ""]
                group = vocabulary.groups[question.key]
                tests = tuple(
                    _passes(question.key if field == "code" else group, op, operand)
                    for field, op, operand in reads.item_tests.get(name, [])
                )
                key = ("item", name, tuple(question.key in codes for codes in reads.among.get(name, [])), tests)
                options[key] = self._status_options(name)
            classes.setdefault(key, []).append(question)
        return [_Class(tuple(slots), options[key]) for key, slots in classes.items()]

    def _status_options(self, collection: str) -> tuple[Any, ...]:
        """Not known yet (the default status), then one status per reading the conditions can tell apart."""
        vocabulary = self.ruleset.vocabularies[self.ruleset.spec.facts[collection].vocabulary or ""]
        fields = sorted(self.reads.fields.get(collection, set()) & set(_ITEM_STATUS_FIELDS))
        spec = vocabulary.spec

        def reading(status: str) -> tuple[Any, ...]:
            values = {"status": status, "need": spec.statuses[status].need, "assessed": spec.statuses[status].assessed}
            return tuple(values[f] for f in fields)

        seen = {reading(spec.default_status): None}
        out: list[Any] = [None]
        for status in vocabulary.statuses:
            if reading(status) not in seen:
                seen[reading(status)] = None
                out.append(status)
        return tuple(out)

    # -- evaluating

    def _facts_with(self, assignment: Mapping[str, Any]) -> dict[str, Any]:
        """The facts with `assignment` (fact spelling → answer; None: not known yet) written in."""
        facts = dict(self.facts)
        copied: set[str] = set()
        for spelled, value in assignment.items():
            collection, key = self.targets.get(spelled, (None, spelled))
            if collection is not None:
                if collection not in copied:
                    facts[collection] = dict(facts.get(collection) or {})
                    copied.add(collection)
                if value is None:
                    facts[collection].pop(key, None)
                else:
                    facts[collection][key] = value
            elif value is None:
                facts.pop(key, None)
            else:
                facts[key] = value
        return facts

    def _assignment(self, group: _Group, completion: Completion) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for cls, counts in zip(group.classes, completion, strict=True):
            at = 0
            for option, count in zip(cls.options, counts, strict=True):
                for slot in cls.slots[at : at + count]:
                    out[slot.fact] = option
                at += count
        return out

    def _reading(self, group: _Group, completion: Completion) -> Reading:
        found = group.readings.get(completion)
        if found is not None:
            return found
        assignment = self._assignment(group, completion)
        facts = self._facts_with(assignment)
        decision = decide(self.ruleset, facts, self.on)
        base = tuple(decision.criteria[i].status for i in group.criteria)
        variants = [base]
        refusing = any(
            self.roles[i] == "required" and s is Status.NOT_MET for i, s in zip(group.criteria, base, strict=True)
        )
        for held in self.held:
            if refusing and held & group.reads:
                aside = decide(self.ruleset, {k: v for k, v in facts.items() if k not in held}, self.on)
                variants.append(tuple(aside.criteria[i].status for i in group.criteria))
            else:
                variants.append(base)
        reading = tuple(variants)
        group.readings[completion] = reading
        group.example.setdefault(reading, assignment)
        return reading

    @staticmethod
    def _space(size: int, options: int, full: bool) -> list[tuple[int, ...]]:
        """How `size` interchangeable questions can share `options` answers: all ways (`full`), or
        the near corners: all alike, or all alike but one."""
        if full or size <= 2:
            return list(_compositions(size, options))
        near: dict[tuple[int, ...], None] = {}
        for k in range(options):
            for j in range(options):
                counts = [0] * options
                counts[k] += size - 1
                counts[j] += 1
                near[tuple(counts)] = None
        return list(near)

    def _explore(self, group: _Group, full: bool) -> None:
        """The readings the group's open questions can give: every one (`full`), or the near corners' first."""
        spaces = [self._space(len(cls.slots), len(cls.options), full) for cls in group.classes]
        for completion in itertools.product(*spaces):
            self._reading(group, completion)

    def _outcome(self, readings: tuple[Reading, ...]) -> Outcome:
        found = self._outcomes.get(readings)
        if found is None:
            assignment: dict[str, Any] = {}
            for group, reading in zip(self.groups, readings, strict=True):
                assignment.update(group.example[reading])
            found = self._outcomes[readings] = decide(self.ruleset, self._facts_with(assignment), self.on).outcome
        return found

    def _tells_apart(self, at: int, first: Reading, second: Reading) -> bool:
        """Whether some readings found for the other groups make `first` and `second` give different outcomes."""
        others = [sorted(set(g.readings.values())) if i != at else [first] for i, g in enumerate(self.groups)]
        for combination in itertools.product(*others):
            other = tuple(second if i == at else r for i, r in enumerate(combination))
            if self._outcome(combination) is not self._outcome(other):
                return True
        return False

    def relevant(self) -> tuple[Question, ...]:
        """The open questions, in the decision's order, whose answer can still change the outcome.

        First the near corners (each class of interchangeable questions answered alike, or
        alike but one) look for a witness; a question with none there is settled by
        exploring every answer.
        """
        if self.decision.outcome is not Outcome.UNDETERMINED:
            return ()
        self._setup()
        for group in self.groups:
            self._explore(group, full=False)
        verdict: dict[tuple[int, int], bool] = {}
        for full in (False, True):
            if full:
                if all(verdict.values()):
                    break
                for group in self.groups:
                    self._explore(group, full=True)
            checked: dict[tuple[int, frozenset[Reading]], bool] = {}
            for g, group in enumerate(self.groups):
                for c in range(len(group.classes)):
                    if not verdict.get((g, c)):
                        verdict[(g, c)] = self._class_relevant(g, c, full, checked)
        keep: list[Question] = []
        for question in self.decision.questions:
            group = self.group_of[question.fact]
            g = self.groups.index(group)
            c = next(i for i, cls in enumerate(group.classes) if question in cls.slots)
            if verdict[(g, c)]:
                keep.append(question)
        return tuple(keep)

    def _class_relevant(self, g: int, at: int, full: bool, checked: dict[tuple[int, frozenset[Reading]], bool]) -> bool:
        """Whether one question of class `at` of group `g` can change the outcome (a witness among the answers tried)."""
        group = self.groups[g]
        cls = group.classes[at]
        spaces = [self._space(len(k.slots), len(k.options), full) for k in group.classes]
        spaces[at] = self._space(len(cls.slots) - 1, len(cls.options), full)
        for rest in itertools.product(*spaces):
            seen: set[Reading] = set()
            for option in range(len(cls.options)):
                counts = list(rest[at])
                counts[option] += 1
                seen.add(self._reading(group, (*rest[:at], tuple(counts), *rest[at + 1 :])))
            if len(seen) < 2:
                continue
            key = (g, frozenset(seen))
            if key not in checked:
                checked[key] = any(self._tells_apart(g, a, b) for a, b in itertools.combinations(sorted(seen), 2))
            if checked[key]:
                return True
        return False

    def settles(self, question: Question) -> bool:
        """Whether one answer to `question` alone (the rest left not known) settles the decision now."""
        group = self.group_of[question.fact]
        cls = next(k for k in group.classes if question in k.slots)
        for option in cls.options[1:]:
            if (
                decide(self.ruleset, self._facts_with({question.fact: option}), self.on).outcome
                is not Outcome.UNDETERMINED
            ):
                return True
        return False
