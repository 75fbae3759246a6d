"""Regional extension packs over the shipped one (issue 17 item 2; docs/regional-packs.md).

The example region is `examples/regions/kraj-ukazka` (fictitious): it adopts a caseload cap of
30 clients per labour-market case manager from 2027-01-01, where seed 002 §10 says "Egy
esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli." Before that day the seed's 35
stays in force; from it the region's 30, labelled with the region's own source. The decision
names the base and the extension (id, version, hash, source).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccm_rules import RulePackError
from ccm_rules.eligibility import assess_eligibility
from ccm_rules.engine import RulePack, Status, check_pack, decide, default_pack, to_json_data
from ccm_rules.engine._pack import content_hash
from ccm_rules.team import check_caseload
from ccm_rules_adapters.cli import main

from .conftest import EXAMPLES, RULES

REGION = EXAMPLES / "regions" / "kraj-ukazka"
TEAM = EXAMPLES / "regions" / "team_2027.yaml"
ONE_WORKER_32 = [{"code": "W-01", "fte": 1.0, "clients": 32}]
DAY_BEFORE, FROM = datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)


@pytest.fixture(scope="module")
def regional() -> RulePack:
    return RulePack.load(extensions=[REGION])


# ---------------------------------------------------------------- merging


def test_regional_value_changes_the_decision_only_from_its_date(regional: RulePack) -> None:
    base = default_pack()
    for on in (DAY_BEFORE, FROM, datetime.date(2030, 6, 1)):
        shipped = check_caseload("labour_market", ONE_WORKER_32, as_of=on, pack=base)
        assert shipped.workers[0].status is Status.MET  # 32 <= 35 (seed 002 §10), on every day
    before = check_caseload("labour_market", ONE_WORKER_32, as_of=DAY_BEFORE, pack=regional)
    after = check_caseload("labour_market", ONE_WORKER_32, as_of=FROM, pack=regional)
    assert before.workers[0].status is Status.MET
    assert after.workers[0].status is Status.NOT_MET and after.workers[0].over_by == 2
    cap = {u.name: u for u in after.params}["labour_market_max_clients_per_worker"]
    assert (cap.value, cap.valid_from, cap.valid_until) == (30, FROM, None)
    seed = {u.name: u for u in before.params}["labour_market_max_clients_per_worker"]
    assert (seed.value, seed.valid_from, seed.valid_until) == (35, datetime.date(2019, 1, 1), DAY_BEFORE)


def test_decision_names_base_and_extension(regional: RulePack) -> None:
    result = check_caseload("labour_market", ONE_WORKER_32, as_of=FROM, pack=regional)
    info = result.pack
    assert (info.id, info.version) == ("ccm-core+kraj-ukazka", f"{default_pack().info.version}+1.0.0")
    base, extension = info.parts
    assert (base.kind, base.id, base.content_hash) == ("base", "ccm-core", default_pack().info.content_hash)
    assert (extension.kind, extension.id, extension.version) == ("extension", "kraj-ukazka", "1.0.0")
    assert extension.content_hash == content_hash(REGION)
    assert extension.source == "regional policy: Kraj Ukázka (fictitious), board resolution 14/2026"
    assert info.content_hash not in (base.content_hash, extension.content_hash)
    assert to_json_data(info)["parts"][1]["source"] == extension.source  # JSON carries the parts


def test_regional_value_keeps_its_own_source(regional: RulePack) -> None:
    values = regional.parameter_set("team_norms").parameters["labour_market_max_clients_per_worker"].spec.values
    by_start = {v.valid_from: v for v in values}
    assert by_start[FROM].source is not None and by_start[FROM].source.ref.startswith("regional policy")
    seed = by_start[datetime.date(2019, 1, 1)].source
    assert seed is not None and seed.quote == "Egy esetmenedzser egyidőben maximum 35 ügyfél esetét menedzseli."
    assert any(c.file.endswith("kraj-ukazka/parameters.yaml") for c in regional.citations)


def test_texts_are_overridden_per_language(regional: RulePack) -> None:
    assert regional.text("label.pack", "cs") == "Sada pravidel (s krajským přizpůsobením)"
    assert regional.text("label.pack", "hu") == default_pack().text("label.pack", "hu")  # not written by the region
    assert default_pack().text("label.pack", "cs") == "Sada pravidel"  # the shipped pack is unchanged


def test_default_pack_is_still_the_shipped_one(regional: RulePack) -> None:
    assert default_pack().info.parts == () and default_pack().info.content_hash == content_hash(RULES)
    assert regional.extensions[0].id == "kraj-ukazka" and default_pack().extensions == ()


def test_an_extension_adds_a_ruleset(tmp_path: Path) -> None:
    ext = _extension(tmp_path, {"regional_check.yaml": REGIONAL_RULESET})
    pack = RulePack.load(extensions=[ext])
    decision = decide(pack.ruleset("regional_intake"), {"registered_in_region": False}, FROM)
    assert decision.outcome.value == "not_eligible" and decision.pack.id == "ccm-core+test-region"
    assert decide(pack.ruleset("regional_intake"), {}, FROM).outcome.value == "undetermined"  # unknown is not no
    assert "eligibility" in pack.rulesets  # nothing of the base is removed


# ---------------------------------------------------------------- lint errors, with file and line

MANIFEST = """kind: pack
id: test-region
version: 0.1.0
extends: {id: ccm-core, version: ">=0.2.0,<0.3.0"}
languages: [en, cs]
source: {ref: "regional policy: test region", rationale: a region made up for the tests}
title: {en: Test region, cs: Testovací kraj, hu: Tesztrégió, de: Testregion}
"""

VALUE = """kind: parameter_values
parameters:
  team_norms:
    labour_market_max_clients_per_worker:
      - value: 30
        from: 2027-01-01
        source: {ref: "regional policy: test region", rationale: a lower cap for the tests}
