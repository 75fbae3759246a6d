"""Every citation of the shipped pack stands where it says: section, lines and the quote's words.

The quote of each `source` must stand, word for word (punctuation, line breaks, markup and
case aside; `…` marks a gap), on the seed lines it cites, and those lines must lie within the
cited section (`rules/seeds.yaml`); a citation with no lines must have its quote within the
cited section. So a citation cannot drift when a rule, a quote or a line number is edited.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccm_rules import RulePack
from ccm_rules.engine._citations import (
    SeedSpec,
    citation_drift,
    parse_ref,
    quote_lines,
    quote_parts,
    section_lines,
    seed_lines,
)
from ccm_rules_adapters.cli import main

from .conftest import RULES, SEEDS, SEEDS_MISSING

KNOWN_DRIFT: dict[tuple[str, str], str] = {}
"""(rule file, path of the source) → what is wrong, for drift found in files whose owners fix it.

Kept empty when every citation stands; an entry that no longer fails must be removed (the
test says so), so the list can only shrink.
"""


def needs_seeds() -> None:
    if not (SEEDS / "001_bb7494a8907fa6f9.txt").is_file():
        pytest.skip(SEEDS_MISSING)


def drift_of(root: Path) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for problem in citation_drift(SEEDS, pack=RulePack.load(root)):
        assert problem.file is not None
        key = (Path(problem.file).resolve().relative_to(root.resolve()).as_posix(), problem.path)
        found[key] = f"{found[key]}; {problem.message}" if key in found else problem.message
    return found


# ------------------------------------------------------------------ the shipped pack


def test_every_citation_of_the_shipped_pack_stands_at_its_seed_lines() -> None:
    needs_seeds()
    found = drift_of(RULES)
    new = {key: message for key, message in found.items() if key not in KNOWN_DRIFT}
    fixed = [key for key in KNOWN_DRIFT if key not in found]
    assert not new, "citations that do not stand at their seed lines:\n" + "\n".join(
        f"  {f} {p}: {m}" for (f, p), m in sorted(new.items())
    )
    assert not fixed, f"these citations stand now: remove them from KNOWN_DRIFT: {fixed}"


def test_the_check_walks_every_source_of_every_rule_file(pack: RulePack) -> None:
    """Every rule file with a `source:` contributes its citations (none is skipped by kind)."""
    cited_files = {Path(c.file).resolve().relative_to(RULES.resolve()).as_posix() for c in pack.citations}
    with_source = {
        p.relative_to(RULES).as_posix()
        for p in RULES.rglob("*.yaml")
        if re.search(r"^\s*-?\s*source:", p.read_text(encoding="utf-8"), re.M)
    }
    assert with_source <= cited_files
    seeds_cited = [c for c in pack.citations if c.sections]
    assert len(seeds_cited) > 200
    assert sum(1 for c in seeds_cited if c.source.quote) > 100


def test_seed_sections_fit_the_seeds(pack: RulePack) -> None:
    """`rules/seeds.yaml` lists every seed with its length; each section lies within it."""
    needs_seeds()
    (doc,) = pack.documents("seed_sections")
    assert sorted(doc.seeds) == sorted(p.name for p in SEEDS.glob("*.txt"))
    for name, seed in doc.seeds.items():
        assert seed.lines == len(seed_lines(SEEDS / name)), name
        for label in seed.sections:
            span = section_lines(seed, label)
            assert span is not None and 1 <= span[0] <= span[1] <= seed.lines, (name, label)


def test_every_cited_section_label_is_known(pack: RulePack) -> None:
    """A label the map does not know is reported, not passed over (here: none in the shipped pack)."""
    (doc,) = pack.documents("seed_sections")
    unknown = [
        (c.file, c.path, s.label)
        for c in pack.citations
        for s in c.sections
        if s.label and s.file in doc.seeds and section_lines(doc.seeds[s.file], s.label) is None
    ]
    assert unknown == []


# ------------------------------------------------------------------ drift is caught, with file, line and rule id


def _edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    target = root / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"fixture edit does not apply to {file}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


SMART_T = '004_510c44708344b2e6.txt §SMART (line 310)", quote: "Termínovanost"'

DRIFTS = [
    # (id, file, old, new, expected message part)
    (
        "line-moved",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("line 310", "line 308"),
        "the quote is not at 004_510c44708344b2e6.txt §SMART (308); it stands at 004_510c44708344b2e6.txt line 310 (§SMART)",
    ),
    (
        "word-changed",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("Termínovanost", "Termínovost"),
        "the quote's words are nowhere in 004_510c44708344b2e6.txt",
    ),
    (
        "wrong-section",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("§SMART", "§individual plan"),
        "line 310 of 004_510c44708344b2e6.txt is outside §individual plan (lines 392-416): in §SMART",
    ),
    (
        "unknown-section",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("§SMART", "§goals"),
        "§goals is not a section of 004_510c44708344b2e6.txt",
    ),
    (
        "past-the-end",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("line 310", "line 910"),
        "lines 910-910 are not in 004_510c44708344b2e6.txt (it has 480 lines)",
    ),
    (
        "unknown-seed",
        "goals/smart.yaml",
        SMART_T,
        SMART_T.replace("004_510c44708344b2e6", "009_510c44708344b2e6"),
        "seed file 009_510c44708344b2e6.txt is not in",
    ),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "message"), DRIFTS, ids=[d[0] for d in DRIFTS])
def test_drift_is_reported_with_file_line_and_rule(
    tmp_path: Path, name: str, file: str, old: str, new: str, message: str
) -> None:
    needs_seeds()
    root = _edited(tmp_path, file, old, new)
    problems = [p for p in citation_drift(SEEDS, pack=RulePack.load(root)) if message in p.message]
    assert problems, f"{name}: no problem mentioning {message!r}"
    problem = problems[0]
    assert problem.rule_id == "GOAL-T"
    assert problem.file is not None and problem.file.endswith("goals/smart.yaml")
    assert problem.line is not None
    assert "Termín" in "".join(
        (root / file).read_text(encoding="utf-8").splitlines()[problem.line - 1 : problem.line + 1]
    )
    assert problem.kind == "citation"


def test_rules_check_reports_drift_with_seeds_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rules check --seeds DIR` fails on a drifted quote (exit 1); without --seeds the pack is still clean."""
    needs_seeds()
    root = _edited(tmp_path, "goals/smart.yaml", SMART_T, SMART_T.replace("line 310", "line 308"))
    assert main(["rules", "check", str(root)]) == 0
    capsys.readouterr()
    assert main(["rules", "check", str(root), "--seeds", str(SEEDS), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"rule_id": "GOAL-T"' in out and '"kind": "citation"' in out and "line 310 (§SMART)" in out


def test_rules_check_refuses_a_missing_seed_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(RULES), "--seeds", str(tmp_path / "nowhere")]) == 2
    assert "no such folder of seed texts" in capsys.readouterr().err


