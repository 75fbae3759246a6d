"""Case lifecycle monitoring: case events, the event-log reader, and the alert rules in plain Python.

The alert rules are data in `rules/monitoring.yaml` (kind `monitoring`): which care models
exist, which of them never end or end only for listed reasons, which `team_norms`
parameters are each model's caseload norm and weekly hours limit, and the alerts' texts and
sources. `PythonMonitor` runs the rules: the default engine, its open duties indexed by due
date; the optional durable-rules engine in `ccm_rules_adapters.events` must give the same alerts.

A review is overdue only against what was agreed for that case (`_cadence.ReviewAgreement`):
the plan's evaluation date (`plan_agreed` with `review_on`), the date set at a review
(`review_held` with `next_review`), the individual plan's interval (`plan_agreed` with
`interval_days`, 002 §10) or the team's meeting cadence (`cadence: team` on `opened` or
`plan_agreed`: 003's 14 days → monthly → quarterly, a default the case may override). A case
that agreed none has no review due. Hours for each client are checked per calendar week
(`contact` events, `_hours`), as the caseload check does.

Time is an event: time-based alerts (review overdue, goal past due) are checked only at a
`tick` event, as of its date, so a replay is deterministic.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import heapq
import itertools
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs

from ..engine import (
    CADENCES,
    MAX_DEPTH,
    MAX_INTERVAL_DAYS,
    AgreedDue,
    InputFileError,
    Message,
    PackInfo,
    ParameterNotInForceError,
    Problem,
    ReviewAgreement,
    RulePackError,
    Source,
    Texts,
    WeekTally,
    cite,
    crossed,
    date_message,
    describe,
    exact,
    format_text,
    iso_date,
    json_limit_problem,
    next_meeting_in_phase,
    size_problem,
)

if TYPE_CHECKING:
    from ..engine import RulePack

Ending = Literal["never", "with_reason", "any"]
Check = Literal[
    "review_overdue",
    "goal_overdue",
    "caseload_above_norm",
    "never_ending_closed",
    "closure_without_reason",
    "hours_above_limit",
    "feedback_overdue",
    "declaration_missing",
    "survey_not_offered",
    "follow_up_missing",
]
RECORD_CHECKS: tuple[str, ...] = ("feedback_overdue", "declaration_missing", "survey_not_offered", "follow_up_missing")
"""The checks of the case-record duties of seed 002 (D5, D1, D6, D7), for models with `case_records`."""
CHECKS: tuple[str, ...] = Check.__args__  # type: ignore[attr-defined]
_CACHE_SIZE = 8192  # dates (or date, phase pairs) kept per cache; cleared when full


# ---------------------------------------------------------------- rule data


@attrs.frozen
class ModelSpec:
    """A care model: its caseload norm and weekly hours limit (`team_norms` parameters) and how its cases may end."""

    code: str
    label: Texts
    ending: Ending
    source: Source
    caseload_norm: str | None = None
    closure_reasons: list[str] = attrs.Factory(list)
    hours_norm: str | None = None
    case_records: bool = False
    """Whether the model's cases are held to the case-record duties of seed 002 (`RECORD_CHECKS`)."""


@attrs.frozen
class ClosureReasonSpec:
    """A reason a case can be closed with."""

    code: str
    label: Texts
    source: Source


@attrs.frozen
class AlertSpec:
    """One alert rule: which check it runs, its texts and its source."""

    id: str
    check: Check
    title: Texts
    message: Texts
    source: Source


@attrs.frozen
class MonitoringSpec:
    """The monitoring rule file: models, closure reasons, alert rules and their texts."""

    kind: Literal["monitoring"]
    id: str
    title: Texts
    source: Source
    norms: str
    models: list[ModelSpec]
    closure_reasons: list[ClosureReasonSpec]
    alerts: list[AlertSpec]
    texts: dict[str, Texts] = attrs.Factory(dict)
    description: Texts | None = None


