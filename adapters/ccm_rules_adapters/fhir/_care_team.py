"""FHIR CareTeam → team-model facts, and the team-model answer back as an OperationOutcome.

A CareTeam can tell three team-model facts, and only when its participants say enough:
`case_lead` (who leads the case — read from the participants' *roles*: one worker leading
alone, or services carrying the case together; never from how many participants there
are), `single_organisation` (do the services all act for one organisation) and
`concurrent_services` (how many distinct services take part — shown, but it decides
nothing: 003 §a lets other services enter an individual case too). Which member types are
services and which roles name the lead and the key worker is data (`data/care_team.yaml`).
Every other team-model fact (overlap, crises, severe mental illness, …) stays unknown, so
the answer is provisional and asks for them; life domains come from social-need
Conditions/Observations in the same Bundle.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from ccm_rules import FactsError, Problem, RulePack
from ccm_rules.engine import default_pack
from ccm_rules.team import (
    TeamModelExplanation,
    TeamModelRecommendation,
    explain_team_model,
    recommend_team_model,
    team_fact_specs,
    team_model_doc,
    team_rulesets,
)

from ._mapping import DATA, FhirMapping, load_data_file, load_mapping
from ._resources import Entry, FhirVersion, dump, parse
from ._social import social_domains

Kind = Literal["service", "several", "not_service", "unknown"]
Alias = tuple[str, str]
"""One name of a resource: (`ref`, `Organization/o1`), (`url`, `urn:uuid:…`), (`identifier|<system>`, value)."""

_RELATIVE = re.compile(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(/_history/.+)?")
_ABSOLUTE = re.compile(r".+/([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(/_history/.+)?")
SOCIAL = ("Condition", "Observation")
READ = (
    "CareTeam",
    "Organization",
    "PractitionerRole",
    "Practitioner",
    "HealthcareService",
    "Patient",
    "RelatedPerson",
    *SOCIAL,
)


# ---------------------------------------------------------------- the mapping (data)


@attrs.frozen
class MemberTypes:
    """CareTeam member types of one kind, and why."""

    types: list[str]
    rationale: str


@attrs.frozen
class Members:
    """Which member types are one service, possibly several services, or no service."""

    services: MemberTypes
    several_services: MemberTypes
    not_services: MemberTypes


@attrs.frozen
class Statuses:
    """CareTeam.status codes whose participants are read, and those that are not."""

    read: list[str]
    not_read: list[str]
    rationale: str


@attrs.frozen
class RoleCode:
    """A participant role coding that names the key worker, with where it was checked."""

    system: str
    code: str
    display: str
    verified: bool
    source: str


@attrs.frozen
class RoleGroup:
    """Participant role codings of one meaning, and why they mean it."""

    codes: list[RoleCode]
    rationale: str


@attrs.frozen
class LeadRoles:
    """The roles that say who leads the case: one worker alone, or services together (003 §a-b)."""

    alone: RoleGroup
    together: RoleGroup


@attrs.frozen
class CareTeamMapping:
    """How CareTeam participants become team-model facts (see data/care_team.yaml)."""

    members: Members
    on_behalf_of_types: list[str]
    statuses: Statuses
    key_worker_roles: list[RoleCode]
    lead_roles: LeadRoles

    def kind(self, member_type: str | None) -> Kind:
        """What a member of this type is; `unknown` when the type cannot be told."""
        groups: tuple[tuple[Kind, MemberTypes], ...] = (
            ("service", self.members.services),
            ("several", self.members.several_services),
            ("not_service", self.members.not_services),
        )
        return next((kind for kind, group in groups if member_type in group.types), "unknown")

    @property
    def member_types(self) -> tuple[str, ...]:
        return (*self.members.services.types, *self.members.several_services.types, *self.members.not_services.types)


def load_care_team_mapping(path: Path | str | None = None) -> CareTeamMapping:
    """Read a CareTeam mapping file; unknown or missing keys are refused with their path."""
    return _load(str(Path(path) if path is not None else DATA / "care_team.yaml"))


@functools.cache
def _load(file: str) -> CareTeamMapping:
    return load_data_file(file, CareTeamMapping, "CareTeam mapping")


# ---------------------------------------------------------------- participants → facts


@attrs.frozen
class Participant:
    """One CareTeam participant as the mapping sees it; empty alias sets mean "not known"."""

    path: str
    kind: Kind
    member: str | None
    organisation: frozenset[Alias]
    service: frozenset[Alias]
    roles: tuple[tuple[str | None, str | None, str | None], ...]


@attrs.frozen
class KeyWorker:
    """A participant whose role names the key worker: where, who (a reference, never a name), which role."""

    path: str
    member: str | None
    role: str


@attrs.frozen
class CareTeamFacts:
    """What one CareTeam tells: the facts (unknowns left out), where each came from, notes, key workers."""

    facts: dict[str, Any]
    where: dict[str, str]
    notes: tuple[Problem, ...]
    key_workers: tuple[KeyWorker, ...]
    participants: tuple[Participant, ...]
    start: datetime.date | None


class Resolver:
    """Finds what a Reference points to: a contained resource, or a Bundle entry by fullUrl or Type/id."""

    def __init__(self, entries: Sequence[Entry], container: Any = None) -> None:
        self._found: dict[str, Any] = {}
        for entry in entries:
            url, resource = entry.full_url, entry.resource
            if url:
                self._found[url] = resource
                if absolute := _ABSOLUTE.fullmatch(url):
                    self._found.setdefault(f"{absolute.group(1)}/{absolute.group(2)}", resource)
            if resource.id:
                self._found.setdefault(f"{resource.get_resource_type()}/{resource.id}", resource)
        for contained in getattr(container, "contained", None) or []:
            if contained.id:
                self._found[f"#{contained.id}"] = contained

    def resolve(self, ref: Any) -> Any:
        """The resource a Reference points to, if the Bundle or the container holds it."""
        text = getattr(ref, "reference", None)
        return self._found.get(text) if text else None

    def type_of(self, ref: Any) -> str | None:
        """The referenced resource's type: `Reference.type`, the resource found, or the reference text."""
        found = self.resolve(ref)
        if found is not None:
            return str(found.get_resource_type())
        if ref.type:
            return str(ref.type).rsplit("/", 1)[-1]
        text = ref.reference or ""
        match = _RELATIVE.fullmatch(text) or _ABSOLUTE.fullmatch(text)
        return match.group(1) if match else None

    def aliases(self, ref: Any) -> frozenset[Alias]:
        """Every name the referenced resource goes by here; two references name one resource when these meet."""
        if ref is None:
            return frozenset()
        out: set[Alias] = set()
        found = self.resolve(ref)
        text = ref.reference
        if found is not None:
            if text and text.startswith("#"):
                out.add(("contained", text))
            elif found.id:
                out.add(("ref", f"{found.get_resource_type()}/{found.id}"))
            elif text:
                out.add(("url", text))
            out.update(_identifiers(getattr(found, "identifier", None) or []))
        elif text:
            relative, absolute = _RELATIVE.fullmatch(text), _ABSOLUTE.fullmatch(text)
            if relative:
                out.add(("ref", f"{relative.group(1)}/{relative.group(2)}"))
            else:  # an absolute URL names one resource whatever its version (`/_history/2`)
                out.add(("url", text[: absolute.start(3)] if absolute and absolute.group(3) else text))
        if ref.identifier is not None:
            out.update(_identifiers([ref.identifier]))
        return frozenset(out)


