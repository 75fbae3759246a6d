"""The documentation and time duties of seed 002, decided by the rules of `rules/records.yaml` over the records.

The duties are rules (ruleset `record_duties`, one criterion each, D1–D7): their titles,
sources with the seed's own words, parameters with validity dates, and the texts of every
finding in en, cs, hu and de are rule data, listed in the rule book and linted by
`rules check`. This module only reads the records into each duty's facts — for one client
(or one case manager, D3) on one day — and lets the engine decide them, so a fact the
records do not give is *unknown*, never met or failed on a guess (DOMAIN.md §6). The
parameters are those in force on `as_of`. The records are read as they stand after every
correction (`current`), up to `as_of`.

What each duty reads (the seed passages and what is project policy are in the rule file):

- D1 declaration before the first service: the earliest meeting or service event, and the
  earliest declaration not withdrawn.
- D2 at most 2 hours per client per week: per ISO calendar week, the minutes recorded and,
  when every meeting's length is recorded, the week's total.
- D3 at most 35 clients per case manager at one time: open cases (enrolled, not closed) on
  each enrolment day and on `as_of`; the first day over the cap, once per case manager.
- D4 each meeting confirmed by both: the meeting's two confirmations.
- D5 feedback due: the latest plan's `feedback_interval_days`, counted from the last
  feedback (or from that plan, before any); no interval, or a closed case: none due.
- D6 the anonymous survey offered at closure: the closure's `survey_offered`.
- D7 follow-up recorded: a follow-up document for a closed case, due within the rule's
  `follow_up_within_days` of the closure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ..engine import Status, decide, explain, shipped_pack_if_none
from ._models import Closure, Declaration, Enrolment, Feedback, FollowUp, Meeting, Plan, ServiceEvent
from ._read import Located, current

if TYPE_CHECKING:
    from ..engine import RulePack, Ruleset

RULESET = "record_duties"
"""The ruleset of the duties in the pack (`rules/records.yaml`)."""

MAX_MINUTES_PER_WEEK = 120
"""The shipped value of `max_minutes_per_client_week` (002 §10, line 209); the checks read the pack, not this."""
MAX_CLIENTS = 35
"""The shipped value of `max_clients_per_case_manager` (002 §10, line 210); the checks read the pack, not this."""


class _ShippedDuties(Mapping[str, str]):
    """Each duty's id → its source as the shipped rule file cites it, with the seed's words (read on first use)."""

    def _sources(self) -> dict[str, str]:
        return {
            c.id: _source_line(c.source.ref, c.source.quote)
            for c in shipped_pack_if_none(None).ruleset(RULESET).spec.criteria
        }

    def __getitem__(self, key: str) -> str:
        return self._sources()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources())

    def __len__(self) -> int:
        return len(self._sources())


def _source_line(ref: str, quote: str | None) -> str:
    return f'{ref}: "{quote}"' if quote else ref


DUTIES: Mapping[str, str] = _ShippedDuties()
"""Each duty's id and its source (from the shipped pack's `record_duties` rules)."""


@attrs.frozen
class DutyFinding:
    """A duty not met, or not known to be met, for one client (or one case manager, D3) on one day.

    `message` is the rule's reason in the language asked for; `source` the rule's citation
    (seed file, section, line) and `quote` the seed's own words; `title` the duty's title.
    """

    duty: str
    subject: str
    on: datetime.date
    status: Literal["not_met", "unknown"]
    message: str
    source: str = ""
    quote: str | None = None
    title: str = ""

    @property
    def citation(self) -> str:
        """The source with the seed's words, as one line."""
        return _source_line(self.source, self.quote)


Facts = dict[str, Any]
_Case = tuple[str, str, datetime.date, Facts]
"""One duty to decide: (duty, subject, day, facts)."""


def check_duties(
    items: Iterable[Located], *, as_of: datetime.date, pack: RulePack | None = None, lang: str = "en"
) -> list[DutyFinding]:
    """Every duty of 002 not met (or not known to be met) in these records up to `as_of`, by duty, subject and day.

    The rules are the `record_duties` ruleset of `pack` (default: the shipped pack), with
    the parameters in force on `as_of`; the findings' reasons are in `lang`.
    """
    pack = shipped_pack_if_none(pack)
    ruleset = pack.ruleset(RULESET)
    params = {name: use.value for name, use in ruleset.params_at(as_of).items()}
    by_kind: dict[type, list[Any]] = defaultdict(list)
    for item in current(items):
        record = item.record
        if getattr(record, "on", as_of) <= as_of:
            by_kind[type(record)].append(record)
    cases: list[_Case] = []
    cases += _declaration_first(by_kind)
    cases += _hours(by_kind)
    cases += _confirmed(by_kind)
    cases += _feedback(by_kind, as_of)
    cases += _closure(by_kind, as_of)
    out = [
        f
        for f in (_decided(ruleset, pack, duty, subject, on, facts, as_of, lang) for duty, subject, on, facts in cases)
        if f is not None
    ]
    out += _caseload(ruleset, pack, by_kind, as_of, params, lang)
    return sorted(out, key=lambda f: (f.duty, f.subject, f.on))


