"""Caseload and capacity check for a worker or a team against the norm of its model.

Norms come from the shared `team_norms` parameter set (seed 002 §10: labour-market CM at
most 35 clients per case manager at one time and at most 2 hours a week for each client;
seed 004: ACT 1:8-1:10; Cochrane: ICM fewer than 20). A ratio (`per: fte`) is scaled by
each worker's FTE; a cap per person (`per: person`, the 35 of 002) is not: a case manager
on 1.2 FTE still manages at most 35 clients. Over the norm, the check says by how many
clients and how many more staff (FTE, or case managers for a cap per person) would bring
the caseload within it. The hours limit binds each client in each week (`_hours`): it is
checked on the worker's `contacts` (client, day, hours), never on an average — an average
above the limit shows some client-week is over it, one within it shows nothing. Missing
figures are unknown, never zero.
"""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ..engine import (
    ClientWeek,
    CodedValueError,
    FactsError,
    InputFileError,
    Message,
    PackInfo,
    ParamUse,
    Problem,
    RulePack,
    Status,
    YamlProblem,
    cite,
    client_weeks_over,
    date_field_message,
    default_pack,
    describe,
    exact,
    file_reason,
    format_text,
    iso_date,
    parse_yaml,
    regional_notes,
    unknown_value,
    week_of,
)
from ._team_model import caseload_norm, norm_parameters, team_model_doc
from ._team_spec import CaseloadNormSpec

WORKER_KEYS = ("code", "fte", "clients", "hours_per_client_week", "contacts")
CONTACT_KEYS = ("client", "day", "hours")
FILE_KEYS = ("team", "as_of", "norm", "workers", "expect", "note")


@attrs.frozen
class LoadCheck:
    """One worker's (or the whole team's) caseload against the norm.

    `status` is met when within the norm, not met when over it, unknown when a figure is
    missing. `over_by` is clients above the norm for the staff there is; `extra_fte` the
    staff (FTE) that would bring it within (exact), `extra_fte_rounded` rounded up to 0.1;
    under a cap per person (`per` is `person`) FTE does not count: `extra_workers` is how
    many more case managers would, and the FTE fields stay 0.

    Hours: `hours_status` is not met when some client had more than the limit in some
    week (`client_weeks_over`, from the worker's contacts) or when the average given
    (`hours_per_client_week`) is above it; unknown when there are no contacts and at most
    an average within the limit. `hours_max` is the most hours one client had in one week.
    """

    subject: str
    clients: int | None
    fte: float | None
    clients_per_fte: float | None
    status: Status
    over_by: float
    extra_fte: float
    extra_fte_rounded: float
    below_minimum: bool
    hours_per_client_week: float | None
    hours_status: Status | None
    hours_over_by: float
    per: str = "fte"
    extra_workers: int | None = None
    hours_max: float | None = None
    client_weeks_over: tuple[ClientWeek, ...] = ()


@attrs.frozen
class CaseloadResult:
    """The caseload check of a team: the norm used, each worker and the team as a whole."""

    norm: str
    scope: str
    workers: tuple[LoadCheck, ...]
    team: LoadCheck
    params: tuple[ParamUse, ...]
    as_of: datetime.date
    pack: PackInfo

    @property
    def status(self) -> Status:
        """Not met if the team or any worker is over the norm, unknown if any is unknown."""
        checks = (self.team, *self.workers) if self.scope == "worker" else (self.team,)
        values = [c.status for c in checks] + [c.hours_status for c in checks if c.hours_status is not None]
        if Status.NOT_MET in values:
            return Status.NOT_MET
        return Status.UNKNOWN if Status.UNKNOWN in values else Status.MET