def _identifiers(identifiers: Iterable[Any]) -> set[Alias]:
    return {(f"identifier|{i.system}", str(i.value)) for i in identifiers if i.system and i.value}


def same(a: frozenset[Alias], b: frozenset[Alias]) -> bool | None:
    """Do two alias sets name one resource? True if they share a name, False if they share a kind of
    name (both `ref`, or identifiers of one system) but no name, None if that cannot be told."""
    if a & b:
        return True
    if {kind for kind, _ in a} & {kind for kind, _ in b}:
        return False
    return None


def read_participants(
    team: Any, path: str, resolver: Resolver, mapping: CareTeamMapping, as_of: datetime.date
) -> tuple[list[Participant], list[Problem]]:
    """The CareTeam's current participants; bad references and codes are problems naming the element."""
    problems: list[Problem] = []
    notes: list[Problem] = []
    out: list[Participant] = []
    for index, item in enumerate(team.participant or []):
        where = f"{path}.participant[{index}]"
        member_type = resolver.type_of(item.member) if item.member is not None else None
        if member_type is not None and member_type not in mapping.member_types:
            problems.append(
                Problem(
                    f"a {member_type} cannot be a CareTeam member; members are {', '.join(mapping.member_types)}",
                    f"{where}.member",
                    kind="fhir",
                )
            )
        behalf = resolver.type_of(item.onBehalfOf) if item.onBehalfOf is not None else None
        if behalf is not None and behalf not in mapping.on_behalf_of_types:
            problems.append(
                Problem(
                    f"onBehalfOf must name an {' or '.join(mapping.on_behalf_of_types)}, not a {behalf}",
                    f"{where}.onBehalfOf",
                    kind="fhir",
                )
            )
        if problems:
            continue  # refused below, with every other bad participant
        period = getattr(item, "period", None) or getattr(item, "coveragePeriod", None)
        end = period.end if period is not None else None
        if end is not None and _ended(end, as_of):
            notes.append(
                Problem(
                    f"took part until {end}; not counted on {as_of.isoformat()}",
                    where,
                    kind="skipped",
                    severity="information",
                )
            )
            continue
        kind = mapping.kind(member_type)
        if kind == "unknown":
            notes.append(
                Problem(
                    "the member's type is not known (no reference type, not in the Bundle): it may be another service",
                    f"{where}.member",
                    kind="skipped",
                    severity="information",
                )
            )
        role = resolver.resolve(item.member) if member_type == "PractitionerRole" and item.member is not None else None
        organisation = resolver.aliases(item.onBehalfOf) if item.onBehalfOf is not None else frozenset()
        if not organisation and member_type == "Organization":
            organisation = resolver.aliases(item.member)
        if not organisation and role is not None and role.organization is not None:
            organisation = resolver.aliases(role.organization)
        services = (role.healthcareService or []) if role is not None else []
        service = resolver.aliases(services[0]) if len(services) == 1 else frozenset()
        roles = item.role if isinstance(item.role, list) else [item.role] if item.role is not None else []
        codings = tuple((c.system, c.code, c.display) for concept in roles for c in (concept.coding or []))
        out.append(
            Participant(
                where, kind, item.member.reference if item.member is not None else None, organisation, service, codings
            )
        )
    if problems:
        raise FactsError("the CareTeam cannot be read", problems)
    return out, notes


