"""The labour-market case records of seed 002 as attrs classes.

Seed `002_d392965ea9d1d7b7.txt` makes the documentation part of the service: §8.2 (lines
188-195) lists the individual plan, the clients' data-processing declarations, the code
register, the service log, the case log and the follow-up documents; §5 item 3 (line 98)
adds the services that were not suitable or not taken up, with their reasons and next
steps; §4.1 (line 48) and §5 item 5 (line 100) the feedback to the plan's author and the
commissioner; §8.1 (lines 184-187) the base data and the anonymous satisfaction survey at
the end of the service.

Every record except the code register's own entry names the client by a pseudonymous code
only: "a további nyilvántartásokban ezekre, kódokra hivatkozva kell azokat vezetni"
(002 §8.2, line 192 — the further records must be kept by reference to these codes). A
record is a log entry: it is never changed; a correction is a new entry whose `corrects`
names the entry it replaces.

A fact that was not recorded is None — unknown, never "no" (DOMAIN.md §6).
"""

from __future__ import annotations

import datetime
from typing import ClassVar, Literal

import attrs

AgeBand = Literal["15-24", "25-34", "35-49", "50-64", "65+"]
"""Age bands of the base data (002 §8.1 "kora", line 184); project policy: bands, never a birth date, outside the register."""
Sex = Literal["female", "male", "other"]
Education = Literal["below_6_grades", "primary", "lower_secondary", "vocational", "upper_secondary", "tertiary"]
"""Highest completed education (002 §8.1 "iskolai végzettsége"; §2.2: "legalább befejezett 6 osztállyal")."""
PriorStatus = Literal[
    "job_seeker", "long_term_unemployed", "inactive", "returning_from_parental_leave", "changed_working_capacity"
]
"""Prior labour-market status (002 §8.1 "előzetes munkaerő-piaci státusa"; the groups of §2.1-2.2)."""
Route = Literal["labour_office", "other_provider", "own_register"]
"""How the client came to the service (002 §3, lines 35-39)."""
PlanKind = Literal["development_plan", "rehabilitation_plan", "cooperation_agreement"]
"""The individual plan's forms (002 §3, line 42): "egyéni fejlesztési terv, rehabilitációs terv, … együttműködési megállapodás"."""
MeasureKind = Literal["service", "training", "qualification", "job_search", "administration", "other"]
Outcome = Literal["training_entered", "training_completed", "qualification", "employed", "job_kept"]
"""The labour-market consequences (002 §8.1, line 184; §6 impact indicators, lines 103-140)."""
Realisation = Literal["realised", "partly_realised", "not_realised"]
LeadRole = Literal["head", "professional_lead"]
"""Who countersigns a service event (002 §8.2, line 193): "a szolgáltató szervezet vezetője és/vagy a szakmai vezető"."""
IssueKind = Literal["not_suitable", "not_taken_up"]
Recipient = Literal["plan_author", "commissioner"]
FollowUpKind = Literal["training", "qualification", "job", "retention"]
"""Follow-up documents (002 §8.2, line 195: "továbbtanulással, illetve a munkába állással kapcsolatos dokumentumai"; §8.1 "munkahely megtartása")."""


@attrs.frozen
class Identity:
    """Personal identification of one client: held only in the code register, encrypted at rest.

    002 §8.2 (line 192): "a résztvevők személyes azonosító adataihoz kód rendelése szükséges"
    — a code is assigned to the participants' personal identification data.
    """

    name: str
    birth_date: datetime.date | None = None
    address: str | None = None
    personal_id: str | None = None
    """A national identifier (e.g. a TAJ or tax number), if the deployment keeps one."""
    contact: str | None = None


@attrs.frozen
class RegisterEntry:
    """One line of the code register (kódnyilvántartás, 002 §8.2, line 192): code ↔ identity."""

    code: str
    identity: Identity
    on: datetime.date
    """When the code was assigned."""


