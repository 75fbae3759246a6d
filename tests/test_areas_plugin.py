"""A new area is its own package plus its rule files (issue 17 item 1), proved with a plugin area.

`tests/plugins/ccm_area_demo` is a package outside `src/`: one rule-file kind, one pack check
and a folder of its own rule files (`Area.rules`). Each test runs a fresh Python in which the
plugin is installed through a REAL `ccm_rules.areas` entry point: a `*.dist-info` folder with
`METADATA` and `entry_points.txt`, written into a temporary folder on `sys.path`. Nothing in
`src/` or `rules/` names the plugin, so what the subprocess sees comes through the registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccm_rules.engine import areas, default_pack

PLUGINS = Path(__file__).parent / "plugins"
DEMO = PLUGINS / "ccm_area_demo"


def _install(site: Path, group: str, line: str, name: str = "ccm_area_demo") -> None:
    """Write the distribution metadata pip would write: its name, version and one entry point."""
    info = site / f"{name}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\n{line}\n", encoding="utf-8")


def _run(site: Path, script: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter that sees `site` (the installed metadata) and the plugin's package."""
    path = os.pathsep.join([str(site), str(PLUGINS), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )


DECIDE = """
import datetime, json
from ccm_rules.engine import areas, check_pack, decide, default_pack, default_rules_dir
pack = default_pack()
ruleset = pack.ruleset("demo_referral")
yes = decide(ruleset, {"consent_given": True}, datetime.date(2027, 1, 1))
unknown = decide(ruleset, {}, datetime.date(2027, 1, 1))
print(json.dumps({
    "areas": [a.name for a in areas()],
    "outcomes": [yes.outcome.value, unknown.outcome.value],
    "checklists": [d.id for d in pack.documents("demo_checklist")],
    "parts": [[p.kind, p.id, p.version] for p in yes.pack.parts],
    "pack": [yes.pack.id, yes.pack.version, yes.pack.content_hash == pack.info.content_hash],
    "problems": [str(p) for p in check_pack(default_rules_dir())],
    "eligibility": "eligibility" in pack.rulesets,
}))
"""


def test_plugin_area_decides_through_its_entry_point(tmp_path: Path) -> None:
    _install(tmp_path, "ccm_rules.areas", "demo = ccm_area_demo:AREA")
    done = _run(tmp_path, DECIDE)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert "demo" in seen["areas"] and seen["eligibility"]
    assert seen["outcomes"] == ["eligible", "undetermined"]  # unknown consent is not "no"
    assert seen["checklists"] == ["demo_referral_checklist"]
    assert seen["parts"] == [["base", "ccm-core", default_pack().info.version], ["area", "demo", "0.1.0"]]
    assert seen["pack"] == ["ccm-core", default_pack().info.version, True]
    assert seen["problems"] == []


def test_without_the_entry_point_the_plugin_is_unknown(tmp_path: Path) -> None:
    """The same interpreter setup without the metadata: no area, no ruleset (the registry is what adds them)."""
    done = _run(tmp_path, DECIDE)
    assert done.returncode != 0 and "no ruleset 'demo_referral'" in done.stderr
    assert "demo" not in [a.name for a in areas()]


def test_plugin_pack_check_runs_in_rules_check(tmp_path: Path) -> None:
    """The plugin's own check of its documents runs in `rules check`, naming the fault."""
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "ccm_area_broken").mkdir()
    source = (DEMO / "__init__.py").read_text(encoding="utf-8").replace('name="demo"', 'name="demo_broken"')
    (plugin / "ccm_area_broken" / "__init__.py").write_text(source, encoding="utf-8")
    rules = plugin / "ccm_area_broken" / "rules"
    rules.mkdir()
    (rules / "demo_referral.yaml").write_text(
        (DEMO / "rules" / "demo_referral.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    checklist = (
        (DEMO / "rules" / "demo_checklist.yaml")
        .read_text(encoding="utf-8")
        .replace("ruleset: demo_referral", "ruleset: demo_refferal")
    )
    (rules / "demo_checklist.yaml").write_text(checklist, encoding="utf-8")
    site = tmp_path / "site"
    _install(site, "ccm_rules.areas", "demo_broken = ccm_area_broken:AREA", name="ccm_area_broken")
    script = "import sys; from ccm_rules_adapters.cli import main; sys.exit(main(['rules', 'check']))"
    path = os.pathsep.join([str(site), str(plugin), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "checklist 'demo_referral_checklist' names no ruleset of the pack: 'demo_refferal'" in done.stdout


def test_the_plugin_needs_one_module_and_its_rule_files() -> None:
    """What a new area took: one Python module, its rule files, one entry-point line (written by the test)."""
    files = sorted(
        p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert files == ["__init__.py", "rules/demo_checklist.yaml", "rules/demo_referral.yaml"]


@pytest.mark.parametrize("broken", ['rules=Path(__file__).parent / "missing"', "rules=Path(__file__).parent.parent"])
def test_a_bad_area_folder_is_a_clear_problem(tmp_path: Path, broken: str) -> None:
    """An area whose folder is missing, or holds a pack of its own, is a pack problem with its name, not a traceback."""
    plugin = tmp_path / "plugin" / "ccm_area_bad"
    plugin.mkdir(parents=True)
    source = (
        (DEMO / "__init__.py")
        .read_text(encoding="utf-8")
        .replace('name="demo"', 'name="bad"')
        .replace('rules=Path(__file__).parent / "rules"', broken)
    )
    (plugin / "__init__.py").write_text(source, encoding="utf-8")
    if "parent.parent" in broken:
        (plugin.parent / "pack.yaml").write_text(
            (Path(default_pack().root) / "pack.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    site = tmp_path / "site"
    _install(site, "ccm_rules.areas", "bad = ccm_area_bad:AREA", name="ccm_area_bad")
    script = "from ccm_rules.engine import RulePack, RulePackError\ntry:\n    RulePack.load()\nexcept RulePackError as err:\n    print(err.render())\n"
    path = os.pathsep.join([str(site), str(tmp_path / "plugin"), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "area 'bad'" in done.stdout


def test_a_plugin_that_cannot_be_imported_is_named(tmp_path: Path) -> None:
    """An entry point naming a module that is not there stops the command with exit 2 and its name, not a traceback."""
    _install(tmp_path, "ccm_rules.areas", "ghost = ccm_area_ghost:AREA", name="ccm_area_ghost")
    done = _run(tmp_path, "import sys; from ccm_rules_adapters.cli import main; sys.exit(main(['rules', 'check']))")
    assert done.returncode == 2, done.stderr
    assert (
        "entry point 'ghost' of group 'ccm_rules.areas' (ccm_area_ghost:AREA, from ccm_area_ghost) cannot be loaded"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
