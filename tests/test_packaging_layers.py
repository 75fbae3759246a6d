"""The layer contracts of pyproject.toml (`lint-imports`) hold today, and each one breaks on a real violation.

The tree (src/, adapters/, pyproject.toml) is copied to a scratch folder, one import that the
architecture forbids is added (docs/architecture.md, "The layers"), and `lint-imports` must
fail naming that import; an import the architecture allows (an area using another area's
public package) must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="needs import-linter: pip install -e . --group test")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree / "adapters")])}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for folder in ("src", "adapters"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.fixture
def tree(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    shutil.copytree(pristine, copy)
    return copy


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # noqa\n")


def test_the_tree_keeps_every_contract(pristine: Path) -> None:
    done = lint(pristine)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


VIOLATIONS = {
    "area imports the engine's private module": (
        [("src/ccm_rules/goals/__init__.py", "from ccm_rules.engine._pack import default_rules_dir")],
        "No module imports another package's private module",
        "ccm_rules.goals -> ccm_rules.engine._pack",
    ),
    "engine imports an area": (
        [("src/ccm_rules/engine/_pack.py", "import ccm_rules.team")],
        "Layers: areas → engine",
        "ccm_rules.engine._pack -> ccm_rules.team",
    ),
    "core imports an adapter": (
        [("src/ccm_rules/records/_read.py", "import ccm_rules_adapters.cli")],
        "The core imports no adapter",
        "ccm_rules.records._read -> ccm_rules_adapters.cli",
    ),
    "a package of the core declared nowhere": (
        [("src/ccm_rules/scratch/__init__.py", '"""An area nobody listed."""')],
        "every package of the core declared",
        "ccm_rules.scratch",
    ),
    "two areas import each other": (
        [
            ("src/ccm_rules/goals/_plan.py", "import ccm_rules.team"),
            ("src/ccm_rules/team/_caseload.py", "import ccm_rules.goals"),
        ],
        "The areas depend on each other without cycles",
        ".team -> .goals",
    ),
    "adapter imports an area's private module": (
        [("adapters/ccm_rules_adapters/cli/goal.py", "from ccm_rules.team._caseload import MAX_CLIENTS")],
        "No module imports another package's private module",
        "ccm_rules_adapters.cli.goal -> ccm_rules.team._caseload",
    ),
    "adapter imports another adapter's private module": (
        [("adapters/ccm_rules_adapters/cli/goal.py", "from ccm_rules_adapters.fhir._results import operation_outcome")],
        "No module imports another package's private module",
        "ccm_rules_adapters.cli.goal -> ccm_rules_adapters.fhir._results",
    ),
}


@pytest.mark.parametrize("case", list(VIOLATIONS))
def test_each_contract_breaks_on_a_real_violation(case: str, tree: Path) -> None:
    edits, contract, named = VIOLATIONS[case]
    for path, line in edits:
        _append(tree / path, line)
    done = lint(tree)
    report = " ".join(done.stdout.split())  # lint-imports wraps long contract names
    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 kept, 1 broken" in report or "2 kept, 2 broken" in report, report
    assert f"{contract}" in report and named in report and "BROKEN" in report, report


def test_an_area_may_use_another_areas_public_package(tree: Path) -> None:
    _append(tree / "src/ccm_rules/goals/_plan.py", "import ccm_rules.team")
    done = lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
