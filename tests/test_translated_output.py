"""A translated answer is wholly in its language (issue 14 items 11 and 12).

Every command's text output (and the HTML reports) on the shipped examples, in Czech,
Hungarian and German:

- shows a value that is not known in words ("neznámo", "nem ismert", "nicht bekannt"), never `?`;
- cites a seed by its title and section, never by its hashed file name (JSON keeps the file name
  and adds `source_title`);
- holds no English text of the rule pack: any English text of the pack (or a part of a template
  between its placeholders) of three words or more that is found verbatim in the answer is a
  failure — a rationale written only in English is left out, not shown untranslated. Published
  references (article titles) are shown as written and are not checked;
- names the readiness approaches Pioneer and Attention in the language;
- says what each part of a team-model answer found ("ACT is indicated", "ACT: not known yet"),
  not a question title followed by an eligibility word ("Is ACT indicated? — eligible").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from ccm_rules import RulePack
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES

LANGS = ("cs", "hu", "de")
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
# A `?` standing alone for a value (": ?", "(? per FTE)", "H3: ?"), not one ending a question.
UNKNOWN_MARK = re.compile(r"(?:^|[\s(:/])\?(?=[\s,;)./]|$)", re.MULTILINE)
SEEDS = (
    "000_5ffae0410bee8b00",
    "001_bb7494a8907fa6f9",
    "002_d392965ea9d1d7b7",
    "003_e271fa39f35a27a0",
    "004_510c44708344b2e6",
)
NOT_KNOWN = {"cs": "neznámo", "hu": "nem ismert", "de": "nicht bekannt"}


def files(folder: str, pattern: str = "*.yaml") -> list[Path]:
    return sorted((EXAMPLES / folder).glob(pattern))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code in (0, 1), f"ccm-rules {' '.join(argv)} exits {code}: {captured.err}"
    return captured.out


def html_text(page: str) -> str:
    """The words of an HTML page, one element's text a line (styles, tags and entities gone)."""
    page = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    return "\n".join(
        line.strip() for line in html.unescape(re.sub(r"<[^>]+>", "\n", page)).splitlines() if line.strip()
    )


# ---------------------------------------------------------------- what each command prints

COMMANDS: dict[str, tuple[list[Path], tuple[str, ...]]] = {
    "eligibility": ([*files("eligibility"), *files("labour_market")], ()),
    "team-model": (files("team_model"), ()),
    "readiness": (files("readiness"), ()),
    "fidelity dacts": (files("dacts"), ()),
    "caseload": (files("caseload"), ()),
    "plan": (files("plans"), ()),
    "conference": (files("conferences"), ()),
    "goal": (files("goals"), ()),
    "monitor": (files("monitoring", "*.jsonl"), ("--engine", "python")),
}
HTML_COMMANDS = ("readiness", "fidelity dacts")


