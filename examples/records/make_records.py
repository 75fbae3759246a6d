"""Make the example records folder: a small fictitious labour-market provider, January-June 2026.

Deterministic (a fixed seed, no clock): running it again gives the same files, byte for byte
(`tests/test_records.py` checks that). Pseudonymous codes only — there is no code register
here and no identity anywhere (seed 002 §8.2, line 192). Run: `python examples/records/make_records.py`.

The provider "Example Labour-Market Services" has two case managers (CM-01, CM-02) and twelve
clients, referred as 002 §3 describes; each has an individual plan with measures, meetings
in the case log, services in the service log, and some have follow-up documents, a closure
and (anonymously) a satisfaction survey.
"""

from __future__ import annotations

import csv
import datetime
import json
import random
import sys
from pathlib import Path
from typing import Any

PROVIDER = "Example Labour-Market Services"
REGIONS = ("North", "South")
START = datetime.date(2026, 1, 5)
END = datetime.date(2026, 6, 30)

MEETING_COLUMNS = ["id", "code", "on", "case_manager", "activities", "assessment_case_manager", "assessment_client",
                   "confirmed_by_case_manager", "confirmed_by_client", "minutes", "corrects"]
SERVICE_COLUMNS = ["id", "code", "on", "provider", "service", "description", "progress", "quantity", "unit", "quality",
                   "measure", "confirmed_by_provider", "confirmed_by_lead", "lead_role"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def build() -> dict[str, list[dict[str, Any]]]:
    """Every record of the example provider, by kind."""
    rng = random.Random(2026)  # noqa: S311 - deterministic example data, no secret
    counters: dict[str, int] = {}

    def next_id(prefix: str) -> str:
        """An entry id that does not contain the client's code: after an erasure nothing may link the entry back."""
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}-{counters[prefix]:04d}"

    out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "enrolment", "declaration", "plan", "meeting", "service_event", "service_issue", "measure_result",
        "follow_up", "feedback", "closure", "survey")}
    for n in range(1, 13):
        code = f"EX-{n:04d}"
        cm = "CM-01" if n <= 6 else "CM-02"
        start = START + datetime.timedelta(days=7 * (n - 1))
        out["enrolment"].append({
            "id": next_id("enr"), "code": code, "on": start.isoformat(), "provider": PROVIDER, "case_manager": cm,
            "region": REGIONS[n % 2], "route": rng.choice(["labour_office", "labour_office", "other_provider", "own_register"]),
            "age_band": rng.choice(["15-24", "25-34", "35-49", "50-64"]), "sex": rng.choice(["female", "male"]),
            "education": rng.choice(["primary", "lower_secondary", "vocational", "upper_secondary"]),
            "prior_status": rng.choice(["job_seeker", "long_term_unemployed", "inactive", "returning_from_parental_leave", "changed_working_capacity"]),
        })
        out["declaration"].append({"id": next_id("dec"), "code": code, "on": start.isoformat(), "purposes": ["case management", "reports to the commissioner"]})
        goal_job = n % 3 == 0
        measures = [
            {"id": "M1", "description": "job-search skills training", "kind": "training", "due": (start + datetime.timedelta(days=60)).isoformat()},
            {"id": "M2", "description": "CV and applications with the job club", "kind": "service", "due": (start + datetime.timedelta(days=90)).isoformat()},
        ]
        if n % 4 == 0:
            measures.append({"id": "M3", "description": "settle the health-insurance papers", "kind": "administration"})
        out["plan"].append({
            "id": next_id("plan"), "code": code, "on": start.isoformat(), "author": "district labour office",
            "kind": "cooperation_agreement" if n % 2 else "development_plan", "measures": measures,
            "goals": ["employed"] if goal_job else ["training_entered"], "feedback_interval_days": 30,
        })
        day = start
        meeting_no = 0
        while True:
            day += datetime.timedelta(days=rng.choice([7, 7, 14]))
            if day > END - datetime.timedelta(days=3):
                break
            meeting_no += 1
            out["meeting"].append({
                "id": next_id("m"), "code": code, "on": day.isoformat(), "case_manager": cm,
                "activities": rng.sample(["plan review", "applications", "motivation talk", "training choice", "papers at the office"], 2),
                "assessment_case_manager": rng.choice(["progressing", "motivated", "needs support with papers"]),
                "assessment_client": rng.choice(["useful", "helpful", "too early to say"]),
                "confirmed_by_case_manager": True, "confirmed_by_client": True, "minutes": rng.choice([30, 45, 60, 90]),
                "corrects": None,
            })
            if meeting_no == 8:
                break
        out["service_event"].append({
            "id": next_id("s"), "code": code, "on": (start + datetime.timedelta(days=21)).isoformat(), "provider": "Job Club North",
            "service": "job club", "description": "weekly job-club session", "progress": "two applications sent",
            "quantity": 4, "unit": "sessions", "quality": "attended all", "measure": "M2",
            "confirmed_by_provider": True, "confirmed_by_lead": True, "lead_role": "professional_lead",
        })
        trained = n % 5 != 1
        if trained:
            out["service_event"].append({
                "id": next_id("s"), "code": code, "on": (start + datetime.timedelta(days=35)).isoformat(), "provider": "Training Centre",
                "service": "job-search skills training", "description": "training course", "progress": "completed",
                "quantity": 20, "unit": "hours", "quality": "certificate", "measure": "M1",
                "confirmed_by_provider": True, "confirmed_by_lead": True, "lead_role": "head",
            })
            out["measure_result"].append({"id": next_id("r"), "code": code, "on": (start + datetime.timedelta(days=36)).isoformat(), "measure": "M1", "status": "realised"})
            out["follow_up"].append({"id": next_id("f"), "code": code, "on": (start + datetime.timedelta(days=36)).isoformat(), "kind": "training", "outcome": "training_completed", "detail": "certificate on file"})
        else:
            out["service_issue"].append({
                "id": next_id("i"), "code": code, "on": (start + datetime.timedelta(days=30)).isoformat(), "service": "job-search skills training",
                "issue": "not_taken_up", "reasons": ["no childcare on course days"], "next_steps": ["ask the family support service", "evening course"],
                "measure": "M1",
            })
            out["measure_result"].append({"id": next_id("r"), "code": code, "on": (start + datetime.timedelta(days=45)).isoformat(), "measure": "M1", "status": "not_realised", "note": "not taken up"})
        if n % 3 != 2 and start + datetime.timedelta(days=100) < END:
            job_day = start + datetime.timedelta(days=100)
            out["follow_up"].append({"id": next_id("f"), "code": code, "on": job_day.isoformat(), "kind": "job", "outcome": "employed", "detail": "full-time job, warehouse"})
            out["closure"].append({"id": next_id("c"), "code": code, "on": (job_day + datetime.timedelta(days=3)).isoformat(), "reason": "employed", "survey_offered": True})
            out["survey"].append({"provider": PROVIDER, "period": (job_day + datetime.timedelta(days=3)).strftime("%Y-%m"), "satisfaction": rng.choice([3, 4, 4, 5, 5])})
        for month in range(1, 7):
            report = datetime.date(2026, month, 28)
            if start < report <= END:
                out["feedback"].append({"id": next_id("fb"), "code": code, "on": report.isoformat(), "to": "commissioner",
                                        "summary": "measures taken and goals reached this month", "period_from": max(start, report.replace(day=1)).isoformat(),
                                        "period_to": report.isoformat()})
    # one correction, as the logs keep them: a new entry naming the one it corrects
    first = out["meeting"][0]
    out["meeting"].append({**first, "id": next_id("m"), "assessment_client": "useful: the plan is clearer now", "corrects": first["id"]})
    # nothing in the order or the ids links a survey to a client
    out["survey"] = [{"id": f"S-{s['period']}-{i:02d}", **s} for i, s in enumerate(sorted(out["survey"], key=lambda s: (s["period"], s["satisfaction"])), 1)]
    return out


def write(folder: Path) -> None:
    """Write the records into `folder`: the case and service logs as CSV, the rest as JSON Lines."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in build().items():
        if kind in ("meeting", "service_event"):
            columns = MEETING_COLUMNS if kind == "meeting" else SERVICE_COLUMNS
            with (folder / f"{kind}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns, lineterminator="\n")
                writer.writeheader()
                for row in rows:
                    writer.writerow({c: _cell(row.get(c)) for c in columns})
        else:
            lines = [json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) for row in rows]
            (folder / f"{kind}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