@attrs.frozen(kw_only=True)
class Enrolment:
    """The client's entry into the service and the base data of the indicators (002 §3, §8.1).

    Base data by age, sex, education and prior labour-market status (002 §8.1, line 184:
    "kora, neme, iskolai végzettsége, előzetes munkaerő-piaci státusa") — as bands and
    categories, so that the record stays pseudonymous.
    """

    KIND: ClassVar[str] = "enrolment"
    code: str
    on: datetime.date
    provider: str
    case_manager: str
    region: str | None = None
    route: Route | None = None
    age_band: AgeBand | None = None
    sex: Sex | None = None
    education: Education | None = None
    prior_status: PriorStatus | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class Declaration:
    """The client's data-processing declaration (002 §8.2, line 191: "Az ügyfelek adatkezelésre vonatkozó nyilatkozatai")."""

    KIND: ClassVar[str] = "declaration"
    code: str
    on: datetime.date
    """The day the client signed it."""
    purposes: tuple[str, ...] = ()
    """What the client agreed their data may be used for (free words of the provider's form)."""
    withdrawn: bool = False
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class Measure:
    """One planned measure of the individual plan (002 §4.1, line 48: "az egyéni tervben foglalt célok és intézkedések")."""

    id: str
    description: str
    kind: MeasureKind | None = None
    due: datetime.date | None = None


@attrs.frozen(kw_only=True)
class Plan:
    """The individual plan the case manager works from (002 §3, line 42; §4.1, line 48; §8.2, line 190).

    `goals` are the labour-market outcomes the plan itself sets as goals: 002 §6 counts an
    outcome as an impact only "ha az egyéni tervben nem szerepelnek cél-ként" (line 114) —
    where it is not a goal in the plan. A new version of the plan is a new entry that
    `corrects` the old one.
    """

    KIND: ClassVar[str] = "plan"
    code: str
    on: datetime.date
    """The day the plan was drawn up (or this version of it)."""
    author: str
    """Who drew up the plan (the labour office, a rehabilitation body, …): feedback goes to them (002 §4.1)."""
    kind: PlanKind | None = None
    measures: tuple[Measure, ...] = ()
    goals: tuple[Outcome, ...] = ()
    feedback_interval_days: int | None = None
    """The agreed interval of feedback to the author and the commissioner (002 §4.1 "meghatározott időközönként")."""
    until: datetime.date | None = None
    """The end of the plan's period (002 §10: "Az egyéni tervben meghatározott időintervallumban")."""
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class MeasureResult:
    """A planned measure realised or not (002 §8.1, line 184: "az egyéni tervben szereplő és megvalósult intézkedések … száma és teljesülése")."""

    KIND: ClassVar[str] = "measure_result"
    code: str
    on: datetime.date
    measure: str
    """The plan measure's `id`."""
    status: Realisation
    note: str | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class Meeting:
    """One meeting of the case log (esetnapló, 002 §8.2, line 194).

    "tartalmazza közvetlenül az ügyféllel végzett tevékenységeket, azok megítélését és
    értékelését az esetmenedzser és az ügyfél szempontjából egyaránt; … minden találkozás
    eseményeit rögzíti dátum szerint, az esetmenedzser és az ügyfél aláírásával hitelesíti"
    — the activities with the client, assessed from both the case manager's and the client's
    view, every meeting by date, confirmed by the signatures of both.
    """

    KIND: ClassVar[str] = "meeting"
    code: str
    on: datetime.date
    case_manager: str
    activities: tuple[str, ...]
    assessment_case_manager: str
    assessment_client: str
    confirmed_by_case_manager: bool | None = None
    confirmed_by_client: bool | None = None
    minutes: int | None = None
    """How long the meeting took; 002 §10 allows "ügyfelenként maximum 2 óra/ hét" (line 209)."""
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class ServiceEvent:
    """One event of the service log (szolgáltatási napló, 002 §8.2, line 193).

    "a szolgáltatási esemény rövid leírását dátum szerint, az előrehaladást … a szolgáltató
    szervezet vezetője és/vagy a szakmai vezető aláírásával hitelesítve, a szolgáltatás
    mennyiségi és minőségi elemeit" — a short description by date, the progress, confirmed by
    the provider and the head and/or professional lead, the quantity and the quality.
    """

    KIND: ClassVar[str] = "service_event"
    code: str
    on: datetime.date
    provider: str
    service: str
    description: str
    progress: str | None = None
    quantity: float | None = None
    unit: str | None = None
    quality: str | None = None
    measure: str | None = None
    """The plan measure this event serves, if any."""
    confirmed_by_provider: bool | None = None
    confirmed_by_lead: bool | None = None
    lead_role: LeadRole | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class ServiceIssue:
    """A service found not suitable, or not taken up (002 §5 item 3, line 98).

    "Rögzítésre kerülnek … az is, ha az ügyfél részére nyújtott szolgáltatás nem volt
    megfelelő. Szintén rögzítésre kerül, ha az ügyfél nem vette igénybe a szolgáltatást. Ez
    utóbbi esetekben közösen feltárják az okokat, és a további tennivalókat."
    """

    KIND: ClassVar[str] = "service_issue"
    code: str
    on: datetime.date
    service: str
    issue: IssueKind
    reasons: tuple[str, ...]
    next_steps: tuple[str, ...]
    measure: str | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class FollowUp:
    """A follow-up document: training, qualification, job or its retention (002 §8.2, line 195; §8.1, line 184)."""

    KIND: ClassVar[str] = "follow_up"
    code: str
    on: datetime.date
    kind: FollowUpKind
    outcome: Outcome | None = None
    """The labour-market consequence it documents (the impact indicators of 002 §6)."""
    detail: str | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class Feedback:
    """Feedback to the plan's author or the commissioner (002 §4.1, line 48; §5 item 5, line 100).

    "Számukra meghatározott időközönként visszajelzést ad a foganatosított intézkedésekről,
    valamint az egyéni célok és részcélok megvalósulásáról."
    """

    KIND: ClassVar[str] = "feedback"
    code: str
    on: datetime.date
    to: Recipient
    summary: str
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class Closure:
    """The end of the service for a client, and whether the anonymous survey was offered (002 §8.1, line 187)."""

    KIND: ClassVar[str] = "closure"
    code: str
    on: datetime.date
    reason: str | None = None
    survey_offered: bool | None = None
    id: str | None = None
    corrects: str | None = None