def check_caseload(
    norm: str,
    workers: Sequence[Mapping[str, Any]],
    *,
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
) -> CaseloadResult:
    """Check a team's caseload against a norm (`labour_market`, `icm`, `act`).

    Raises `FactsError` naming every bad field (negative FTE, unknown keys, ...).

    >>> r = check_caseload("icm", [{"code": "W1", "fte": 1.0, "clients": 25}], as_of=datetime.date(2027, 1, 1))
    >>> r.workers[0].status.value, r.workers[0].over_by, r.workers[0].extra_fte_rounded
    ('not_met', 6.0, 0.4)
    """
    pack = pack or default_pack()
    doc = team_model_doc(pack)
    known = [n.id for n in doc.caseload_norms]
    spec = caseload_norm(doc, norm) if isinstance(norm, str) and norm in known else None
    if spec is None:
        raise FactsError(
            Message("summary.unknown_norm"), [Problem(_unknown_norm(norm, known), "$.norm", kind="figure")]
        )
    checked = _validate_workers(workers, spec)
    on = as_of if as_of is not None else datetime.date.today()
    uses = pack.parameter_set(doc.norms).params_at(on)
    limits = {n: uses[n] for n in norm_parameters(spec)}
    worker_checks = tuple(
        _check(
            str(w.get("code") or f"#{i + 1}"),
            w.get("clients"),
            w.get("fte"),
            _hours_check(w, spec, limits),
            spec,
            limits,
            1,
        )
        for i, w in enumerate(checked)
    )
    total_clients = _sum(w.get("clients") for w in checked)
    total_fte = _sum(w.get("fte") for w in checked)
    hours = _team_hours_check(checked, worker_checks) if spec.max_hours_per_client_week is not None else _NO_HOURS
    team = _check("team", total_clients, total_fte, hours, spec, limits, len(checked))
    return CaseloadResult(spec.id, spec.scope, worker_checks, team, tuple(limits.values()), on, pack.info)


def _unknown_norm(norm: Any, known: Sequence[str]) -> Message:
    """No caseload norm of this name: the norms there are, and the closest if one is close."""
    close = difflib.get_close_matches(norm, known, n=1) if isinstance(norm, str) else []
    values = {"value": describe(norm), "known": ", ".join(known)}
    if close:
        return Message("caseload.unknown_norm_close", {**values, "close": close[0]})
    return Message("caseload.unknown_norm", values)


@attrs.frozen
class _Hours:
    average: float | None = None
    status: Status | None = None
    over_by: float = 0.0
    most: float | None = None
    over: tuple[ClientWeek, ...] = ()


_NO_HOURS = _Hours()


def _hours_check(worker: Mapping[str, Any], spec: CaseloadNormSpec, limits: Mapping[str, ParamUse]) -> _Hours:
    """A worker's hours for each client in each week against the norm's limit (002 §10)."""
    average = worker.get("hours_per_client_week")
    if spec.max_hours_per_client_week is None:
        return _Hours(average)
    limit = limits[spec.max_hours_per_client_week].value
    cap = Fraction(str(limit))
    contacts = worker.get("contacts")
    if contacts is not None:
        weeks = client_weeks_over(((c["client"], c["day"], c["hours"]) for c in contacts), limit)
        most = float(max(_week_totals(contacts).values(), default=Fraction(0)))
        status = Status.NOT_MET if weeks else Status.MET
        if average is not None and Fraction(str(average)) > cap:
            status = Status.NOT_MET  # the mean of the client-weeks is above the limit, so one of them is
        return _Hours(average, status, max((w.over_by for w in weeks), default=0.0), most, weeks)
    if average is None:
        return _Hours(None, Status.UNKNOWN)
    excess = Fraction(str(average)) - cap
    if excess > 0:  # no client-week can be below an average above the limit without another above it
        return _Hours(average, Status.NOT_MET, float(excess))
    return _Hours(average, Status.UNKNOWN)  # an average within the limit does not show every client-week is


def _week_totals(contacts: Sequence[Mapping[str, Any]]) -> dict[tuple[str, datetime.date], Fraction]:
    totals: dict[tuple[str, datetime.date], Fraction] = {}
    for c in contacts:
        key = (c["client"], week_of(c["day"]))
        totals[key] = totals.get(key, Fraction(0)) + exact(c["hours"])
    return totals


def _team_hours_check(workers: Sequence[Mapping[str, Any]], checks: Sequence[LoadCheck]) -> _Hours:
    """The team's hours: over when a worker's are, unknown when one's are unknown, within when all are."""
    statuses = [c.hours_status for c in checks]
    status = (
        Status.NOT_MET if Status.NOT_MET in statuses else Status.UNKNOWN if Status.UNKNOWN in statuses else Status.MET
    )
    most = [c.hours_max for c in checks]
    return _Hours(
        _team_hours(workers),
        status,
        max((c.hours_over_by for c in checks), default=0.0),
        None if any(m is None for m in most) else max(m for m in most if m is not None),
        tuple(w for c in checks for w in c.client_weeks_over),
    )