def outputs(command: str, lang: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every shipped example through `command` in `lang`: the text output, and the HTML report."""
    paths, extra = COMMANDS[command]
    assert paths, command
    for path in paths:
        argv = [*command.split(), str(path), "--lang", lang, *extra]
        yield f"{command} {path.name} --lang {lang}", run(capsys, *argv)
        if command == "readiness":
            report = tmp_path / f"{path.stem}.{lang}.html"
            run(capsys, *argv, "--report", str(report))
            yield f"{command} {path.name} --lang {lang} --report", html_text(report.read_text(encoding="utf-8"))
        elif command == "fidelity dacts":
            yield (
                f"{command} {path.name} --lang {lang} --format html",
                html_text(run(capsys, *argv, "--format", "html")),
            )


# ---------------------------------------------------------------- what the pack says in English


def _walk(value: Any, texts: list[dict[str, str]], english: list[str], refs: list[str]) -> None:
    if isinstance(value, dict):
        if {"en", *LANGS} <= set(value) and all(isinstance(value[k], str) for k in ("en", *LANGS)):
            texts.append(value)
        for key, child in value.items():
            if key == "rationale" and isinstance(child, str):
                english.append(child)
            elif key == "ref" and isinstance(child, str):
                refs.append(child)
            _walk(child, texts, english, refs)
    elif isinstance(value, list):
        for child in value:
            _walk(child, texts, english, refs)


def literal_parts(text: str) -> list[str]:
    """The literal parts of a template: split at `{placeholders}` and plural forms (`{n, plural, one {…} …}`)."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "{":
            if depth == 0:
                parts.append("".join(current))
                current = []
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif depth == 0:
            current.append(char)
    parts.append("".join(current))
    return [p.strip(" ,;:.()—-") for p in parts]


@cache
def pack_data() -> tuple[dict[str, frozenset[str]], tuple[str, ...]]:
    """English phrases of ≥ 3 words → languages whose own text of that entry has it too; published refs."""
    texts: list[dict[str, str]] = []
    english: list[str] = []
    refs: list[str] = []
    for path in sorted(RULES.rglob("*.yaml")):
        _walk(yaml.safe_load(path.read_text(encoding="utf-8")), texts, english, refs)
    phrases: dict[str, set[str]] = {}
    for entry in texts:
        for part in literal_parts(entry["en"]):
            if len(part.split()) >= 3:
                phrases.setdefault(part, set()).update(lang for lang in LANGS if part in entry[lang])
    for text in english:
        for part in literal_parts(text):
            if len(part.split()) >= 3:
                phrases.setdefault(part, set())
    published = tuple(
        sorted(
            {
                piece
                for ref in refs
                for piece in ref.split("; ")
                if not SEED_FILE.search(piece) and not piece.lower().startswith("project policy")
            },
            key=len,
            reverse=True,
        )
    )
    return {p: frozenset(langs) for p, langs in phrases.items()}, published


def english_phrases(text: str, lang: str) -> list[str]:
    phrases, published = pack_data()
    for ref in published:  # a published reference keeps its own (English) title
        text = text.replace(ref, "")
    return sorted(p for p, shared in phrases.items() if lang not in shared and p in text)


# ---------------------------------------------------------------- the checks


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_translated_answer_is_in_its_language(
    command: str, lang: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for where, text in outputs(command, lang, capsys, tmp_path):
        assert not UNKNOWN_MARK.search(text), (
            f"{where}: a value not known is shown as '?': {UNKNOWN_MARK.search(text)!r}"
        )
        assert not SEED_FILE.search(text), (
            f"{where}: a seed is cited by its file name ({SEED_FILE.search(text)!r}), not by its title"
        )
        found = english_phrases(text, lang)
        assert not found, f"{where}: English text of the pack in a {lang} answer: {found}"


def seed_title(pack: RulePack, file: str, lang: str) -> str:
    return pack.texts[f"source.{file}"][lang]


@pytest.mark.parametrize("lang", ["en", *LANGS])
@pytest.mark.parametrize("command", ["eligibility", "team-model", "plan", "conference", "goal", "monitor"])
def test_every_seed_the_json_cites_is_named_by_its_title_in_the_text(
    command: str, lang: str, pack: RulePack, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, extra = COMMANDS[command]
    for path in paths:
        argv = [*command.split(), str(path), "--lang", lang, *extra]
        text = run(capsys, *argv)
        cited = set(SEED_FILE.findall(run(capsys, *argv, "--format", "json")))
        titles = [seed_title(pack, f"{seed}.txt", lang) for seed in SEEDS]
        assert any(t in text for t in titles), f"{command} {path.name} --lang {lang}: no seed is named by its title"
        for file in cited:
            assert seed_title(pack, file, lang) in text, (
                f"{command} {path.name} --lang {lang}: {file} is not named by its title"
            )


@pytest.mark.parametrize("lang", LANGS)
def test_readiness_report_and_caseload_name_their_seeds_by_title(
    lang: str, pack: RulePack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    run(capsys, "readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--lang", lang, "--report", str(report))
    assert seed_title(pack, "000_5ffae0410bee8b00.txt", lang) in report.read_text(encoding="utf-8")
    for name, seed in (
        ("labour_market_over.yaml", "002_d392965ea9d1d7b7.txt"),
        ("act_team_within.yaml", "004_510c44708344b2e6.txt"),
    ):
        assert seed_title(pack, seed, lang) in run(
            capsys, "caseload", str(EXAMPLES / "caseload" / name), "--lang", lang
        )


def test_the_seed_titles_are_the_seeds_own_in_their_language(pack: RulePack) -> None:
    own = {
        "000_5ffae0410bee8b00.txt": ("hu", "Útmutató a Case és Care Management (CCM) felépítéséhez"),
        "001_bb7494a8907fa6f9.txt": ("cs", "Kdy má a kdy nemá smysl uvažovat o case managementu?"),
        "002_d392965ea9d1d7b7.txt": ("hu", "Esetmenedzser"),
        "003_e271fa39f35a27a0.txt": ("cs", "Case management v sociálních službách"),
        "004_510c44708344b2e6.txt": ("cs", "Case management"),
    }
    for file, (lang, title) in own.items():
        assert pack.texts[f"source.{file}"][lang].startswith(title), file
        assert set(pack.texts[f"source.{file}"]) == set(pack.languages), file


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_values_read_not_known(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    word = NOT_KNOWN[lang]
    assert word in run(capsys, "caseload", str(EXAMPLES / "caseload/icm_over.yaml"), "--lang", lang)
    assert word in run(capsys, "readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--lang", lang)
    assert word in run(capsys, "fidelity", "dacts", str(EXAMPLES / "dacts/partly_measured.yaml"), "--lang", lang)
    assert word in run(
        capsys, "fidelity", "dacts", str(EXAMPLES / "dacts/partly_measured.yaml"), "--lang", lang, "--format", "html"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_pioneer_and_attention_are_translated(lang: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pioneer = {"cs": "průkopnick", "hu": "Úttörő", "de": "Pionier"}[lang]
    attention = {"cs": "Pozor", "hu": "Figyelem", "de": "Achtung"}[lang]
    for where, text in outputs("readiness", lang, capsys, tmp_path):
        assert "Pioneer" not in text and "Attention" not in text, where
        assert pioneer in text and attention in text, where


TEAM_RULESETS = ("team_cm", "team_active", "team_icm", "team_act", "team_external", "team_conference")


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_each_team_model_part_says_what_it_found(lang: str, pack: RulePack, capsys: pytest.CaptureFixture[str]) -> None:
    """ "ACT is indicated" / "ACT is not indicated" / "ACT: not known yet", never "Is ACT indicated? — eligible"."""
    for path in files("team_model"):
        lines = run(capsys, "team-model", str(path), "--lang", lang).splitlines()
        for ruleset in TEAM_RULESETS:
            verdicts = {
                pack.texts[f"team.verdict.{ruleset}.{o}"][lang] for o in ("eligible", "not_eligible", "undetermined")
            }
            assert len(verdicts & set(lines)) == 1, f"{path.name} --lang {lang}: no one line says what {ruleset} found"
            title = pack.ruleset(ruleset).spec.title[lang]
            assert not any(line.startswith(f"{title} — ") for line in lines), (
                f"{path.name} --lang {lang}: '{title} — <outcome>'"
            )
    assert pack.texts["team.verdict.team_act.eligible"]["en"] == "ACT is indicated"
    assert pack.texts["team.verdict.team_act.not_eligible"]["en"] == "ACT is not indicated"
    assert pack.texts["team.verdict.team_act.undetermined"]["en"] == "ACT: not known yet"


def test_json_keeps_the_file_name_and_adds_the_title(pack: RulePack, capsys: pytest.CaptureFixture[str]) -> None:
    title = seed_title(pack, "001_bb7494a8907fa6f9.txt", "cs")
    data = json.loads(
        run(
            capsys,
            "eligibility",
            str(EXAMPLES / "eligibility/chronic_mental_illness.yaml"),
            "--lang",
            "cs",
            "--format",
            "json",
        )
    )
    criterion = data["explanation"]["criteria"][0]
    assert criterion["source"] == "001_bb7494a8907fa6f9.txt §1" and criterion["source_title"] == f"{title} §1"
    data = json.loads(
        run(
            capsys,
            "team-model",
            str(EXAMPLES / "team_model/act_high_hospital_use.yaml"),
            "--lang",
            "cs",
            "--format",
            "json",
        )
    )
    ex = data["explanation"]
    assert ex["sources"][0].startswith("004_510c44708344b2e6.txt §") and ex["source_titles"][0].startswith(
        seed_title(pack, "004_510c44708344b2e6.txt", "cs")
    )
    assert ex["caseload_norm_source"].startswith("004_510c44708344b2e6.txt") and "004_" not in ex["caseload_norm"]
    data = json.loads(
        run(
            capsys,
            "monitor",
            str(EXAMPLES / "monitoring/icm_and_act.jsonl"),
            "--lang",
            "de",
            "--engine",
            "python",
            "--format",
            "json",
        )
    )
    alert = data["alerts"][0]
    assert SEED_FILE.search(alert["source"]) and not SEED_FILE.search(alert["source_title"])
    data = json.loads(
        run(capsys, "readiness", str(EXAMPLES / "readiness/new_to_ccm.yaml"), "--lang", "hu", "--format", "json")
    )
    factor = data["explanation"]["factors"][0]
    assert factor["source"].startswith("000_5ffae0410bee8b00.txt §") and factor["source_title"].startswith(
        seed_title(pack, "000_5ffae0410bee8b00.txt", "hu")
    )


def test_a_rationale_is_shown_in_english_only(capsys: pytest.CaptureFixture[str]) -> None:
    rationale = "Written for the TMACT"
    program = str(EXAMPLES / "dacts/high_fidelity.yaml")
    assert rationale in run(capsys, "fidelity", "dacts", program, "--lang", "en")
    for lang in LANGS:
        out = run(capsys, "fidelity", "dacts", program, "--lang", lang)
        assert rationale not in out and "project policy" not in out
    data = json.loads(run(capsys, "fidelity", "dacts", program, "--lang", "cs", "--format", "json"))
    assert any(rationale in s for s in data["explanation"]["sources"])  # JSON keeps it


def test_the_english_check_finds_english_text() -> None:
    """The check itself: an untranslated rationale or text of the pack is found, a published title is not."""
    assert english_phrases("Zdroj: project policy — Kept equal to select_below_share.", "cs") == [
        "Kept equal to select_below_share"
    ]
    assert english_phrases("Zavedeno 7 z 9 — Pioneer items in place (78 %)", "cs") == ["Pioneer items in place"]
    published = "Dieterich M, Irving CB, Bergman H, Khokhar MA, Park B, Marshall M. Intensive case management for severe mental illness. Cochrane Database Syst Rev 2017;1:CD007906"
    assert english_phrases(f"Zdroj: {published}", "cs") == []
    assert english_phrases("Klient má severe mental illness.", "cs") == ["severe mental illness"]