"""

REGIONAL_RULESET = """kind: ruleset
id: regional_intake
title: {en: Regional intake, cs: Krajský příjem, hu: Regionális felvétel, de: Regionale Aufnahme}
source: {ref: "regional policy: test region", rationale: a regional rule for the tests}
outcomes:
  eligible: {en: "yes", cs: ano, hu: igen, de: ja}
  not_eligible: {en: "no", cs: ne, hu: nem, de: nein}
  undetermined: {en: open, cs: otevřené, hu: nyitott, de: offen}
facts:
  registered_in_region:
    type: boolean
    label: {en: registered in the region, cs: hlášen v kraji, hu: a régióban bejelentett, de: in der Region gemeldet}
    question: {en: Is the person registered in the region?, cs: Je člověk hlášen v kraji?, hu: Bejelentett-e a régióban?, de: Ist die Person in der Region gemeldet?}
criteria:
  - id: RX1
    role: required
    title: {en: Registered, cs: Hlášen, hu: Bejelentett, de: Gemeldet}
    source: {ref: "regional policy: test region", rationale: a regional rule for the tests}
    condition: {fact: registered_in_region, eq: true}
    met: {en: registered, cs: hlášen, hu: bejelentett, de: gemeldet}
    not_met: {en: not registered, cs: nehlášen, hu: nem bejelentett, de: nicht gemeldet}
    unknown: {en: not recorded, cs: nezaznamenáno, hu: nincs rögzítve, de: nicht erfasst}