def _team_hours(workers: Sequence[Mapping[str, Any]]) -> float | None:
    """Hours per client per week across the team, weighted by each worker's clients."""
    total = Fraction(0)
    clients = 0
    for worker in workers:
        hours, count = worker.get("hours_per_client_week"), worker.get("clients")
        if hours is None or count is None:
            return None
        total += Fraction(str(hours)) * count
        clients += count
    return float(total / clients) if clients else None


def _sum(values: Any) -> Any:
    values = list(values)
    if any(v is None for v in values):
        return None
    return sum(values)


def _check(
    subject: str,
    clients: int | None,
    fte: float | None,
    hours: _Hours,
    spec: CaseloadNormSpec,
    limits: Mapping[str, ParamUse],
    people: int,
) -> LoadCheck:
    """One worker's (`people` 1) or the team's caseload against the norm."""
    max_clients = Fraction(str(limits[spec.max_clients].value))

    def load(
        status: Status,
        per_fte: float | None,
        over: float = 0.0,
        extra: float = 0.0,
        rounded: float = 0.0,
        below: bool = False,
        workers: int | None = None,
    ) -> LoadCheck:
        return LoadCheck(
            subject,
            clients,
            fte,
            per_fte,
            status,
            over,
            extra,
            rounded,
            below,
            hours.average,
            hours.status,
            hours.over_by,
            per=spec.per,
            extra_workers=workers,
            hours_max=hours.most,
            client_weeks_over=hours.over,
        )

    if spec.per == "person":  # a cap for each case manager: FTE neither raises nor lowers it
        per_fte = float(Fraction(clients) / Fraction(str(fte))) if clients is not None and fte else None
        if clients is None:
            return load(Status.UNKNOWN, per_fte)
        excess = Fraction(clients) - max_clients * people
        more = max(math.ceil(Fraction(clients) / max_clients) - people, 0)
        return load(Status.of(excess <= 0), per_fte, float(max(excess, Fraction(0))), workers=more)
    if clients is None or fte is None:
        return load(Status.UNKNOWN, None)
    f = Fraction(str(fte))
    over = Fraction(clients) - max_clients * f
    needed = Fraction(clients) / max_clients - f
    below = False
    if spec.min_clients is not None and f > 0:
        below = Fraction(clients) / f < Fraction(str(limits[spec.min_clients].value))
    per_fte = float(Fraction(clients) / f) if f > 0 else None
    extra = max(needed, Fraction(0))
    return load(
        Status.of(over <= 0), per_fte, float(max(over, Fraction(0))), float(extra), math.ceil(extra * 10) / 10, below
    )


MAX_CLIENTS = 1_000_000
"""Most clients on one caseload line: far above any team, low enough for exact arithmetic."""
FTE_RANGE = (0.001, 1000.0)
"""A worker's FTE is 0 (no time) or from 0.001 (about 2 minutes a week) to 1000; the caseload
arithmetic divides by it, so a far smaller FTE would overflow."""
MAX_HOURS_PER_WEEK = 168
"""Hours per client per week cannot exceed the hours in a week."""
_RANGES = {"fte": FTE_RANGE, "clients": (0, MAX_CLIENTS), "hours_per_client_week": (0, MAX_HOURS_PER_WEEK)}