# ------------------------------------------------------------------ the matcher, by example


SEED = [
    "Kdy má a kdy nemá smysl?",
    "CM je pro někoho, kdo potřebuje podporu ve <b>více oblastech</b> života, poskytovanou",
    "více než jedním nebo dvěma",
    "",
    "• Specifičnost",
    "• Měřitelnost",
]


def test_quote_may_cross_lines_and_markup() -> None:
    assert quote_lines("potřebuje podporu ve více oblastech života, poskytovanou více než jedním", SEED) == (2, 3)
    assert quote_lines("potřebuje podporu ve více oblastech života", SEED, [(2, 2)]) == (2, 2)


def test_quote_outside_the_given_lines_is_not_found() -> None:
    assert quote_lines("více než jedním", SEED, [(2, 2)]) is None
    assert quote_lines("více než jedním", SEED, [(3, 3)]) == (3, 3)


def test_an_ellipsis_leaves_words_out_but_keeps_their_order() -> None:
    for gap in ("…", "...", " | "):
        assert quote_lines(f"CM je pro někoho{gap}dvěma", SEED) == (2, 3)
    assert quote_lines("dvěma … CM je pro někoho", SEED) is None


def test_a_list_may_be_quoted_with_punctuation_added() -> None:
    assert quote_lines("Specifičnost, Měřitelnost", SEED, [(5, 6)]) == (5, 6)