class Monitoring:
    """The monitoring rules of a loaded pack, checked and ready to evaluate.

    Raises `ValueError` when the rule data do not fit together (an unknown norm
    parameter, closure reason or check), naming what is wrong.
    """

    def __init__(
        self,
        spec: MonitoringSpec,
        norms: Any,
        pack: PackInfo,
        texts: Mapping[str, Mapping[str, str]] | None = None,
        duties: Any = None,
    ) -> None:
        self.spec = spec
        self._duties = duties
        """The `record_duties` ruleset (its `follow_up_within_days`), or None: no follow-up alert is armed."""
        self.pack = pack
        self.pack_texts: Mapping[str, Mapping[str, str]] = texts or {}
        """The pack's shared texts (how a source reads: `cite`); empty: sources are shown as written."""
        self._norms = norms
        self.models: dict[str, ModelSpec] = {m.code: m for m in spec.models}
        self.reasons: dict[str, ClosureReasonSpec] = {r.code: r for r in spec.closure_reasons}
        self.alerts: dict[str, AlertSpec] = {}
        for alert in spec.alerts:
            if alert.check in self.alerts:
                raise ValueError(f"two monitoring alerts run the check {alert.check!r}")
            self.alerts[alert.check] = alert
        missing = [c for c in CHECKS if c not in self.alerts]
        if missing:
            raise ValueError(f"no monitoring alert runs the check(s) {missing}")
        self.order: dict[str, int] = {alert.id: index for index, alert in enumerate(spec.alerts)}
        for model in spec.models:
            for name in (model.caseload_norm, model.hours_norm):
                if name is not None and name not in norms.parameters:
                    raise ValueError(f"model {model.code!r}: no parameter {name!r} in {spec.norms!r}")
            unknown = [r for r in model.closure_reasons if r not in self.reasons]
            if unknown:
                raise ValueError(f"model {model.code!r}: unknown closure reason(s) {unknown}")
        self._params: dict[datetime.date, dict[str, Any]] = {}

    @classmethod
    def from_pack(cls, pack: RulePack) -> Monitoring:
        """The monitoring rules of `pack` (its one file of kind `monitoring`)."""
        specs = pack.documents("monitoring")
        if len(specs) != 1:
            raise KeyError(f"pack {pack.info.id} needs exactly one rule file of kind 'monitoring'; found {len(specs)}")
        spec: MonitoringSpec = specs[0]
        duties = pack.rulesets.get("record_duties")
        return cls(spec, pack.parameter_set(spec.norms), pack.info, pack.texts, duties)

    def params_at(self, on: datetime.date) -> dict[str, Any]:
        """The `team_norms` values in force on `on` (cached per date)."""
        cached = self._params.get(on)
        if cached is None:
            cached = self._norms.values_at(on)
            if len(self._params) >= _CACHE_SIZE:
                self._params.clear()
            self._params[on] = cached
        return cached

    def norm(self, model: str, on: datetime.date) -> int | None:
        """The most clients per worker for `model` on `on`, or None if the model has no norm."""
        name = self.models[model].caseload_norm
        return None if name is None else int(self.params_at(on)[name])

    def hours_limit(self, model: str, on: datetime.date) -> int | float | None:
        """The most hours a week for each client under `model` on `on`, or None if the model sets none."""
        name = self.models[model].hours_norm
        return None if name is None else cast("int | float", self.params_at(on)[name])

    def follow_up_days(self, on: datetime.date) -> int | None:
        """Days after a closure by which follow-up is due (rule `follow_up_within_days` in force on `on`), or None."""
        if self._duties is None:
            return None
        use = self._duties.params_at(on).get("follow_up_within_days")
        return None if use is None else int(use.value)

    def agreed_review(self, agreement: ReviewAgreement) -> AgreedDue | None:
        """The review a case has agreed (None: none agreed), the team cadence read as in force at its last review."""
        return agreement.due(self.params_at)

    def review_due(self, start: datetime.date, last_held: datetime.date | None) -> tuple[datetime.date, str]:
        """When the next review is due by the team's cadence from `start`, and the cadence phase.

        Only for a case that agreed the team's cadence (see `agreed_review`); kept for callers of 0.1.
        """
        return next_meeting_in_phase(start, last_held, self.params_at(last_held or start))

    def text(self, key: str, lang: str) -> str:
        return self.spec.texts[key][lang]

    def source_title(self, alert: AlertSpec, lang: str) -> str:
        """The alert rule's source as a reader sees it in `lang` (see `cite`)."""
        return cite(alert.source.ref, self.pack_texts, lang)


# ---------------------------------------------------------------- events

EventKind = Literal[
    "opened",
    "assessed",
    "plan_agreed",
    "review_held",
    "goal_due",
    "goal_achieved",
    "goal_evaluated",
    "hospitalised",
    "closed",
    "caseload",
    "contact",
    "tick",
    "declared",
    "service",
    "feedback_given",
    "follow_up",
]
_CASE_EVENTS = frozenset(
    {
        "opened",
        "assessed",
        "plan_agreed",
        "review_held",
        "goal_due",
        "goal_achieved",
        "goal_evaluated",
        "hospitalised",
        "closed",
        "contact",
        "service",
        "feedback_given",
    }
)
"""Events of an open case; `declared` and `follow_up` may come before the case opens or after it closes."""
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {  # kind → (required, optional) beyond event/on
    "opened": (frozenset({"case", "model"}), frozenset({"cadence", "records"})),
    "assessed": (frozenset({"case"}), frozenset()),
    "plan_agreed": (
        frozenset({"case"}),
        frozenset({"review_on", "interval_days", "cadence", "feedback_interval_days"}),
    ),
    "review_held": (frozenset({"case"}), frozenset({"next_review"})),
    "contact": (frozenset({"case", "hours"}), frozenset()),
    "goal_due": (frozenset({"case", "goal", "due"}), frozenset()),
    "goal_achieved": (frozenset({"case", "goal"}), frozenset()),
    "goal_evaluated": (frozenset({"case", "goal", "achieved"}), frozenset()),
    "hospitalised": (frozenset({"case"}), frozenset()),
    "closed": (frozenset({"case"}), frozenset({"reason", "survey_offered"})),
    "caseload": (frozenset({"worker", "model", "clients"}), frozenset()),
    "tick": (frozenset(), frozenset()),
    "declared": (frozenset({"case"}), frozenset()),
    "service": (frozenset({"case"}), frozenset()),
    "feedback_given": (frozenset({"case"}), frozenset()),
    "follow_up": (frozenset({"case"}), frozenset()),
}
_KEYS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {  # kind → (keys allowed, keys needed in order)
    kind: (required | optional | {"event", "on"}, ("on", *sorted(required)))
    for kind, (required, optional) in _FIELDS.items()
}


def check_monitoring(pack: RulePack) -> None:
    """The monitoring rules against the pack: one file, its norms and checks (for `rules check`)."""
    try:
        Monitoring.from_pack(pack)
    except (KeyError, ValueError) as err:
        message = str(err.args[0]) if err.args else str(err)
        raise RulePackError(
            "the monitoring rules are not consistent with the rule pack",
            [Problem(message, file="monitoring.yaml", kind="monitoring")],
        ) from err