def _validate_workers(workers: Any, spec: CaseloadNormSpec) -> list[dict[str, Any]]:
    if not isinstance(workers, Sequence) or isinstance(workers, (str, bytes)) or not workers:
        raise FactsError(
            Message("summary.workers_empty"), [Problem(Message("caseload.workers_empty"), "$.workers", kind="figure")]
        )
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    for index, worker in enumerate(workers):
        path = f"$.workers[{index}]"
        if not isinstance(worker, Mapping):
            problems.append(Problem(Message("caseload.worker_not_mapping"), path, kind="figure"))
            continue
        read: list[dict[str, Any]] | None = None
        for key, value in worker.items():
            if key not in WORKER_KEYS:
                problems.append(Problem(_unknown_field(key, WORKER_KEYS), f"{path}.{key}", kind="figure"))
            elif value is None or key == "code":
                if key == "code" and value is not None and not isinstance(value, str):
                    problems.append(
                        Problem(Message("file.code_not_text", {"key": "code"}), f"{path}.code", kind="figure")
                    )
            elif key == "clients" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                problems.append(
                    Problem(
                        Message("caseload.clients_not_count", {"value": describe(value)}),
                        f"{path}.clients",
                        kind="figure",
                    )
                )
            elif key in ("fte", "hours_per_client_week") and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
            ):
                problems.append(
                    Problem(
                        Message("caseload.not_number", {"key": key, "value": describe(value)}),
                        f"{path}.{key}",
                        kind="figure",
                    )
                )
            elif key == "contacts":
                if spec.max_hours_per_client_week is None:
                    problems.append(
                        Problem(
                            Message("caseload.no_hours_limit", {"norm": spec.id, "key": key}),
                            f"{path}.{key}",
                            kind="figure",
                        )
                    )
                else:
                    read = _contacts(value, f"{path}.contacts", problems)
            elif value > 0 and not _RANGES[key][0] <= value <= _RANGES[key][1]:
                low, high = _RANGES[key]
                bounds = {"value": describe(value), "key": key, "low": _whole(low), "high": _whole(high)}
                problems.append(Problem(Message("caseload.out_of_range", bounds), f"{path}.{key}", kind="figure"))
            elif key == "hours_per_client_week" and spec.max_hours_per_client_week is None:
                problems.append(
                    Problem(
                        Message("caseload.no_hours_limit", {"norm": spec.id, "key": key}),
                        f"{path}.{key}",
                        kind="figure",
                    )
                )
        if (
            isinstance(worker.get("fte"), (int, float))
            and not isinstance(worker.get("fte"), bool)
            and worker["fte"] == 0
            and worker.get("clients")
        ):
            problems.append(Problem(Message("caseload.fte_zero"), f"{path}.fte", kind="figure"))
        out.append({**worker, "contacts": read} if read is not None else dict(worker))
    if problems:
        raise FactsError(Message("summary.team_figures_invalid"), problems)
    return out


def _unknown_field(key: Any, allowed: Sequence[str]) -> Message:
    """An unknown field of a worker or a contact; a bare `on` (YAML's true) is told to be `day`."""
    if key is True:
        return Message("caseload.contact_bare_on", {"allowed": ", ".join(allowed)})
    return Message("file.unknown_field", {"key": str(key), "allowed": ", ".join(allowed)})