def single_organisation(participants: Sequence[Participant]) -> bool | None:
    """False when two services act for different organisations; True when every pair surely acts
    for one; None otherwise (an organisation not given, a nested team, a member of unknown type)."""
    services = [p for p in participants if p.kind in ("service", "several")]
    pairs = [same(p.organisation, q.organisation) for i, p in enumerate(services) for q in services[i + 1 :]]
    if False in pairs:
        return False
    if not services or any(p.kind != "service" for p in participants if p.kind != "not_service") or None in pairs:
        return None
    return True


def concurrent_services(participants: Sequence[Participant]) -> int | None:
    """How many distinct services take part, when every pair of participants is surely the same
    service (one HealthcareService) or surely different (different services or organisations)."""
    services = [p for p in participants if p.kind != "not_service"]
    if not services or any(p.kind != "service" for p in services):
        return None
    groups = list(range(len(services)))

    def root(i: int) -> int:
        while groups[i] != i:
            i = groups[i]
        return i

    for i, p in enumerate(services):
        for j in range(i + 1, len(services)):
            q = services[j]
            if same(p.service, q.service):
                groups[root(j)] = root(i)
            elif same(p.service, q.service) is None and same(p.organisation, q.organisation) is not False:
                return None
    return len({root(i) for i in range(len(services))})