"""


def _extension(tmp_path: Path, files: dict[str, str], manifest: str = MANIFEST, name: str = "ext") -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "pack.yaml").write_text(manifest, encoding="utf-8")
    for file, text in files.items():
        (root / file).write_text(text, encoding="utf-8")
    return root


LINT = [
    (
        "unknown-parameter",
        {"values.yaml": VALUE.replace("labour_market_max_clients_per_worker", "labour_market_max_client")},
        "values.yaml",
        4,
        "'team_norms' (",
        "has no parameter 'labour_market_max_client'",
    ),
    (
        "unknown-owner",
        {"values.yaml": VALUE.replace("team_norms", "team_normz")},
        "values.yaml",
        3,
        "no ruleset or parameter set 'team_normz'",
        "",
    ),
    (
        "twice",
        {
            "values.yaml": VALUE
            + '      - value: 28\n        from: 2027-06-01\n        source: {ref: "regional policy: x", rationale: y}\n'
        },
        "values.yaml",
        9,
        "overlaps the one added from 2027-01-01 at",
        "values.yaml:5",
    ),
    (
        "before-base",
        {"values.yaml": VALUE.replace("from: 2027-01-01", "from: 2018-01-01")},
        "values.yaml",
        6,
        "has no base value in force on 2018-01-01",
        "",
    ),
    (
        "no-source",
        {
            "values.yaml": VALUE.replace(
                '        source: {ref: "regional policy: test region", rationale: a lower cap for the tests}\n', ""
            )
        },
        "values.yaml",
        5,
        "a region's value needs its source",
        "",
    ),
    (
        "cites-seed",
        {"values.yaml": VALUE.replace('"regional policy: test region"', '"002_d392965ea9d1d7b7.txt §10"')},
        "values.yaml",
        7,
        "cannot cite a seed",
        "",
    ),
    (
        "policy-without-rationale",
        {"values.yaml": VALUE.replace(", rationale: a lower cap for the tests", "")},
        "values.yaml",
        7,
        "needs a rationale",
        "",
    ),
    (
        "wrong-type",
        {"values.yaml": VALUE.replace("value: 30", "value: thirty")},
        "values.yaml",
        5,
        "expected a value of type integer",
        "",
    ),
    (
        "language-base-lacks",
        {"texts.yaml": "kind: texts\ntexts:\n  label.pack: {cs: Sada, sk: Balík}\n"},
        "texts.yaml",
        3,
        "language 'sk' is not shipped by the base pack",
        "",
    ),
    (
        "language-not-declared",
        {"texts.yaml": "kind: texts\ntexts:\n  label.pack: {de: Paket}\n"},
        "texts.yaml",
        3,
        "not among this extension's languages",
        "",
    ),
    (
        "new-text-incomplete",
        {"texts.yaml": "kind: texts\ntexts:\n  region.note: {en: note, cs: poznámka}\n"},
        "texts.yaml",
        3,
        "missing translation for 'hu'",
        "",
    ),
    (
        "same-ruleset-id",
        {"r.yaml": REGIONAL_RULESET.replace("id: regional_intake", "id: eligibility")},
        "r.yaml",
        2,
        "duplicate ruleset id 'eligibility' (first at",
        "eligibility.yaml:",
    ),
    (
        "same-rule-id",
        {"r.yaml": REGIONAL_RULESET.replace("id: RX1", "id: E1")},
        "r.yaml",
        15,
        "duplicate rule id 'E1' (first at",
        "eligibility.yaml:",
    ),
]


@pytest.mark.parametrize(("name", "files", "file", "line", "message", "also"), LINT, ids=[f[0] for f in LINT])
def test_lint_errors_name_file_and_line(
    tmp_path: Path, name: str, files: dict[str, str], file: str, line: int, message: str, also: str
) -> None:
    ext = _extension(tmp_path, files)
    problems = [p for p in check_pack(RULES, extensions=[ext]) if p.severity == "error"]
    found = [p for p in problems if message in p.text() and also in p.text()]
    assert found, [str(p) for p in problems]
    assert found[0].file is not None and found[0].file.endswith(f"ext/{file}") and found[0].line == line
    if name == "twice":  # loading refuses what the check reports
        with pytest.raises(RulePackError, match="not valid"):
            RulePack.load(extensions=[ext])


MANIFEST_FAULTS = [
    (
        "other-base",
        MANIFEST.replace("id: ccm-core", "id: ccm-other"),
        "extends 'ccm-other', but the base pack is 'ccm-core'",
        4,
    ),
    ("version-range", MANIFEST.replace(">=0.2.0,<0.3.0", ">=1.0"), "is not in the range '>=1.0'", 4),
    ("unreadable-range", MANIFEST.replace(">=0.2.0,<0.3.0", "about 0.2"), "cannot read the version range", 4),
    (
        "no-extends",
        MANIFEST.replace('extends: {id: ccm-core, version: ">=0.2.0,<0.3.0"}\n', ""),
        "names the pack it extends",
        None,
    ),
    (
        "no-source",
        MANIFEST.replace(
            'source: {ref: "regional policy: test region", rationale: a region made up for the tests}\n', ""
        ),
        "names the source its adaptation rests on",
        None,
    ),
    (
        "base-language-missing",
        MANIFEST.replace("[en, cs]", "[en, sk]"),
        "language 'sk' is not shipped by the base pack",
        5,
    ),
]


@pytest.mark.parametrize(("name", "manifest", "message", "line"), MANIFEST_FAULTS, ids=[f[0] for f in MANIFEST_FAULTS])
def test_manifest_faults(tmp_path: Path, name: str, manifest: str, message: str, line: int | None) -> None:
    ext = _extension(tmp_path, {}, manifest)
    found = [p for p in check_pack(RULES, extensions=[ext]) if message in p.text()]
    assert found and found[0].file is not None and found[0].file.endswith("ext/pack.yaml")
    if line is not None:
        assert found[0].line == line


def test_two_extensions_may_not_give_the_same_range(tmp_path: Path) -> None:
    one = _extension(tmp_path, {"values.yaml": VALUE}, name="one")
    two = _extension(
        tmp_path,
        {"values.yaml": VALUE.replace("2027-01-01", "2028-01-01")},
        MANIFEST.replace("test-region", "test-region-2"),
        name="two",
    )
    problems = check_pack(RULES, extensions=[one, two])
    assert [
        p.line
        for p in problems
        if "overlaps the one added from 2027-01-01 at" in p.text() and p.file and p.file.endswith("two/values.yaml")
    ] == [6]
    closed = VALUE.replace("        from: 2027-01-01\n", "        from: 2027-01-01\n        until: 2027-12-31\n")
    one_closed = tmp_path / "one" / "values.yaml"
    one_closed.write_text(closed, encoding="utf-8")
    pack = RulePack.load(extensions=[one, two])  # 2027 from the first, 2028 on from the second
    values = pack.parameter_set("team_norms").values_at
    assert (
        values(DAY_BEFORE)["labour_market_max_clients_per_worker"],
        values(FROM)["labour_market_max_clients_per_worker"],
    ) == (35, 30)
    assert [p.id for p in pack.info.parts] == ["ccm-core", "test-region", "test-region-2"]


def test_a_base_that_extends_is_refused_as_base() -> None:
    problems = check_pack(REGION)
    assert any("load it as an extension (--pack)" in p.text() for p in problems)


def test_unknown_pack_name_is_a_clear_error() -> None:
    with pytest.raises(RulePackError) as err:
        RulePack.load(extensions=["kraj-neznamy"])
    assert "no such folder, and no installed pack of that name" in err.value.render()


# ---------------------------------------------------------------- adapters


def test_cli_eligibility_with_pack(capsys: pytest.CaptureFixture[str]) -> None:
    case = str(EXAMPLES / "eligibility" / "simple_referral.yaml")
    assert main(["eligibility", case, "--format", "json"]) in (0, 1)
    plain = json.loads(capsys.readouterr().out)
    assert main(["eligibility", case, "--format", "json", "--pack", str(REGION)]) in (0, 1)
    merged = json.loads(capsys.readouterr().out)
    assert merged["decision"]["pack"]["id"] == "ccm-core+kraj-ukazka"
    assert [p["id"] for p in merged["decision"]["pack"]["parts"]] == ["ccm-core", "kraj-ukazka"]
    assert plain["decision"]["pack"]["parts"] == []
    merged["decision"].pop("pack"), plain["decision"].pop("pack")
    assert merged["decision"] == plain["decision"]  # the region changes no eligibility rule


def test_cli_caseload_with_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["caseload", str(TEAM)]) == 0
    out = capsys.readouterr().out
    assert "at most 35 clients" in out and "Regional value" not in out
    assert main(["caseload", str(TEAM), "--pack", str(REGION), "--lang", "cs"]) == 1
    out = capsys.readouterr().out
    assert "nejvýše 30 klientů" in out and "ccm-core+kraj-ukazka 0.2.1+1.0.0" in out
    assert "Sada pravidel (s krajským přizpůsobením)" in out
    # the seed's source is still cited for the rule, and the region's value is named with its own source
    assert "  Zdroj: Case manager (popis služby) §10" in out
    assert (
        "  Krajská hodnota: labour_market_max_clients_per_worker = 30 od 2027-01-01 — "
        "regional policy: Kraj Ukázka (fictitious), board resolution 14/2026 (rozšíření kraj-ukazka 1.0.0)"
    ) in out


def test_cli_pack_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["caseload", str(TEAM), "--pack", "kraj-neznamy"]) == 2
    assert "no installed pack of that name" in capsys.readouterr().err
    ext = _extension(tmp_path, {"values.yaml": VALUE.replace("team_norms", "team_normz")})
    assert main(["rules", "check", "--pack", str(ext)]) == 1
    captured = capsys.readouterr()
    assert f"{ext / 'values.yaml'}:3" in captured.out and "no ruleset or parameter set 'team_normz'" in captured.out
    assert main(["rules", "check", "--pack", str(REGION)]) == 0
    assert "0 error(s)" in captured.err or "0 error(s)" in capsys.readouterr().err


def test_serve_app_with_pack(monkeypatch: pytest.MonkeyPatch, regional: RulePack) -> None:
    pytest.importorskip("litestar")
    from litestar.testing import TestClient

    from ccm_rules_adapters.http import app_from_env, create_app

    team = {"team": "LM-U01", "as_of": "2027-02-01", "norm": "labour_market", "workers": ONE_WORKER_32}
    with TestClient(create_app(pack=regional)) as client:
        health = client.get("/health").json()
        assert health["pack"]["id"] == "ccm-core+kraj-ukazka"
        answer = client.post("/v1/caseload", json=team).json()
        assert answer["status"] == "not_met" and answer["result"]["pack"]["parts"][1]["id"] == "kraj-ukazka"
    monkeypatch.setenv(
        "CCM_RULES_PACKS", json.dumps([str(REGION)])
    )  # what `ccm-rules serve --pack` sets for its workers
    monkeypatch.delenv("CCM_RULES_RULES", raising=False)
    with TestClient(app_from_env()) as client:
        assert client.get("/health").json()["pack"]["content_hash"] == regional.info.content_hash


def test_serve_passes_packs_to_its_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --pack` puts the packs where each worker's app is built, and stops with exit 2 on a bad one."""
    pytest.importorskip("litestar")
    monkeypatch.delenv("CCM_RULES_PACKS", raising=False)
    assert main(["serve", "--pack", "kraj-neznamy", "--port", "8799"]) == 2
    assert json.loads(os.environ["CCM_RULES_PACKS"]) == ["kraj-neznamy"]