@attrs.frozen(slots=True)
class Event:
    """One case event (or a `tick`: time passes to `on`); `line` is where it stands in the log.

    Kinds: opened (a case starts under a care `model`, optionally agreeing a `cadence`),
    assessed, plan_agreed (optionally with the plan's evaluation date `review_on`, its
    review interval `interval_days`, or a `cadence`), review_held (the case was reviewed,
    optionally setting the `next_review`), goal_due (a plan goal with a `due` date),
    goal_achieved, goal_evaluated (`achieved` true or false), hospitalised (the client
    was admitted to hospital), closed (with an optional `reason`), caseload (a `worker`'s
    number of `clients` under a `model` changed), contact (`hours` spent with the client
    of `case`) and tick. The case records of seed 002 add: declared (the client's
    data-processing declaration is on file), service (a meeting or service event of no
    recorded length), feedback_given (to the plan's author and the commissioner), follow_up
    (a follow-up document), `feedback_interval_days` on plan_agreed and `survey_offered` on
    closed (`ccm_rules.records.monitoring_events` writes them from the records, with
    `records: true` on opened: only such a case is held to those duties, since a log that
    does not carry declarations says nothing about them — unknown is not no).
    """

    kind: EventKind
    on: datetime.date
    line: int
    seq: int
    case: str | None = None
    model: str | None = None
    goal: str | None = None
    due: datetime.date | None = None
    achieved: bool | None = None
    reason: str | None = None
    worker: str | None = None
    clients: int | None = None
    cadence: str | None = None
    review_on: datetime.date | None = None
    interval_days: int | None = None
    next_review: datetime.date | None = None
    hours: float | None = None
    feedback_interval_days: int | None = None
    survey_offered: bool | None = None
    records: bool | None = None