def key_workers(participants: Sequence[Participant], mapping: CareTeamMapping) -> tuple[KeyWorker, ...]:
    """Participants whose role is one of the mapping's key-worker roles."""
    codes: dict[tuple[str | None, str | None], RoleCode] = {(r.system, r.code): r for r in mapping.key_worker_roles}
    found = []
    for p in participants:
        match = next((codes[(s, c)] for s, c, _ in p.roles if (s, c) in codes), None)
        if (
            match is not None and p.kind != "not_service" and p.member is not None
        ):  # a role with no one in it names no one
            found.append(KeyWorker(p.path, p.member, match.display))
    return tuple(found)


def _has_role(participant: Participant, codes: Iterable[RoleCode]) -> bool:
    wanted = {(r.system, r.code) for r in codes}
    return any((s, c) in wanted for s, c, _ in participant.roles)


def case_lead(
    participants: Sequence[Participant], mapping: CareTeamMapping, path: str
) -> tuple[str | None, str | None, list[Problem]]:
    """Who leads the case, from the participants' roles: (`one_worker` / `services_together` / None,
    the element that says so, notes). The number of participants never decides it (003 §a)."""
    services = [p for p in participants if p.kind != "not_service" and p.member is not None]
    alone = [p for p in services if _has_role(p, mapping.lead_roles.alone.codes)]
    together = [p for p in services if _has_role(p, mapping.lead_roles.together.codes)]
    codes = ", ".join(
        f"{r.system}|{r.code}" for r in (*mapping.lead_roles.alone.codes, *mapping.lead_roles.together.codes)
    )
    if alone and together:
        where = ", ".join(p.path for p in (*alone, *together))
        return (
            None,
            None,
            [
                Problem(
                    f"the roles disagree on who leads the case: one participant leads it alone, another carries it together with the team ({where}); the lead is asked",
                    f"{path}.participant",
                    kind="question",
                    severity="warning",
                )
            ],
        )
    if len(alone) > 1:
        return (
            None,
            None,
            [
                Problem(
                    f"{len(alone)} participants each lead the case alone ({', '.join(p.path for p in alone)}); the lead is asked",
                    f"{path}.participant",
                    kind="question",
                    severity="warning",
                )
            ],
        )
    if together:
        return "services_together", together[0].path, []
    if alone:
        return "one_worker", alone[0].path, []
    return (
        None,
        None,
        [
            Problem(
                f"no participant's role says who leads the case ({codes}); the number of participants does not decide it, so the lead is asked",
                f"{path}.participant",
                kind="question",
                severity="information",
            )
        ],
    )


def care_team_facts(
    team: Any, path: str, resolver: Resolver, *, as_of: datetime.date, mapping: CareTeamMapping | None = None
) -> CareTeamFacts:
    """The team-model facts one CareTeam tells (unknowns left out), with notes on what was not read."""
    mapping = mapping or load_care_team_mapping()
    status = team.status
    known = (*mapping.statuses.read, *mapping.statuses.not_read)
    if status is not None and status not in known:
        raise FactsError(
            "the CareTeam cannot be read",
            [Problem(f"unknown status {status!r}; use one of: {', '.join(known)}", f"{path}.status", kind="fhir")],
        )
    start = _date(team.period.start) if team.period is not None and team.period.start is not None else None
    if status in mapping.statuses.not_read:
        note = Problem(
            f"a CareTeam with status {status!r} says nothing about the services working with the client now; its participants are not read",
            f"{path}.status",
            kind="skipped",
            severity="warning",
        )
        return CareTeamFacts({}, {}, (note,), (), (), start)
    participants, notes = read_participants(team, path, resolver, mapping, as_of)
    facts: dict[str, Any] = {}
    where: dict[str, str] = {}
    lead, lead_at, lead_notes = case_lead(participants, mapping, path)
    if lead is not None and lead_at is not None:
        facts["case_lead"] = lead
        where["case_lead"] = lead_at
    notes += lead_notes
    for name, value in (
        ("concurrent_services", concurrent_services(participants)),
        ("single_organisation", single_organisation(participants)),
    ):
        if value is not None:
            facts[name] = value
            where[name] = f"{path}.participant"
    if not [p for p in participants if p.kind != "not_service"]:
        notes.append(
            Problem(
                "the CareTeam names no service (only the client or family, or no one): nothing to count",
                f"{path}.participant",
                kind="skipped",
                severity="warning",
            )
        )
    found = key_workers(participants, mapping)
    if not found:
        roles = ", ".join(f"{r.system}|{r.code}" for r in mapping.key_worker_roles)
        notes.append(
            Problem(
                f"no participant's role names the key worker ({roles}); every team model needs one named",
                f"{path}.participant",
                kind="unmapped",
                severity="warning",
            )
        )
    return CareTeamFacts(facts, where, tuple(notes), found, tuple(participants), start)