# ---------------------------------------------------------------- installed packs (entry points)


def test_pack_by_entry_point_name(tmp_path: Path) -> None:
    """A distribution names its pack folder in `ccm_rules.packs`; `--pack NAME` finds it."""
    package = tmp_path / "kraj_ukazka_pack"
    shutil.copytree(REGION, package / "rules")
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\n\ndef pack_dir() -> Path:\n    return Path(__file__).parent / 'rules'\n",
        encoding="utf-8",
    )
    info = tmp_path / "kraj_ukazka_pack-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kraj-ukazka-pack\nVersion: 1.0.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[ccm_rules.packs]\nkraj-ukazka = kraj_ukazka_pack:pack_dir\n", encoding="utf-8"
    )
    script = (
        "import sys; from ccm_rules.engine import installed_packs\n"
        "print(sorted(installed_packs()))\n"
        "from ccm_rules_adapters.cli import main\n"
        f"sys.exit(main(['caseload', {str(TEAM)!r}, '--pack', 'kraj-ukazka', '--format', 'json']))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 1, done.stderr  # over the region's cap
    first, rest = done.stdout.split("\n", 1)
    assert first == "['kraj-ukazka']"
    data = json.loads(rest)
    assert data["result"]["status"] == "not_met" and data["result"]["pack"]["parts"][1]["id"] == "kraj-ukazka"


# ---------------------------------------------------------------- property

BASE_TEXTS = default_pack().texts
TEXT_KEYS = sorted(BASE_TEXTS)
WORDS = st.text(st.characters(categories=("L", "N", "Zs"), max_codepoint=0x17F), min_size=1, max_size=20).filter(
    str.strip
)
STATUS = st.sampled_from(["unmet_need", "met_need", "no_need", "not_assessed"])
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "referral_only": st.booleans(),
        "ongoing_coordination_needed": st.booleans(),
        "chronic_condition": st.booleans(),
        "services_needed": st.integers(0, 8),
        "expected_duration_months": st.integers(0, 60),
        "domains": st.dictionaries(
            st.sampled_from(["housing", "finances", "mental_health", "work"]), STATUS, max_size=4
        ),
    },
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    overrides=st.dictionaries(
        st.sampled_from(TEXT_KEYS),
        st.dictionaries(st.sampled_from(["en", "cs"]), WORDS, min_size=1),
        min_size=1,
        max_size=5,
    ),
    cases=st.lists(
        st.tuples(FACTS, st.dates(datetime.date(2019, 1, 1), datetime.date(2031, 12, 31))), min_size=1, max_size=6
    ),
)
def test_texts_only_extension_changes_no_decision(
    tmp_path_factory: pytest.TempPathFactory,
    overrides: dict[str, dict[str, str]],
    cases: list[tuple[dict[str, Any], datetime.date]],
) -> None:
    """For any extension that only adds texts, every decision equals the base pack's except its pack info."""
    root = tmp_path_factory.mktemp("texts_only")
    (root / "pack.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "texts.yaml").write_text(
        json.dumps({"kind": "texts", "texts": overrides}, ensure_ascii=False), encoding="utf-8"
    )
    pack = RulePack.load(extensions=[root])
    assert [p.kind for p in pack.info.parts] == ["base", "extension"]
    for facts, on in cases:
        for ruleset in ("eligibility", "labour_market"):
            relevant = {k: v for k, v in facts.items() if k in pack.ruleset(ruleset).spec.facts}
            base = decide(default_pack().ruleset(ruleset), relevant, on)
            merged = decide(pack.ruleset(ruleset), relevant, on)
            assert merged.pack == pack.info and merged.pack != base.pack
            assert attrs.evolve(merged, pack=base.pack) == base
        shipped = check_caseload("labour_market", ONE_WORKER_32, as_of=on)
        assert (
            attrs.evolve(check_caseload("labour_market", ONE_WORKER_32, as_of=on, pack=pack), pack=shipped.pack)
            == shipped
        )
    assert assess_eligibility({}, as_of=FROM, pack=pack).pack == pack.info


