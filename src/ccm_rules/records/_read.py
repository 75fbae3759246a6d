"""Readers of records: JSON Lines, CSV and JSON files, and a records folder of them.

A records folder holds one file per record kind, named by the kind: `meeting.jsonl`,
`service_event.csv`, `plan.json`, … (`KINDS`). Other files (a README, the script that made
the folder) are not read. Identities never belong in a records folder (002 §8.2, line
192): a `register.*` file is refused with the command that imports it into the code register.

Every reader reports every bad line, each with its file, line and field path, and returns
nothing when there is one (`RecordError`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import attrs

from ..engine import JsonLimitError, Problem, describe, file_reason, load_json, text_in
from ._convert import RecordError, converter, csv_row, entry_id, problems_at, structure_record
from ._models import KINDS, Plan, Record

SUFFIXES = (".jsonl", ".csv", ".json")
"""The file types a records folder may hold."""


@attrs.frozen
class Located:
    """A record with the file and line it was read from (line None for a record made in code)."""

    record: Record
    file: str | None = None
    line: int | None = None


def _refused(problems: list[Problem]) -> RecordError:
    return RecordError("the records are not valid", problems)


def parse_jsonl(text: str, kind: str, file: str = "<records>") -> list[Located]:
    """Records of `kind`, one JSON object per line (blank lines skipped)."""
    conv = converter()
    out: list[Located] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = load_json(line)
        except JsonLimitError as err:
            problems.append(attrs.evolve(err.problem, file=file, line=number))
            continue
        except ValueError as err:
            problems.append(Problem(f"not JSON: {err}", file=file, line=number))
            continue
        try:
            out.append(Located(structure_record(kind, data, conv=conv), file, number))
        except RecordError as err:
            problems += problems_at(err.problems, file, number)
    if problems:
        raise _refused(problems)
    return out


def parse_json(text: str, kind: str, file: str = "<records>") -> list[Located]:
    """Records of `kind` from a JSON array of objects (the line of each is not known: None)."""
    try:
        data = load_json(text)
    except JsonLimitError as err:
        raise _refused([attrs.evolve(err.problem, file=file)]) from None
    except ValueError as err:
        raise _refused([Problem(f"not JSON: {err}", file=file)]) from None
    if not isinstance(data, list):
        raise _refused([Problem(f"expected a JSON array of records, got {describe(data)}", file=file)])
    conv = converter()
    out: list[Located] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        try:
            out.append(Located(structure_record(kind, item, f"$[{index}]", conv), file))
        except RecordError as err:
            problems += problems_at(err.problems, file, None)
    if problems:
        raise _refused(problems)
    return out


def parse_csv(text: str, kind: str, file: str = "<records>") -> list[Located]:
    """Records of `kind` from CSV with a header row (see `csv_row` for how cells are read)."""
    conv = converter()
    out: list[Located] = []
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        if len(set(header)) != len(header):
            raise _refused(
                [
                    Problem(
                        f"a column is named twice: {', '.join(sorted({h for h in header if header.count(h) > 1}))}",
                        file=file,
                        line=1,
                    )
                ]
            )
        for row in reader:
            number = reader.line_num
            try:
                data = csv_row(kind, row, "$")
                out.append(Located(structure_record(kind, data, conv=conv), file, number))
            except RecordError as err:
                problems += problems_at(err.problems, file, number)
    except csv.Error as err:
        problems.append(Problem(f"not CSV: {err}", file=file, line=reader.line_num))
    if problems:
        raise _refused(problems)
    return out


_PARSERS = {".jsonl": parse_jsonl, ".json": parse_json, ".csv": parse_csv}


def read_file(path: Path, kind: str | None = None) -> list[Located]:
    """The records of one file; its kind is `kind` or the file's name (`meeting.jsonl` → meeting)."""
    kind = kind or path.stem
    suffix = path.suffix.lower()
    if suffix not in _PARSERS:
        raise _refused([Problem(f"not a records file: expected a name ending {', '.join(SUFFIXES)}", file=str(path))])
    if kind == "register" or kind.startswith("register"):
        raise _refused(
            [
                Problem(
                    "identities never belong in a records folder (002 §8.2): import them with `ccm-rules register add FILE`",
                    file=str(path),
                    kind="identity",
                )
            ]
        )
    if kind not in KINDS:
        raise _refused(
            [
                Problem(
                    f"unknown record kind '{kind}' (the file's name); expected one of: {', '.join(sorted(KINDS))}",
                    file=str(path),
                    kind="unknown_kind",
                )
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _refused([Problem(f"not UTF-8 text (byte {err.start})", file=str(path))]) from None
    except OSError as err:
        raise _refused([Problem(text_in(file_reason(err), "en"), file=str(path))]) from None
    return _PARSERS[suffix](text, kind, str(path))


def read_records(path: Path | str) -> list[Located]:
    """Every record of a records folder (its `<kind>.jsonl|csv|json` files, in name order), or of one file.

    All files are read before anything is refused, so one error lists every bad line of every file.
    """
    path = Path(path)
    if not path.exists():
        raise _refused([Problem("no such file or folder", file=str(path))])
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
    out: list[Located] = []
    problems: list[Problem] = []
    for file in files:
        try:
            out += read_file(file)
        except RecordError as err:
            problems += err.problems
    if problems:
        raise _refused(problems)
    return out


def located(records: Iterable[Record]) -> list[Located]:
    """Records made in code, as the checks take them (no file or line)."""
    return [Located(r) for r in records]


def current(items: Iterable[Located]) -> list[Located]:
    """The entries no other entry corrects: the logs as they stand after every correction."""
    items = list(items)
    corrected = {getattr(item.record, "corrects", None) for item in items} - {None}
    return [item for item in items if (getattr(item.record, "id", None) or entry_id(item.record)) not in corrected]


def tables(items: Iterable[Located]) -> dict[str, list[dict[str, object]]]:
    """Plain log tables, one per record kind, one row per entry: `id`, `corrects` and the record's fields.

    Dates stay dates and lists stay lists; a plan also gives a `plan_measure` row for each of
    its measures and a `plan_goal` row for each goal (with `plan` the plan entry's id), so
    that a dataframe library reads them as flat tables.
    """
    conv = converter()
    out: dict[str, list[dict[str, object]]] = {}
    for item in items:
        record = item.record
        kind = type(record).KIND
        ident = entry_id(record, conv)
        row: dict[str, object] = {f.name: getattr(record, f.name) for f in attrs.fields(type(record))}
        row["id"] = ident
        if isinstance(record, Plan):
            measures = row.pop("measures")
            for measure in record.measures:
                out.setdefault("plan_measure", []).append(
                    {
                        "id": f"{ident}/{measure.id}",
                        "corrects": None,
                        "code": record.code,
                        "plan": ident,
                        "on": record.on,
                        "measure": measure.id,
                        "description": measure.description,
                        "kind": measure.kind,
                        "due": measure.due,
                    }
                )
            for goal in record.goals:
                out.setdefault("plan_goal", []).append(
                    {
                        "id": f"{ident}/{goal}",
                        "corrects": None,
                        "code": record.code,
                        "plan": ident,
                        "on": record.on,
                        "outcome": goal,
                    }
                )
            row["measures"] = [m.id for m in measures]  # type: ignore[attr-defined]
        out.setdefault(kind, []).append(row)
    return out