def _ended(end: Any, as_of: datetime.date) -> bool:
    """Did a period end before `as_of`? A partial date (`2026-01`) ends with its last day."""
    if isinstance(end, datetime.datetime):
        return end.date() < as_of
    if isinstance(end, datetime.date):
        return end < as_of
    text = str(end)
    return text < as_of.isoformat()[: len(text)]


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    return datetime.date.fromisoformat(text) if len(text) == 10 else None  # a partial date gives no start day


# ---------------------------------------------------------------- the whole request


@attrs.frozen
class CareTeamAssessment:
    """A team-model answer from a CareTeam: the facts it gave, the key workers it names, the FHIR results."""

    recommendation: TeamModelRecommendation
    explanation: TeamModelExplanation
    facts: dict[str, Any]
    key_workers: tuple[KeyWorker, ...]
    subject: str | None
    notes: tuple[Problem, ...]
    results: tuple[dict[str, Any], ...]

    def bundle(self) -> dict[str, Any]:
        """The results as a FHIR `collection` Bundle (notes first, if any, then the answer)."""
        return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in self.results]}


def assess_care_team(
    entries: Sequence[Entry],
    *,
    version: FhirVersion = "R4B",
    lang: str = "en",
    as_of: datetime.date | None = None,
    pack: RulePack | None = None,
    mapping: FhirMapping | None = None,
    team_mapping: CareTeamMapping | None = None,
) -> CareTeamAssessment:
    """The team model for one CareTeam, from the parsed entries of a Bundle (see `entries`).

    The Bundle may also hold the Organizations, PractitionerRoles and HealthcareServices the
    participants reference, and social-need Conditions/Observations (life domains). The start
    of the CareTeam's period is the start of the cooperation (meeting dates count from it).
    Raises `FactsError` naming the FHIR element for a bad reference or code.
    """
    pack = pack or default_pack()
    on = as_of or datetime.date.today()
    teams = [e for e in entries if e.resource.get_resource_type() == "CareTeam"]
    if len(teams) != 1:
        raise FactsError(
            "expected one CareTeam",
            [
                Problem(
                    f"expected exactly one CareTeam, got {len(teams)}; send one request per team",
                    "Bundle.entry",
                    kind="fhir",
                )
            ],
        )
    team = teams[0].resource
    found = care_team_facts(team, teams[0].path, Resolver(entries, team), as_of=on, mapping=team_mapping)
    facts, where, notes = dict(found.facts), dict(found.where), list(found.notes)
    notes += [
        Problem(
            f"a {e.resource.get_resource_type()} is not read for the team model; send it in its own request",
            e.path,
            kind="skipped",
            severity="warning",
        )
        for e in entries
        if e.resource.get_resource_type() not in READ
    ]
    social = [(e.path, e.resource) for e in entries if e.resource.get_resource_type() in SOCIAL]
    if social:
        name, vocabulary = _domain_fact(pack)
        domains, social_notes = social_domains(social, vocabulary, mapping or load_mapping())
        notes += social_notes
        if domains:
            facts[name] = domains
            where[name] = "Bundle.entry"
    try:
        rec = recommend_team_model(facts, as_of=on, start=found.start, pack=pack)
    except FactsError as err:
        raise FactsError(
            "the CareTeam gives facts the team model refuses",
            [attrs.evolve(p, path=where.get(p.path.removeprefix("$.").split(".")[0], p.path)) for p in err.problems],
        ) from err
    explanation = explain_team_model(rec, pack, lang)
    subject = team.subject.reference if team.subject is not None else None
    results = (
        _outcome([*notes], version) if notes else None,
        team_model_outcome(explanation, found.key_workers, pack, version),
    )
    return CareTeamAssessment(
        rec, explanation, facts, found.key_workers, subject, tuple(notes), tuple(r for r in results if r is not None)
    )