class EventReader:
    """Checks event-log lines one at a time; every problem is kept with its line number.

    Besides field types it checks the sequence: dates never go back, a case is opened
    once before its other events, goals are set before they are evaluated. It keeps only
    the open cases and goals, so its memory follows the open caseload, not the log length.
    """

    def __init__(self, monitoring: Monitoring, file: str = "<events>") -> None:
        self.monitoring = monitoring
        self.file = file
        self.problems: list[Problem] = []
        """The bad lines, the first `MAX_LISTED_PROBLEMS` of them (a log of a million bad lines stays small)."""
        self.found = 0
        """How many problems were found, listed or not."""
        self.count = 0
        self._last: datetime.date | None = None
        self._open: dict[str, str] = {}  # case → model
        self._goals: dict[str, set[str]] = {}  # case → open goals

    def read(self, text: str, line: int) -> Event | None:
        """The event on this line, or None (blank line, or a problem was recorded)."""
        if not text or text.isspace():
            return None
        if text.startswith("\ufeff"):  # `json.loads` says so; the bare decoder would say "Expecting value"
            self._bad(line, "$", Message("log.bom"))
            return None
        if (long := size_problem(len(text), "text")) is not None:  # one event is a few hundred characters
            self._bad(line, "$", long)
            return None
        if text.count("{") + text.count("[") > MAX_DEPTH and (deep := json_limit_problem(text)) is not None:
            # Nesting past the limit, found by the limit itself: Python's decoder stops at its own
            # recursion depth on 3.11 and 3.12 only; 3.13 reads 5,000 levels (two counts per line).
            self._bad(line, deep.path, deep.message)
            return None
        try:
            raw = _decode(text)
        except json.JSONDecodeError as err:
            self._bad(line, "$", Message("log.not_json", {"detail": err.msg, "column": err.colno}))
            return None
        except (RecursionError, ValueError):  # nested past Python's depth, a number past its digits: say which limit
            problem = json_limit_problem(text)
            self._bad(
                line,
                problem.path if problem else "$",
                problem.message if problem else Message("json.other", {"detail": "cannot be read"}),
            )
            return None
        if not isinstance(raw, dict):
            self._bad(line, "$", Message("log.not_object", {"value": describe(raw)}))
            return None
        kind = raw.get("event")
        fields = _FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            self._bad(line, "$.event", _unknown_event(kind, raw))
            return None
        required, optional = fields
        kind = cast("EventKind", kind)
        allowed, needed = _KEYS[kind]
        before = self.found
        if not allowed.issuperset(raw):
            for key in raw:
                if key not in allowed:
                    names = ", ".join(["event", "on", *sorted(required | optional)])
                    self._bad(
                        line,
                        f"$.{key}",
                        Message("log.unknown_key", {"key": repr(key), "kind": repr(kind), "keys": names}),
                    )
        for key in needed:
            if raw.get(key) is None:
                self._bad(line, f"$.{key}", Message("log.needs_key", {"kind": repr(kind), "key": repr(key)}))
        if self.found > before:
            return None
        values = self._values(kind, raw, line)
        if values is None:
            return None
        on = values["on"]
        if self._last is not None and on < self._last:
            self._bad(line, "$.on", Message("log.date_order", {"on": on.isoformat(), "last": self._last.isoformat()}))
            return None
        if not self._sequence(kind, values, line):
            return None
        self._last = on
        self.count += 1
        return Event(kind, line=line, seq=self.count, **values)

    def _values(self, kind: str, raw: Mapping[str, Any], line: int) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ok = True
        for key, value in raw.items():
            if key == "event":
                continue
            if key in ("on", "due", "review_on", "next_review"):
                parsed = _date(value)
                if parsed is None:
                    ok = self._bad(line, f"$.{key}", date_message(value))
                elif key == "on" and parsed > _LATEST:  # found in review: a traceback from the cadence
                    ok = self._bad(
                        line, "$.on", Message("log.too_late", {"on": parsed.isoformat(), "latest": _LATEST.isoformat()})
                    )
                elif key == "on" and not self._in_force(parsed):  # found in review: an error without its line
                    ok = self._bad(
                        line,
                        "$.on",
                        Message(
                            "log.norms_not_in_force",
                            {"norms": repr(self.monitoring.spec.norms), "on": parsed.isoformat()},
                        ),
                    )
                out[key] = parsed
            elif key in ("case", "goal", "worker"):
                if not isinstance(value, str) or not value.strip():
                    ok = self._bad(line, f"$.{key}", Message("log.code_expected", {"value": _show(value)}))
                out[key] = value
            elif key == "model":
                if not isinstance(value, str) or value not in self.monitoring.models:
                    ok = self._bad(
                        line,
                        "$.model",
                        Message(
                            "log.unknown_model", {"value": _show(value), "models": ", ".join(self.monitoring.models)}
                        ),
                    )
                out[key] = value
            elif key == "reason":
                if value is not None and (not isinstance(value, str) or value not in self.monitoring.reasons):
                    known = ", ".join(self.monitoring.reasons)
                    ok = self._bad(
                        line, "$.reason", Message("log.unknown_reason", {"value": _show(value), "reasons": known})
                    )
                out[key] = value
            elif key == "clients":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    ok = self._bad(line, "$.clients", Message("log.clients_expected", {"value": _show(value)}))
                out[key] = value
            elif key in ("achieved", "survey_offered", "records"):
                if not isinstance(value, bool):
                    ok = self._bad(line, f"$.{key}", Message("log.true_false_expected", {"value": _show(value)}))
                out[key] = value
            elif key == "cadence":
                if not isinstance(value, str) or value not in CADENCES:
                    ok = self._bad(
                        line,
                        "$.cadence",
                        Message("log.unknown_cadence", {"value": _show(value), "cadences": ", ".join(CADENCES)}),
                    )
                out[key] = value
            elif key in ("interval_days", "feedback_interval_days"):
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INTERVAL_DAYS:
                    ok = self._bad(
                        line,
                        f"$.{key}",
                        Message("log.days_expected", {"most": MAX_INTERVAL_DAYS, "value": _show(value)}),
                    )
                out[key] = value
            elif key == "hours":
                if (
                    isinstance(value, bool)
                    or not isinstance(value, (int, float))
                    or not math.isfinite(value)
                    or not 0 <= value <= MAX_HOURS_PER_WEEK
                ):
                    ok = self._bad(
                        line,
                        "$.hours",
                        Message("log.hours_expected", {"most": MAX_HOURS_PER_WEEK, "value": _show(value)}),
                    )
                out[key] = value
        if ok:
            for key in ("review_on", "next_review"):  # agreed for a day to come, not for the past
                agreed = out.get(key)
                if agreed is not None and agreed < out["on"]:
                    ok = self._bad(
                        line,
                        f"$.{key}",
                        Message(
                            "log.agreed_before_event",
                            {"key": key, "agreed": agreed.isoformat(), "on": out["on"].isoformat()},
                        ),
                    )
        return out if ok else None

    def _in_force(self, on: datetime.date) -> bool:
        """Whether every norm the rules read has a value on `on`."""
        try:
            self.monitoring.params_at(on)
        except ParameterNotInForceError:
            return False
        return True

    def _sequence(self, kind: str, values: dict[str, Any], line: int) -> bool:
        if kind not in _CASE_EVENTS:
            return True
        case = values["case"]
        model = self._open.get(case)
        if kind == "opened":
            if model is not None:
                return self._bad(line, "$.case", Message("log.case_already_open", {"case": repr(case)}))
            self._open[case] = values["model"]
            return True
        if model is None:
            return self._bad(line, "$.case", Message("log.case_not_open", {"case": repr(case)}))
        goals = self._goals.get(case)
        if kind == "goal_due":
            self._goals.setdefault(case, set()).add(values["goal"])
        elif kind in ("goal_achieved", "goal_evaluated"):
            if goals is None or values["goal"] not in goals:
                return self._bad(
                    line, "$.goal", Message("log.goal_not_open", {"goal": repr(values["goal"]), "case": repr(case)})
                )
            goals.discard(values["goal"])
        elif kind == "closed":
            del self._open[case]
            self._goals.pop(case, None)
        return True

    def _bad(self, line: int, path: str, message: str) -> Literal[False]:
        self.found += 1
        if self.found <= MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(message, path, self.file, line, kind="event"))
        elif self.found == MAX_LISTED_PROBLEMS + 1:
            more = Message("log.more_problems", {"limit": MAX_LISTED_PROBLEMS})
            self.problems.append(Problem(more, "$", self.file, line, kind="event"))
        return False


_decode = json.JSONDecoder().decode  # `json.loads` without its per-call argument handling


MAX_HOURS_PER_WEEK = 168
"""A contact cannot last longer than a week has hours."""

_LATEST = datetime.date(9998, 12, 31)
"""The last event date read: a year left for the review cadence before 9999-12-31."""


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, str) and len(value) == 10:
        return _iso_date(value)
    return None


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> datetime.date | None:
    """A YYYY-MM-DD date, or None; a log repeats each day's date many times, so it is cached.

    Only that form: Python 3.11 also reads ISO week dates such as 2027-W01-1 (found in review).
    """
    try:
        return iso_date(text)
    except ValueError:
        return None