def test_a_changed_or_missing_word_is_not_found() -> None:
    assert quote_lines("potřebuje podporu v několika oblastech", SEED) is None
    assert quote_lines("podporu oblastech", SEED) is None  # words left out without an ellipsis


def test_parse_ref_reads_both_line_notations() -> None:
    (a,) = parse_ref("004_510c44708344b2e6.txt §ACT vs ICM (lines 147-148)")
    (b,) = parse_ref("000_5ffae0410bee8b00.txt §7 L493-495")
    assert (a.label, a.lines, b.label, b.lines) == ("ACT vs ICM", ((147, 148),), "7", ((493, 495),))
    (c,) = parse_ref("001_bb7494a8907fa6f9.txt §2 (holistic assessment: work, health, debts … leisure)")
    assert (c.label, c.lines) == ("2 (holistic assessment: work, health, debts … leisure)", ())
    assert parse_ref("Burns T et al. BMJ 2007;335:336") == ()


def test_section_lines_reads_notes_and_ranges() -> None:
    seed = SeedSpec(10, {"1": "4-4", "2": "5-5", "3": "6-6", "b": "2-8"})
    assert section_lines(seed, "2 (debts)") == (5, 5)
    assert section_lines(seed, "1-3") == (4, 6)
    assert section_lines(seed, "b (key worker)") == (2, 8)
    assert section_lines(seed, "c") is None


# ------------------------------------------------------------------ the matcher, as properties

_WORDS = st.lists(st.text(alphabet="abcdeěščřžýáíé", min_size=1, max_size=6), min_size=1, max_size=30)


@given(_WORDS, st.data())
def test_any_run_of_words_is_found_on_its_lines(words: list[str], data: st.DataObject) -> None:
    """A quote cut from the seed (any run of its words) is found, and on lines that hold it."""
    per_line = data.draw(st.integers(1, 5))
    lines = [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    found = quote_lines(" ".join(words[start:end]), lines)
    assert found is not None
    first, last = found
    assert first <= start // per_line + 1 and 1 <= first <= last <= len(lines)
    assert quote_lines(" ".join(words[start:end]), lines, [(first, last)]) == found


@given(_WORDS, st.text(alphabet="xyz", min_size=1, max_size=4))
def test_a_word_the_seed_does_not_have_is_never_found(words: list[str], stranger: str) -> None:
    assert quote_lines(" ".join([*words[:2], stranger]), [" ".join(words)]) is None


@given(
    st.lists(st.lists(st.text(alphabet="abc", min_size=1, max_size=3), min_size=1, max_size=3), min_size=1, max_size=4)
)
def test_quote_parts_split_only_at_gaps(parts: list[list[str]]) -> None:
    assert quote_parts(" … ".join(" ".join(p) for p in parts)) == parts


def test_a_changed_seed_is_reported_once_per_citation_not_as_drift(tmp_path: Path) -> None:
    """A seed with a line added since rules/seeds.yaml was written: its sections need a look, not its quotes."""
    needs_seeds()
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    smart = seeds / "004_510c44708344b2e6.txt"
    smart.write_text("new first line\n" + smart.read_text(encoding="utf-8"), encoding="utf-8")
    problems = [p for p in citation_drift(seeds, pack=RulePack.load(RULES)) if p.rule_id == "GOAL-T"]
    assert [p.message for p in problems] == [
        "004_510c44708344b2e6.txt has 481 lines, not 480 as the seed sections say: the seed has changed"
    ]
