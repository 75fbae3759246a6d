"""Shared fixtures: the shipped pack and paths to examples; test modules that need an extra.

The core's tests need only `pip install -e . --group test-core`. A module that tests an
optional extra is skipped, with the install command in its reason, when the extra is
not installed (`EXTRA_MODULES`), so a newcomer sees what to install instead of an
ImportError.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from ccm_rules import RulePack

settings.register_profile("other-pythons", max_examples=25)
"""CI's runs on the newer Pythons (`--hypothesis-profile=other-pythons`): every test, with fewer
generated examples than the 3.11 run's default 100, which carries the properties' full weight."""

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
SEEDS = Path(os.environ.get("CCM_RULES_SEEDS") or ROOT.parent / "shared" / "seeds")
"""The seed texts the rules cite: ../shared/seeds beside the checkout, or $CCM_RULES_SEEDS."""

SEEDS_MISSING = (
    f"the seed texts are not at {SEEDS}: put the project's shared/ folder beside this checkout, "
    "or set CCM_RULES_SEEDS=/path/to/shared/seeds"
)

_HTTP = ("http", ("litestar", "uvicorn", "msgspec", "httpx"))
_BATCH = ("batch", ("polars", "pyarrow"))
_FHIR = ("fhir", ("fhir.resources",))
_RECORDS = ("records", ("sqlalchemy", "alembic", "cryptography", "narwhals", "polars"))
ADAPTER_EXTRAS = (_HTTP, _BATCH, _FHIR, _RECORDS, ("dask", ("dask", "dask.dataframe")), ("spark", ("pyspark",)))
"""The adapters' extras and the modules each brings (for a test that imports an adapter module)."""
EXTRA_MODULES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "test_batch.py": (_BATCH,),
    "test_batch_hostile.py": (_BATCH,),
    "test_columnar.py": (_BATCH,),
    "test_dask.py": (_BATCH, ("dask", ("dask.dataframe",))),
    "test_spark.py": (_BATCH, ("spark", ("pyspark",))),
    "test_http.py": (_HTTP,),
    "test_http_more.py": (_HTTP,),
    "test_http_offline_docs.py": (_HTTP,),
    "test_http_problems.py": (_HTTP,),
    "test_server_limits.py": (_HTTP,),
    "test_web_texts.py": (_HTTP, ("web", ("argon2",))),
    "test_http_documents.py": (_HTTP, ("test", ("jsonschema_rs",))),
    "test_cds_hooks.py": (_HTTP, ("test", ("jsonschema_rs",))),
    "test_schemathesis.py": (_HTTP, ("test", ("schemathesis",))),
    "test_fhir.py": (_FHIR, _HTTP),
    "test_fhir_careteam.py": (_FHIR,),
    "test_fhir_inputs.py": (_FHIR,),
    "test_monitoring_durable.py": (("events", ("durable_rules_engine",)),),
    "test_packaging.py": (("test", ("build", "hatchling")),),
}
"""Test module → the extras (name, modules) it needs."""


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return False


def missing_extras(needs: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """A skip reason naming the install command, or None when every module is there."""
    missing = {extra: [m for m in modules if not _installed(m)] for extra, modules in needs}
    missing = {extra: mods for extra, mods in missing.items() if mods}
    if not missing:
        return None
    extras = [e for e in missing if e != "test"]  # "test" is the dependency group, not an extra
    command = (
        "pip install -e . --group test"
        if not extras
        else f"pip install -e '.[{','.join(extras)}]', or everything with pip install -e . --group test"
    )
    return (
        f"needs the {', '.join(repr(e) for e in missing)} extra{'s' if len(missing) > 1 else ''} "
        f"(missing: {', '.join(m for mods in missing.values() for m in mods)}): {command}"
    )


class _NeedsExtra(pytest.Module):
    """A test module whose extra is not installed: reported as skipped, with the install command."""

    reason = ""

    def collect(self) -> Any:
        pytest.skip(self.reason)


def pytest_pycollect_makemodule(module_path: Path, parent: Any) -> Any:
    needs = EXTRA_MODULES.get(module_path.name)
    reason = missing_extras(needs) if needs else None
    if reason is None:
        return None
    module = _NeedsExtra.from_parent(parent, path=module_path)
    module.reason = reason
    return module


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return RulePack.load(RULES)