def _show(value: Any) -> str:
    """A value as written ('acct'), or named as a person would ("the number 5"); never with Python's type name."""
    return repr(value) if isinstance(value, str) and len(value) <= 60 else str(describe(value))


MAX_LISTED_PROBLEMS = 1000
"""Bad lines listed for one log; the rest are counted (memory stays flat however bad the log)."""


def read_events(lines: Iterable[str], monitoring: Monitoring, file: str = "<events>") -> list[Event]:
    """Every event of a JSONL log; raises `InputFileError` listing every problem with its line."""
    reader = EventReader(monitoring, file)
    events = [e for e in (reader.read(text, n) for n, text in enumerate(lines, start=1)) if e is not None]
    if reader.problems:
        raise InputFileError(Message("log.invalid"), reader.problems)
    return events


def iter_events(lines: Iterable[str], monitoring: Monitoring, file: str = "<events>") -> Iterator[Event]:
    """Events of a JSONL log one by one, for logs too long to hold; stops at the first bad line."""
    reader = EventReader(monitoring, file)
    for number, text in enumerate(lines, start=1):
        event = reader.read(text, number)
        if reader.problems:
            raise InputFileError(Message("log.invalid"), reader.problems)
        if event is not None:
            yield event


def stream_events(
    lines: Iterable[str], monitoring: Monitoring, file: str = "<events>"
) -> tuple[Iterator[Event], EventReader]:
    """Events of a log while it is read, for one pass in flat memory.

    The iterator stops yielding at the first bad line but reads on to the end, so once it
    is exhausted `reader.problems` lists every problem (as `read_events` does); a caller
    discards what it computed from the events when there are any.
    """
    reader = EventReader(monitoring, file)

    def events() -> Iterator[Event]:
        for number, text in enumerate(lines, start=1):
            event = reader.read(text, number)
            if event is not None and not reader.problems:
                yield event

    return events(), reader


# ---------------------------------------------------------------- alerts


@attrs.frozen
class Alert:
    """One alert: which rule, raised by which event (`seq`, `line`) on which day, about what.

    `values` hold what the message needs (due date, days overdue, clients, norm, reason…).
    """

    rule: str
    check: str
    on: datetime.date
    seq: int
    line: int
    case: str | None = None
    worker: str | None = None
    goal: str | None = None
    values: dict[str, Any] = attrs.Factory(dict)


def alert_order(monitoring: Monitoring) -> Any:
    """A sort key that puts alerts in the order both engines report them."""
    order = monitoring.order

    def key(alert: Alert) -> tuple[int, int, str, str]:
        return (alert.seq, order[alert.rule], alert.case or alert.worker or "", alert.goal or "")

    return key


def closing_alerts(monitoring: Monitoring, event: Event, model: str) -> list[Alert]:
    """The closure alerts an oracle raises for a `closed` event of a case under `model`."""
    spec = monitoring.models[model]
    values: dict[str, Any] = {"model": model, "reason": event.reason}
    if spec.ending == "never":
        check = "never_ending_closed"
    elif spec.ending == "with_reason" and event.reason not in spec.closure_reasons:
        check = "closure_without_reason"
        values["reasons"] = tuple(spec.closure_reasons)
    else:
        return []
    rule = monitoring.alerts[check].id
    return [Alert(rule, check, event.on, event.seq, event.line, case=event.case, values=values)]


def review_values(agreed: AgreedDue, on: datetime.date) -> dict[str, Any]:
    """What a review-overdue alert on `on` reports: due date, days overdue, basis (and phase or interval)."""
    values: dict[str, Any] = {"due": agreed.due, "days_overdue": (on - agreed.due).days, "basis": agreed.basis}
    if agreed.phase is not None:
        values["phase"] = agreed.phase
    if agreed.interval_days is not None:
        values["interval_days"] = agreed.interval_days
    return values


def agree(agreement: ReviewAgreement, event: Event) -> bool:
    """Fold what `event` agrees about the case's reviews into `agreement`; whether it agreed anything.

    One reading for both engines: `opened`/`plan_agreed` with `cadence` (the team's
    cadence from that day), `plan_agreed` with `interval_days` (the plan's interval) or
    `review_on` (the plan's evaluation date), and every `review_held` (with its
    `next_review`, if set).
    """
    kind = event.kind
    if kind == "review_held":
        agreement.held(event.on, event.next_review)
        return True
    if kind not in ("opened", "plan_agreed"):
        return False
    if event.cadence is not None:
        agreement.agree_cadence(event.on)
    if event.interval_days is not None:
        agreement.agree_interval(event.on, event.interval_days)
    if event.review_on is not None:
        agreement.agree_date(event.review_on, "plan_evaluation")
    return event.cadence is not None or event.interval_days is not None or event.review_on is not None


def hours_values(model: str, week: datetime.date, total: Any, limit: int | float) -> dict[str, Any]:
    """What an hours alert reports: the model, the week's Monday, its hours and the limit."""
    return {"model": model, "week": week, "hours": float(total), "limit": limit}


