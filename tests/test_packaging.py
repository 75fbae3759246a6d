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
        packed = {n.removeprefix("ccm_rules/rules/"): zf.read(n) for n in zf.namelist() if n.startswith("ccm_rules/rules/")}
        names = set(zf.namelist())
    assert shipped and packed == shipped
    assert {"ccm_rules/py.typed", "ccm_rules_adapters/cli/__init__.py"} <= names


@pytest.mark.slow
def test_wheel_installed_package_uses_its_own_rules(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)], check=True)
    probe = (
        "import ccm_rules, ccm_rules._pack as p, ccm_rules_adapters.cli as cli, sys;"
        "print(ccm_rules.__file__); print(p.default_rules_dir());"
        f"sys.exit(cli.main(['eligibility', {str(EXAMPLES / 'eligibility/simple_referral.yaml')!r}, '--lang', 'de']))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={"PYTHONPATH": str(target)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module_file, rules_dir, *answer = result.stdout.splitlines()
    assert module_file.startswith(str(target)) and rules_dir.startswith(str(target))
    assert "Braucht die Person Case Management?: NICHT INDIZIERT" in answer
