"""The wheel ships the rule pack: a wheel-installed user has every file of `rules/`, byte for byte."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, RULES

ROOT = RULES.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ccm_rules-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_every_rule_file_unchanged(wheel: Path) -> None:
    shipped = {p.relative_to(RULES).as_posix(): p.read_bytes() for p in RULES.rglob("*.yaml")}
    with zipfile.ZipFile(wheel) as zf:
        packed = {
            n.removeprefix("ccm_rules/rules/"): zf.read(n) for n in zf.namelist() if n.startswith("ccm_rules/rules/")
        }
        names = set(zf.namelist())
    assert shipped and packed == shipped
    assert {"ccm_rules/py.typed", "ccm_rules_adapters/py.typed", "ccm_rules_adapters/cli/__init__.py"} <= names, (
        "both packages are typed (PEP 561)"
    )
    assert {"ccm_rules_adapters/html/templates/base.html", "ccm_rules_adapters/html/static/report.css"} <= names, (
        "the HTML reports' templates and stylesheet"
    )
    licenses = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert licenses, "the MIT licence text is not in the wheel"
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(licenses[0]).decode().startswith("MIT License")
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert "License-Expression: MIT" in zf.read(metadata).decode()


@pytest.mark.slow
def test_wheel_installed_package_uses_its_own_rules(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    probe = (
        "import ccm_rules, ccm_rules.engine._pack as p, ccm_rules_adapters.cli as cli, sys;"
        "print(ccm_rules.__file__); print(p.default_rules_dir());"
        f"sys.exit(cli.main(['eligibility', {str(EXAMPLES / 'eligibility/simple_referral.yaml')!r}, '--lang', 'de']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={"PYTHONPATH": str(target)}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    module_file, rules_dir, *answer = result.stdout.splitlines()
    assert module_file.startswith(str(target)) and rules_dir.startswith(str(target))
    assert "Braucht die Person Case Management?: NICHT INDIZIERT" in answer


UNBOUNDED = {
    "attrs": "attrs keeps old behaviour behind its versioned `attrs` namespace",
    "pyarrow": "a major release every few months; only its CSV reader and Parquet writer are used, checked by the newest-versions CI job",
    "ccm-rules": "the project's own extras",
}


def test_dependencies_have_upper_bounds() -> None:
    """Every dependency of the core and of the user-facing extras is bounded, or says why not."""
    import re
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    project, groups = pyproject["project"], pyproject["dependency-groups"]
    extras = project["optional-dependencies"]
    requirements = [
        *project["dependencies"],
        *(r for name in ("http", "fhir", "batch") for r in extras[name]),
        *groups["test-core"],
        *groups["docs"],
    ]
    for requirement in requirements:
        name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
        assert "<" in requirement.split(";")[0] or name in UNBOUNDED, f"{requirement!r} has no upper bound"


def test_developer_dependencies_are_groups_not_extras() -> None:
    """Test, bench and docs dependencies are PEP 735 groups; users' extras stay extras; README installs the groups."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras, groups = pyproject["project"]["optional-dependencies"], pyproject["dependency-groups"]
    assert {"http", "fhir", "batch", "events", "spark", "dask"} <= set(extras)
    assert not {"test", "test-core", "docs", "bench"} & set(extras), "developers' dependencies are groups"
    assert {"test", "test-core", "docs", "bench"} <= set(groups)
    assert {"include-group": "test-core"} in groups["test"] and {"include-group": "docs"} in groups["test"]
    (own,) = [r for r in groups["test"] if isinstance(r, str) and r.startswith("ccm-rules[")]
    assert set(own.removeprefix("ccm-rules[").removesuffix("]").split(",")) == set(extras), (
        "the suite tests every extra"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . --group test && .venv/bin/python -m pytest" in readme
    assert "pip install -e . --group test-core && .venv-core/bin/python -m pytest -rs" in readme
    assert "'pip>=25.1'" in readme, "pip installs dependency groups from 25.1 on"


def test_ci_runs_the_readme_commands_the_layers_the_site_and_the_newer_pythons() -> None:
    """.ci/run runs README's test command verbatim, lint-imports, the strict site build, the core path; its second lane 3.12 and 3.13."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [
        line for line in readme.splitlines() if line.startswith("python3 -m venv .venv &&") and "--group test " in line
    ]
    assert command in ci, "CI runs the README's test command as written"
    assert "\n.venv/bin/lint-imports\n" in ci
    assert "mkdocs build --strict" in ci
    lanes = (ROOT / ".ci" / "other-lanes").read_text(encoding="utf-8")
    assert ".ci/other-lanes >" in ci and 'wait "$other_lanes"' in ci, "CI starts the second lane and checks its exit"
    assert "for version in 3.12 3.13; do" in lanes and "--group test-core" in ci