class _Case:
    """One open case as the engine holds it: model, review agreement, this week's hours, armed duties."""

    __slots__ = (
        "agreed",
        "feedback_interval",
        "feedback_token",
        "followed",
        "goals",
        "last_feedback",
        "model",
        "opened",
        "records",
        "review",
        "review_token",
        "served",
        "week",
    )

    def __init__(self, model: str, opened: datetime.date) -> None:
        self.model = model
        self.opened = opened
        self.review = ReviewAgreement()
        self.week = WeekTally()
        self.agreed: AgreedDue | None = None
        """The review agreed, while its duty is armed (its alert not yet raised)."""
        self.review_token = 0
        """The index entry of the armed review duty; 0: none (nothing agreed, or already alerted)."""
        self.goals: dict[str, int] = {}
        """Open goal → the index entry of its armed duty (an evaluated or alerted goal is not here)."""
        self.feedback_interval: int | None = None
        """The latest plan's feedback interval in days (None: no feedback due, 002 §4.1)."""
        self.last_feedback: datetime.date | None = None
        self.feedback_token = 0
        """The index entry of the armed feedback duty; 0: none."""
        self.served = False
        """Whether a first meeting or service has been seen (the declaration duty is checked then)."""
        self.followed = False
        """Whether a follow-up document was recorded while the case was open."""
        self.records = False
        """Whether the case is held to the case-record duties (opened with `records: true` under a model with `case_records`)."""


def feedback_due_on(anchor: datetime.date, interval_days: int) -> datetime.date:
    """When feedback falls due: `interval_days` after the last feedback, or after the plan before any (002 §4.1)."""
    return anchor + datetime.timedelta(days=interval_days)


_Duty = tuple[int, str, "str | None", datetime.date, str]
"""An index entry: (token, case, goal or None, due date, what: review, goal, feedback or follow_up)."""

_RECORD_EVENTS = frozenset({"declared", "service", "feedback_given", "follow_up"})

_SLACK = 1024
"""Stale index entries tolerated beyond the armed duties before the index is rebuilt."""