def _decided(
    ruleset: Ruleset,
    pack: RulePack,
    duty: str,
    subject: str,
    on: datetime.date,
    facts: Facts,
    as_of: datetime.date,
    lang: str,
) -> DutyFinding | None:
    """The finding of one duty on these facts: None when the rule is met."""
    decision = decide(ruleset, facts, as_of)
    result = next(c for c in decision.criteria if c.id == duty)
    if result.status is Status.MET:
        return None
    spec = next(c.spec for c in ruleset.criteria if c.id == duty)
    reason = next(c.reason for c in explain(decision, pack, lang).criteria if c.id == duty)
    status: Literal["not_met", "unknown"] = "not_met" if result.status is Status.NOT_MET else "unknown"
    return DutyFinding(duty, subject, on, status, reason, spec.source.ref, spec.source.quote, spec.title[lang])


def _declaration_first(by_kind: dict[type, list[Any]]) -> list[_Case]:
    first: dict[str, datetime.date] = {}
    for record in [*by_kind[Meeting], *by_kind[ServiceEvent]]:
        first[record.code] = min(record.on, first.get(record.code, record.on))
    declared: dict[str, datetime.date] = {}
    for record in by_kind[Declaration]:
        if not record.withdrawn:
            declared[record.code] = min(record.on, declared.get(record.code, record.on))
    out: list[_Case] = []
    for code, on in sorted(first.items()):
        facts: Facts = {"declaration_on_file": code in declared}
        if code in declared:
            facts["days_declared_before_first_service"] = (on - declared[code]).days
        out.append(("D1", code, on, facts))
    return out


def _hours(by_kind: dict[type, list[Any]]) -> list[_Case]:
    weeks: dict[tuple[str, int, int], list[Meeting]] = defaultdict(list)
    for record in by_kind[Meeting]:
        year, week, _ = record.on.isocalendar()
        weeks[(record.code, year, week)].append(record)
    out: list[_Case] = []
    for (code, year, week), meetings in sorted(weeks.items()):
        recorded = sum(m.minutes for m in meetings if m.minutes is not None)
        facts: Facts = {"minutes_recorded_in_week": recorded}
        if all(m.minutes is not None for m in meetings):
            facts["minutes_in_week"] = recorded
        out.append(("D2", code, datetime.date.fromisocalendar(year, week, 1), facts))
    return out


def _caseload(
    ruleset: Ruleset,
    pack: RulePack,
    by_kind: dict[type, list[Any]],
    as_of: datetime.date,
    params: Mapping[str, Any],
    lang: str,
) -> list[DutyFinding]:
    opened: dict[str, Enrolment] = {}
    for record in by_kind[Enrolment]:
        if record.code not in opened or record.on < opened[record.code].on:
            opened[record.code] = record
    closed: dict[str, datetime.date] = {}
    for record in by_kind[Closure]:
        closed[record.code] = min(record.on, closed.get(record.code, record.on))
    out = []
    days = sorted({e.on for e in opened.values()} | {as_of})
    for manager in sorted({e.case_manager for e in opened.values()}):
        for day in days:
            count = sum(
                1
                for c, e in opened.items()
                if e.case_manager == manager and e.on <= day and not (c in closed and closed[c] <= day)
            )
            finding = _decided(ruleset, pack, "D3", manager, day, {"open_cases": count}, as_of, lang)
            if finding is not None:
                out.append(finding)
                break  # the first day over the cap, once per case manager
    return out


def _confirmed(by_kind: dict[type, list[Any]]) -> list[_Case]:
    out: list[_Case] = []
    for record in by_kind[Meeting]:
        facts = {
            k: v
            for k, v in (
                ("confirmed_by_case_manager", record.confirmed_by_case_manager),
                ("confirmed_by_client", record.confirmed_by_client),
            )
            if v is not None
        }
        out.append(("D4", record.code, record.on, facts))
    return out


def feedback_due(plan_on: datetime.date, interval_days: int, last_feedback: datetime.date | None) -> datetime.date:
    """When the next feedback is due: `interval_days` after the last feedback, or after the plan before any (D5)."""
    return (last_feedback or plan_on) + datetime.timedelta(days=interval_days)


def _feedback(by_kind: dict[type, list[Any]], as_of: datetime.date) -> list[_Case]:
    plans: dict[str, Plan] = {}
    for record in by_kind[Plan]:
        if record.code not in plans or record.on >= plans[record.code].on:
            plans[record.code] = record
    closed = {r.code for r in by_kind[Closure]}
    last: dict[str, datetime.date] = {}
    for record in by_kind[Feedback]:
        last[record.code] = max(record.on, last.get(record.code, record.on))
    out: list[_Case] = []
    for code, plan in sorted(plans.items()):
        if plan.feedback_interval_days is None or code in closed:
            continue
        due = feedback_due(plan.on, plan.feedback_interval_days, last.get(code))
        out.append(("D5", code, due, {"days_feedback_overdue": (as_of - due).days}))
    return out


def _closure(by_kind: dict[type, list[Any]], as_of: datetime.date) -> list[_Case]:
    followed = {r.code for r in by_kind[FollowUp]}
    out: list[_Case] = []
    for record in by_kind[Closure]:
        survey: Facts = {} if record.survey_offered is None else {"survey_offered": record.survey_offered}
        out.append(("D6", record.code, record.on, survey))
        facts: Facts = {"follow_up_recorded": record.code in followed, "days_since_closure": (as_of - record.on).days}
        out.append(("D7", record.code, record.on, facts))
    return out