def test_regional_eligibility_value_is_shown_under_the_seed_source(tmp_path: Path) -> None:
    """A region that asks for 3 life domains with a need from 2027 (seed 001: 2 or more) changes E2-type
    decisions only from that day, and the explanation names the regional value beside the seed's source."""
    values = (
        VALUE.replace("team_norms", "eligibility")
        .replace("labour_market_max_clients_per_worker", "min_domains_with_need")
        .replace("value: 30", "value: 3")
    )
    pack = RulePack.load(extensions=[_extension(tmp_path, {"values.yaml": values})])
    facts = {"domains": {"housing": "unmet_need", "finances": "unmet_need"}}
    from ccm_rules.engine import explain

    def uses(on: datetime.date) -> list[tuple[str, Any, str]]:
        decision = decide(pack.ruleset("eligibility"), facts, on)
        shown = explain(decision, pack, "en")
        return [
            (c.id, c.status.value, shown.criteria[i].source_title)
            for i, c in enumerate(decision.criteria)
            if any(n.param is not None and n.param.name == "min_domains_with_need" for n in _nodes(c.trace))
        ]

    before, after = uses(DAY_BEFORE), uses(FROM)
    base = [(c.id, c.status.value) for c in decide(default_pack().ruleset("eligibility"), facts, FROM).criteria]
    assert before and [(i, s) for i, s, _ in before] == [(i, s) for i, s in base if i in {b[0] for b in before}]
    assert all("Regional value" not in shown for _, _, shown in before)
    assert [s for _, s, _ in after] != [s for _, s, _ in before]  # 2 domains no longer reach the region's 3
    assert all(
        "Regional value: min_domains_with_need = 3 from 2027-01-01 — regional policy: test region (extension test-region 0.1.0)"
        in shown
        for _, _, shown in after
    )


def _nodes(node: Any) -> list[Any]:
    return [node, *(n for child in node.children for n in _nodes(child))]