class PythonMonitor:
    """The monitoring rules in plain Python, the default engine: feed events in log order, get alerts.

    The time-based duties (each case's next agreed review, each open goal) are **indexed by
    due date**: a dict from due day to the duties due that day, and a heap of those days. A
    tick pops the days before its own and reads only their duties, so it costs what fell
    due, not the open caseload, and every other event is a few dictionary operations. An
    entry is never searched for: a duty replaced (a new agreement, a goal re-dated), ended
    (a goal evaluated, a case closed) or alerted keeps its entry, which is skipped when its
    day comes because its token is no longer the case's; when such stale entries outnumber
    the armed duties by `_SLACK` the index is rebuilt from the armed ones, so memory
    follows the open caseload, not the log length.

    The durable-rules engine (`ccm_rules_adapters.events`, extra `events`) gives the same
    alerts; hypothesis tests replay generated logs through both, and through a scan of
    every open case at every tick.
    """

    def __init__(self, monitoring: Monitoring) -> None:
        self.monitoring = monitoring
        self.cases: dict[str, _Case] = {}
        self._by_day: dict[int, list[_Duty]] = {}  # due day number → duties due that day
        self._days: list[int] = []  # heap of the keys of `_by_day`
        self._entries = 0  # entries in `_by_day`, armed or stale
        self._tokens = itertools.count(1)
        self._armed = 0
        self._order = alert_order(monitoring)
        self._rules = {check: spec.id for check, spec in monitoring.alerts.items()}
        self.declared: set[str] = set()
        """Cases whose data-processing declaration is on file (dropped at closure)."""
        self.follow: dict[str, tuple[int, datetime.date]] = {}
        """Closed case → (index entry of its follow-up duty, day of closure), until follow-up is recorded or alerted."""

    def feed(self, events: Iterable[Event]) -> list[Alert]:
        """Every alert `events` raise, in report order."""
        return list(self.stream(events))

    def stream(self, events: Iterable[Event]) -> Iterator[Alert]:
        """The alerts of `events` as they are raised, in report order (memory stays flat)."""
        handle = self.handle
        for event in events:
            alerts = handle(event)
            if alerts:
                yield from alerts

    def indexed(self) -> int:
        """How many entries the due-date index holds, armed or stale (for memory checks)."""
        return self._entries

    def armed(self) -> int:
        """How many duties can still alert: agreed reviews and open goals not yet alerted."""
        return self._armed

    def handle(self, event: Event) -> list[Alert]:
        """The alerts one event raises, in report order."""
        kind = event.kind
        code = event.case
        if kind == "review_held" or kind == "plan_agreed":
            assert code is not None
            case = self.cases[code]
            if agree(case.review, event):  # a new agreement re-arms the alert
                self._arm_review(code, case)
            if kind == "plan_agreed" and case.records:
                case.feedback_interval = event.feedback_interval_days  # the latest plan's interval; none: none due
                self._arm_feedback(code, case, case.last_feedback or event.on)
        elif kind in _RECORD_EVENTS:
            assert code is not None
            return self._record_event(event, code)
        elif kind == "goal_due":
            assert code is not None and event.goal is not None and event.due is not None
            goals = self.cases[code].goals
            if goals.pop(event.goal, None) is not None:
                self._armed -= 1
            goals[event.goal] = self._push(event.due, code, event.goal)
        elif kind == "caseload":
            return self._caseload(event)
        elif kind == "goal_achieved" or kind == "goal_evaluated":
            assert code is not None
            if self.cases[code].goals.pop(event.goal or "", None) is not None:
                self._armed -= 1
        elif kind == "opened":
            assert code is not None and event.model is not None
            self.cases[code] = opened = _Case(event.model, event.on)
            opened.records = event.records is True and self.monitoring.models[event.model].case_records
            if agree(opened.review, event):
                self._arm_review(code, opened)
        elif kind == "tick":
            return self._tick(event)
        elif kind == "contact":
            assert code is not None
            case = self.cases[code]
            first = self._first_service(event, code, case)
            alerts = self._contact(event, case)
            return first + alerts if first else alerts
        elif kind == "closed":
            assert code is not None
            case = self.cases.pop(code)
            self._armed -= len(case.goals) + (case.review_token != 0) + (case.feedback_token != 0)
            alerts = closing_alerts(self.monitoring, event, case.model)
            if case.records:
                alerts += self._closing_records(event, code, case)
            return alerts
        # assessed, hospitalised: no alert rule reads them
        return []

    def _record_event(self, event: Event, code: str) -> list[Alert]:
        """declared, service, feedback_given and follow_up: the case-record duties of seed 002."""
        kind = event.kind
        if kind == "declared":
            self.declared.add(code)
        elif kind == "follow_up":
            pending = self.follow.pop(code, None)
            if pending is not None:
                self._armed -= 1
            elif code in self.cases:
                self.cases[code].followed = True
        elif kind == "service":
            return self._first_service(event, code, self.cases[code])
        elif kind == "feedback_given":
            case = self.cases[code]
            case.last_feedback = event.on
            if case.records:
                self._arm_feedback(code, case, event.on)
        return []

    def _first_service(self, event: Event, code: str, case: _Case) -> list[Alert]:
        """D1: at a case's first meeting or service, an alert if no declaration is on file."""
        if case.served or not case.records:
            return []
        case.served = True
        if code in self.declared:
            return []
        return [
            Alert(
                self._rules["declaration_missing"],
                "declaration_missing",
                event.on,
                event.seq,
                event.line,
                case=code,
                values={"model": case.model},
            )
        ]

    def _closing_records(self, event: Event, code: str, case: _Case) -> list[Alert]:
        """D6 at closure (survey not offered, or not recorded), and D7's follow-up duty armed."""
        self.declared.discard(code)
        alerts = []
        if event.survey_offered is not True:
            offered = "not_recorded" if event.survey_offered is None else "no"
            alerts.append(
                Alert(
                    self._rules["survey_not_offered"],
                    "survey_not_offered",
                    event.on,
                    event.seq,
                    event.line,
                    case=code,
                    values={"model": case.model, "offered": offered},
                )
            )
        days = self.monitoring.follow_up_days(event.on)
        if not case.followed and days is not None:
            due = event.on + datetime.timedelta(days=days)
            self.follow[code] = (self._push(due, code, None, "follow_up"), event.on)
        return alerts

    def _arm_feedback(self, code: str, case: _Case, anchor: datetime.date) -> None:
        """The case's feedback duty from `anchor` at its plan's interval (none agreed: nothing can be overdue)."""
        if case.feedback_token:
            self._armed -= 1
        interval = case.feedback_interval
        case.feedback_token = (
            0 if interval is None else self._push(feedback_due_on(anchor, interval), code, None, "feedback")
        )

    def _caseload(self, event: Event) -> list[Alert]:
        assert event.model is not None and event.clients is not None
        norm = self.monitoring.norm(event.model, event.on)
        if norm is None or event.clients <= norm:
            return []
        values = {"model": event.model, "clients": event.clients, "norm": norm}
        return [
            Alert(
                self._rules["caseload_above_norm"],
                "caseload_above_norm",
                event.on,
                event.seq,
                event.line,
                worker=event.worker,
                values=values,
            )
        ]

    def _contact(self, event: Event, case: _Case) -> list[Alert]:
        assert event.hours is not None
        limit = self.monitoring.hours_limit(case.model, event.on)
        if limit is None:
            return []
        before, after = case.week.add(event.on, event.hours)
        if not crossed(before, after, limit):
            return []
        assert case.week.week is not None
        values = hours_values(case.model, case.week.week, after, limit)
        return [
            Alert(
                self._rules["hours_above_limit"],
                "hours_above_limit",
                event.on,
                event.seq,
                event.line,
                case=event.case,
                values=values,
            )
        ]

    def _arm_review(self, code: str, case: _Case) -> None:
        """The case's review duty after its agreement changed (none agreed: nothing can be overdue)."""
        if case.review_token:
            self._armed -= 1
        agreed = self.monitoring.agreed_review(case.review)
        case.agreed = agreed
        case.review_token = 0 if agreed is None else self._push(agreed.due, code, None)

    def _push(self, due: datetime.date, code: str, goal: str | None, what: str = "") -> int:
        """Index a new armed duty; its token, which the caller stores on the case."""
        if self._entries > 2 * self._armed + _SLACK:
            self._rebuild()
        token = next(self._tokens)
        day = due.toordinal()
        duties = self._by_day.get(day)
        if duties is None:
            duties = self._by_day[day] = []
            heapq.heappush(self._days, day)
        duties.append((token, code, goal, due, what or ("review" if goal is None else "goal")))
        self._entries += 1
        self._armed += 1
        return token

    def _is_armed(self, duty: _Duty) -> bool:
        what = duty[4]
        if what == "follow_up":
            pending = self.follow.get(duty[1])
            return pending is not None and pending[0] == duty[0]
        case = self.cases.get(duty[1])
        if case is None:
            return False
        if what == "feedback":
            return case.feedback_token == duty[0]
        return case.review_token == duty[0] if duty[2] is None else case.goals.get(duty[2]) == duty[0]

    def _rebuild(self) -> None:
        """The index with only its armed entries (stale ones dropped), in time linear in its size."""
        by_day: dict[int, list[_Duty]] = {}
        for day, duties in self._by_day.items():
            kept = [duty for duty in duties if self._is_armed(duty)]
            if kept:
                by_day[day] = kept
        self._by_day, self._days = by_day, list(by_day)
        heapq.heapify(self._days)
        self._entries = sum(map(len, by_day.values()))

    def _tick(self, event: Event) -> list[Alert]:
        """Alerts for the duties due before the tick's day: those days leave the index, nothing else is read."""
        days, on = self._days, event.on.toordinal()
        if not days or days[0] >= on:
            return []
        cases, by_day, alerts = self.cases, self._by_day, []
        review_rule, goal_rule = self._rules["review_overdue"], self._rules["goal_overdue"]
        while days and days[0] < on:
            duties = by_day.pop(heapq.heappop(days))
            self._entries -= len(duties)
            for token, code, goal, due, what in duties:
                if what == "follow_up":
                    pending = self.follow.get(code)
                    if pending is None or pending[0] != token:
                        continue  # followed up
                    del self.follow[code]
                    values = {"closed": pending[1], "due": due, "days_overdue": (event.on - due).days}
                    alerts.append(
                        Alert(
                            self._rules["follow_up_missing"],
                            "follow_up_missing",
                            event.on,
                            event.seq,
                            event.line,
                            case=code,
                            values=values,
                        )
                    )
                    self._armed -= 1
                    continue
                case = cases.get(code)
                if case is None:
                    continue  # closed
                if what == "feedback":
                    if case.feedback_token != token:
                        continue  # feedback given, or a new plan
                    case.feedback_token = 0
                    assert case.feedback_interval is not None
                    values = {
                        "due": due,
                        "days_overdue": (event.on - due).days,
                        "interval_days": case.feedback_interval,
                    }
                    alerts.append(
                        Alert(
                            self._rules["feedback_overdue"],
                            "feedback_overdue",
                            event.on,
                            event.seq,
                            event.line,
                            case=code,
                            values=values,
                        )
                    )
                elif goal is None:
                    if case.review_token != token:
                        continue  # replaced by a later agreement
                    case.review_token = 0
                    assert case.agreed is not None
                    values = review_values(case.agreed, event.on)
                    alerts.append(
                        Alert(review_rule, "review_overdue", event.on, event.seq, event.line, case=code, values=values)
                    )
                else:
                    if case.goals.get(goal) != token:
                        continue  # evaluated or re-dated
                    del case.goals[goal]
                    values = {"due": due, "days_overdue": (event.on - due).days}
                    alerts.append(
                        Alert(
                            goal_rule,
                            "goal_overdue",
                            event.on,
                            event.seq,
                            event.line,
                            case=code,
                            goal=goal,
                            values=values,
                        )
                    )
                self._armed -= 1
        alerts.sort(key=self._order)
        return alerts