def _contacts(value: Any, path: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """A worker's contacts — `{client, day, hours}` each — checked, with dates read; problems named by path.

    The day's key is `day`, not `on`: YAML reads a bare `on` as the boolean true.
    """
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        problems.append(Problem(Message("caseload.contacts_not_list"), path, kind="figure"))
        return []
    out: list[dict[str, Any]] = []
    for index, contact in enumerate(value):
        here = f"{path}[{index}]"
        if not isinstance(contact, Mapping):
            problems.append(Problem(Message("caseload.contact_not_mapping"), here, kind="figure"))
            continue
        ok = True
        for key in contact:
            if key not in CONTACT_KEYS:
                ok = False
                problems.append(Problem(_unknown_field(key, CONTACT_KEYS), f"{here}.{key}", kind="figure"))
        for key in CONTACT_KEYS:
            if contact.get(key) is None:
                ok = False
                problems.append(
                    Problem(Message("caseload.contact_missing", {"key": key}), f"{here}.{key}", kind="figure")
                )
        client, day, hours = contact.get("client"), contact.get("day"), contact.get("hours")
        if client is not None and (not isinstance(client, str) or not client.strip()):
            ok = False
            problems.append(Problem(Message("file.code_not_text", {"key": "client"}), f"{here}.client", kind="figure"))
        if isinstance(day, str):
            try:
                day = iso_date(day)
            except CodedValueError as err:
                ok = False
                problems.append(Problem(err.message, f"{here}.day", kind="figure"))
        elif day is not None and (not isinstance(day, datetime.date) or isinstance(day, datetime.datetime)):
            ok = False
            problems.append(
                Problem(Message("caseload.day_not_date", {"value": describe(day)}), f"{here}.day", kind="figure")
            )
        if hours is not None and (
            isinstance(hours, bool)
            or not isinstance(hours, (int, float))
            or not math.isfinite(hours)
            or not 0 <= hours <= MAX_HOURS_PER_WEEK
        ):
            ok = False
            problems.append(
                Problem(
                    Message("caseload.hours_range", {"limit": MAX_HOURS_PER_WEEK, "value": describe(hours)}),
                    f"{here}.hours",
                    kind="figure",
                )
            )
        if ok:
            out.append({"client": client, "day": day, "hours": hours})
    return out


# ---------------------------------------------------------------- team files


@attrs.frozen
class TeamFile:
    """A parsed team file: pseudonymous team code, norm, workers."""

    norm: Any
    workers: Any
    file: str
    code: str | None = None
    as_of: datetime.date | None = None
    expect: dict[str, Any] | None = None
    lines: dict[str, int] = attrs.Factory(dict)


def read_team(path: Path | str) -> TeamFile:
    """Read a team file (YAML or JSON); raise `InputFileError` naming file, line and key."""
    path = Path(path)
    try:
        located = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(
            Message("summary.team_unreadable"),
            [Problem(Message("io.unreadable", {"reason": file_reason(err)}), file=str(path), kind="io")],
        ) from err
    except YamlProblem as err:
        raise InputFileError(Message("summary.team_unreadable"), [err.problem]) from err
    data, file = located.data, located.file
    if not isinstance(data, dict):
        raise InputFileError(
            Message("summary.not_team_file"), [Problem(Message("caseload.not_team_file"), file=file, line=1)]
        )
    allowed = ", ".join(FILE_KEYS)
    problems = [
        Problem(Message("key.unknown", {"key": str(k), "allowed": allowed}), f"$.{k}", file, located.line((k,)))
        for k in data
        if k not in FILE_KEYS
    ]
    for key in ("norm", "workers"):
        if key not in data:
            problems.append(Problem(Message("key.missing", {"key": key}), f"$.{key}", file, 1))
    as_of = data.get("as_of")
    if (message := date_field_message(as_of)) is not None:
        problems.append(Problem(message, "$.as_of", file, located.line(("as_of",))))
    if problems:
        raise InputFileError(Message("summary.team_file_invalid"), problems)
    workers = data["workers"] if isinstance(data["workers"], list) else []
    lines = {
        f"$.workers[{i}].{k}": located.line(("workers", i, k)) or 0
        for i, w in enumerate(workers)
        if isinstance(w, dict)
        for k in w
    }
    for i, w in enumerate(workers):  # each contact and its fields, so a bad contact is named at its line
        contacts = w.get("contacts") if isinstance(w, dict) else None
        for j, contact in enumerate(contacts if isinstance(contacts, list) else []):
            lines[f"$.workers[{i}].contacts[{j}]"] = located.line(("workers", i, "contacts", j)) or 0
            for k in contact if isinstance(contact, dict) else ():
                lines[f"$.workers[{i}].contacts[{j}].{k}"] = located.line(("workers", i, "contacts", j, k)) or 0
    lines["$.norm"] = located.line(("norm",)) or 0
    lines["$.workers"] = located.line(("workers",)) or 0
    return TeamFile(data["norm"], data["workers"], file, data.get("team"), as_of, data.get("expect"), lines)


def locate_team_errors(err: FactsError, team: TeamFile) -> FactsError:
    """The same error with file and line of each problem."""
    relocated = err.with_problems(
        [
            attrs.evolve(p, file=team.file, line=team.lines.get(p.path) or team.lines.get(p.path.rsplit(".", 1)[0]))
            for p in err.problems
        ]
    )
    assert isinstance(relocated, FactsError)
    return relocated


# ---------------------------------------------------------------- explaining


def render_caseload_text(result: CaseloadResult, pack: RulePack, lang: str = "en", code: str | None = None) -> str:
    """A plain-text caseload report in `lang`."""
    doc = team_model_doc(pack)
    spec = caseload_norm(doc, result.norm)
    assert spec is not None
    t = pack.texts

    def label(key: str) -> str:
        return t[key][lang]

    values = {u.name: _whole(u.value) for u in result.params}
    lines = [
        *([code] if code else []),
        f"{label('caseload.title')}: {spec.label[lang]}",
        f"{label('caseload.norm')}: {format_text(spec.text[lang], lang, values)}",
        f"  {label('label.source')}: {cite(spec.source.ref, t, lang)}",
        "",
    ]
    lines[-1:-1] = [
        f"  {note}" for note in regional_notes(pack, doc.norms, [u.name for u in result.params], result.as_of, lang)
    ]  # a region's own value, with its source
    checks = (*result.workers, result.team) if result.scope == "worker" else (result.team,)
    limit = values.get(spec.max_hours_per_client_week or "", "")
    for c in checks:
        subject = label("caseload.team") if c.subject == "team" else c.subject
        people = len(result.workers) if c.subject == "team" else 1
        lines.append(f"[{label('caseload.status.' + c.status.value)}] {subject}: " + _load_text(c, t, lang, people))
        if c.status is Status.NOT_MET and c.per == "person":
            lines.append(
                "      "
                + format_text(
                    label("caseload.over_person"),
                    lang,
                    {"over": round(c.over_by), "cap": values[spec.max_clients], "extra": c.extra_workers or 0},
                )
            )
        elif c.status is Status.NOT_MET:
            lines.append(
                "      "
                + format_text(
                    label("caseload.over"),
                    lang,
                    {"over": _whole(round(c.over_by, 2)), "extra": _whole(c.extra_fte_rounded)},
                )
            )
        if c.below_minimum:
            lines.append("      " + label("caseload.below_minimum"))
        if spec.max_hours_per_client_week is not None:
            lines += ["      " + line for line in _hours_lines(c, t, lang, limit)]
    lines += ["", f"{label('caseload.overall')}: {label('caseload.status.' + result.status.value)}"]
    lines.append(
        f"{label('label.as_of')}: {result.as_of.isoformat()}   {label('label.pack')}: {result.pack.id} {result.pack.version} ({result.pack.content_hash[:19]})"
    )
    return "\n".join(lines)


def _hours_lines(c: LoadCheck, texts: Mapping[str, Mapping[str, str]], lang: str, limit: Any) -> list[str]:
    """What the hours of each client in each week show: each client-week over the limit, all within, or why it is not known."""
    if c.client_weeks_over:
        return [
            format_text(
                texts["caseload.client_week_over"][lang],
                lang,
                {
                    "client": w.client,
                    "week": w.week.isoformat(),
                    "hours": _whole(w.hours),
                    "over": _whole(round(w.over_by, 2)),
                    "limit": limit,
                },
            )
            for w in c.client_weeks_over
        ]
    average = _whole(round(c.hours_per_client_week, 2)) if c.hours_per_client_week is not None else None
    if c.hours_status is Status.NOT_MET:
        return [format_text(texts["caseload.hours_average_over"][lang], lang, {"hours": average, "limit": limit})]
    if c.hours_status is Status.MET:
        return [
            format_text(
                texts["caseload.hours_within"][lang],
                lang,
                {"limit": limit, "most": _whole(c.hours_max if c.hours_max is not None else 0)},
            )
        ]
    if average is not None:
        return [format_text(texts["caseload.hours_average_only"][lang], lang, {"hours": average, "limit": limit})]
    return [texts["caseload.hours_unknown"][lang]]


def _load_text(c: LoadCheck, texts: Mapping[str, Mapping[str, str]], lang: str, people: int = 1) -> str:
    """`24 clients on 1 FTE (24.0 per FTE)`, or which of the two is not known; under a cap per person, the clients (for how many case managers)."""
    if c.per == "person" and c.clients is not None:
        if c.subject == "team":
            return format_text(texts["caseload.load_people"][lang], lang, {"clients": c.clients, "workers": people})
        return format_text(texts["caseload.load_person"][lang], lang, {"clients": c.clients})
    if c.clients is None and c.fte is None:
        return texts["caseload.load_unknown"][lang]
    if c.clients is None:
        return format_text(texts["caseload.clients_unknown"][lang], lang, {"fte": _whole(c.fte)})
    if c.fte is None:
        return format_text(texts["caseload.fte_unknown"][lang], lang, {"clients": _whole(c.clients)})
    per_fte = round(c.clients_per_fte, 1) if c.clients_per_fte is not None else unknown_value(texts, lang)
    return format_text(
        texts["caseload.load"][lang], lang, {"clients": _whole(c.clients), "fte": _whole(c.fte), "per_fte": per_fte}
    )


def _whole(value: Any) -> Any:
    """A whole float as the integer it is (`2.0` is written `2`); any other value as it is.

    Numbers stay numbers: `format_text` writes them in the text's language (`1,5` in cs, hu, de).
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