def _domain_fact(pack: RulePack) -> tuple[str, Any]:
    rulesets = team_rulesets(team_model_doc(pack), pack)
    name, spec = next((n, s) for n, s in team_fact_specs(rulesets).items() if s.type == "domain_statuses")
    return name, next(r.vocabularies[spec.vocabulary or ""] for r in rulesets if spec.vocabulary in r.vocabularies)


def _outcome(problems: list[Problem], version: FhirVersion) -> dict[str, Any]:
    from ._results import operation_outcome

    return operation_outcome(problems, version)


def key_worker_lines(ex: TeamModelExplanation, workers: Sequence[KeyWorker], pack: RulePack) -> list[str]:
    """The key worker(s) the CareTeam names, under the pack's key-worker heading, in the answer's language."""
    heading = pack.texts["team.heading.key_worker"][ex.lang]
    return [f"{heading} (CareTeam): {w.member or '—'} — {w.role} @ {w.path}" for w in workers]


def team_model_outcome(
    ex: TeamModelExplanation, workers: Sequence[KeyWorker], pack: RulePack, version: FhirVersion
) -> dict[str, Any]:
    """The team-model answer in words: the headline, then each axis (who leads, team, mode,
    intensity), key worker (and who fills it), conference, meetings, caseload norm, program
    side, each ruleset's criteria, and the questions still open."""
    t = pack.texts

    def info(text: str, code: str = "informational", expression: str | None = None) -> dict[str, Any]:
        return {
            "severity": "information",
            "code": code,
            "diagnostics": text,
            **({"expression": [expression]} if expression else {}),
        }

    settled = (
        t["team.settled"][ex.lang]
        if ex.settled
        else t["team.provisional"][ex.lang].format(models=", ".join(ex.possible))
    )
    issues = [info(f"{ex.title}: {ex.model_label}. {ex.summary}"), info(settled)]
    issues.append(info(f"{t['team.heading.lead'][ex.lang]}: {ex.lead}"))
    if ex.organisation is not None:
        issues.append(info(f"{t['team.heading.organisation'][ex.lang]}: {ex.organisation}"))
    if ex.mode is not None:
        issues.append(info(f"{t['team.heading.mode'][ex.lang]}: {ex.mode}"))
    issues.append(info(f"{t['team.heading.intensity'][ex.lang]}: {ex.intensity}"))
    issues.append(info(f"{t['team.heading.key_worker'][ex.lang]}: {ex.key_worker}"))
    issues += [
        info(line, expression=w.path) for line, w in zip(key_worker_lines(ex, workers, pack), workers, strict=True)
    ]
    issues.append(info(f"{t['team.heading.conference'][ex.lang]}: {ex.conference}"))
    issues.append(
        info(f"{t['team.heading.meetings'][ex.lang]}: {ex.meetings}" + (f" {ex.cadence}" if ex.cadence else ""))
    )
    issues.append(info(f"{t['team.heading.caseload'][ex.lang]}: {ex.caseload_norm}"))
    if ex.program is not None:
        issues.append(info(f"{t['team.heading.program'][ex.lang]}: {ex.program}"))
    issues += [info(f"{t['team.heading.note'][ex.lang]}: {note}") for note in ex.notes]
    issues += [
        info(f"[{c.status_label}] {c.id} {c.title}: {c.reason} ({c.source_title})")
        for part in ex.parts
        for c in part.criteria
    ]
    issues += [info(q, "incomplete") for q in ex.questions]
    return dump(parse({"resourceType": "OperationOutcome", "issue": issues}, version))