# ---------------------------------------------------------------- rendering


def alert_message(alert: Alert, monitoring: Monitoring, lang: str) -> str:
    """The alert's message in `lang`, with dates, model, phase and reasons in words."""
    spec = monitoring.alerts[alert.check]
    values: dict[str, Any] = {"case": alert.case, "worker": alert.worker, "goal": alert.goal}
    value: Any
    for key, value in alert.values.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif key == "model":
            value = monitoring.models[value].label[lang]
        elif key == "phase":
            value = monitoring.text(f"monitor.phase.{value}", lang)
        elif key == "reason":
            value = monitoring.reasons[value].label[lang] if value else monitoring.text("monitor.no_reason", lang)
        elif key == "reasons":
            value = "; ".join(monitoring.reasons[r].label[lang] for r in value)
        elif key in ("hours", "limit"):
            value = _number(value)
        elif key == "offered":
            value = monitoring.text(f"monitor.survey.{value}", lang)
        values[key] = value
    if "basis" in values:  # where the review date came from, with its phase or interval
        values["basis"] = format_text(monitoring.text(f"monitor.basis.{values['basis']}", lang), lang, values)
    return format_text(spec.message[lang], lang, values)


def _number(value: float | int) -> str:
    """`2.5`, `2` (not `2.0`): hours as a reader writes them."""
    number = exact(value)
    return str(number.numerator) if number.denominator == 1 else f"{float(number):g}"


def alert_record(alert: Alert, monitoring: Monitoring, lang: str) -> dict[str, Any]:
    """The alert as plain data (for JSON): rule, title, message, source and what it is about."""
    spec = monitoring.alerts[alert.check]
    values = {
        k: (v.isoformat() if isinstance(v, datetime.date) else list(v) if isinstance(v, tuple) else v)
        for k, v in alert.values.items()
    }
    record: dict[str, Any] = {"rule": alert.rule, "check": alert.check, "on": alert.on.isoformat(), "line": alert.line}
    record.update(
        {k: v for k, v in (("case", alert.case), ("worker", alert.worker), ("goal", alert.goal)) if v is not None}
    )
    record.update(
        title=spec.title[lang],
        message=alert_message(alert, monitoring, lang),
        source=spec.source.ref,
        source_title=monitoring.source_title(spec, lang),
        values=values,
    )
    return record


def _unknown_event(kind: Any, raw: dict[str, Any]) -> Message:
    """Why a line is no known event: a misspelt or missing 'event' key, or an unknown kind."""
    events = ", ".join(_FIELDS)
    if "event" not in raw:
        close = difflib.get_close_matches("event", [str(k) for k in raw], n=1, cutoff=0.6)
        if close:
            return Message("log.unknown_key_event", {"key": repr(close[0]), "events": events})
        return Message("log.no_event_key", {"events": events})
    if not isinstance(kind, str):
        return Message("log.event_not_text", {"events": events})
    close = difflib.get_close_matches(kind, list(_FIELDS), n=1)
    if close:
        return Message("log.unknown_event_close", {"kind": repr(kind), "close": repr(close[0]), "events": events})
    return Message("log.unknown_event", {"kind": repr(kind), "events": events})