@attrs.frozen(kw_only=True)
class SurveyResponse:
    """One anonymous satisfaction survey (002 §8.1, line 187: "a szolgáltatás befejezésekor anonim módon tölti ki").

    It carries no code: it cannot be linked to the client. `period` is the month it was
    filled in (YYYY-MM), never a day, so that a closure date cannot link it either.
    """

    KIND: ClassVar[str] = "survey"
    provider: str
    period: str
    satisfaction: int
    """1 (very dissatisfied) … 5 (very satisfied): project policy, the seed sets no scale."""
    comment: str | None = None
    id: str | None = None


LogRecord = (
    Enrolment
    | Declaration
    | Plan
    | MeasureResult
    | Meeting
    | ServiceEvent
    | ServiceIssue
    | FollowUp
    | Feedback
    | Closure
)
"""Every record that names a client by code."""
Record = LogRecord | SurveyResponse

LOG_KINDS: dict[str, type[LogRecord]] = {
    cls.KIND: cls
    for cls in (
        Enrolment,
        Declaration,
        Plan,
        MeasureResult,
        Meeting,
        ServiceEvent,
        ServiceIssue,
        FollowUp,
        Feedback,
        Closure,
    )
}
"""Record kind → class, for the records that name a client by code."""
KINDS: dict[str, type[Record]] = {**LOG_KINDS, SurveyResponse.KIND: SurveyResponse}
"""Every record kind → its class (the file stems of a records folder: `meeting.jsonl`, `plan.csv`, …)."""
