"""The docs say what the code does: every example in README.md and docs/*.md is run.

Conventions of the Markdown (so a page stays checkable):

- A ```python block runs, in page order, in one namespace per page, with the repository
  root as the working directory; it must not raise. When a ```text block follows it
  (nothing but blank lines between), the block's printed output must be that text.
- A ```pycon block (or a ```python block whose first line starts with `>>>`) is a doctest.
- A ```console block holds commands `$ ccm-rules ARGS` (or `$ .venv/bin/ccm-rules ARGS`),
  each followed by its output as a terminal shows it (stdout and stderr). `; echo $?` after
  the command prints its exit code; without it the command must exit 0. The commands run in
  a scratch folder where `examples/` and `rules/` are the repository's, through the same
  `main()` the `ccm-rules` script calls.
- In any expected output `...` stands for any text (doctest's ELLIPSIS): write the pack's
  content hash as `sha256:...`, so that an edit to a rule file does not break the docs,
  while any hash, version or text written out must be the current one. Trailing spaces
  are ignored.
- `<!-- docs-test: skip -->` on the line before a block: a sketch that is not run (say why).
  `<!-- docs-test: file NAME -->` before a ```yaml/```json block: the console commands of
  that page find it as NAME.

Besides: no page imports or calls a private `ccm_rules._…` module (the public namespace is
the API); no page runs `ccm-rules` with output shown anywhere but a checked block; every
page cited exists; no path of one machine is written into an example; and the intake
tutorial, whose reader installed into `.venv`, runs `.venv/bin/ccm-rules`. The modules'
own docstring examples (`>>>`) are run here too.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import os
import re
import shlex
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from .conftest import ADAPTER_EXTRAS, missing_extras

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "docs" / "reference").glob("*.md")])
PAGE_IDS = [str(p.relative_to(ROOT)) for p in PAGES]
FLAGS = doctest.ELLIPSIS
FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,})(?P<info>[^`]*)$")
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<what>skip|file)\b\s*(?P<arg>[^>]*?)\s*-->\s*$")
SHELL = ("sh", "shell", "bash", "console", "")
OUTPUT = ("text", "json", "")  # a block that shows output (a ```console block is checked on its own)
COMMAND = re.compile(r"^(?:\$ )?(?P<prog>(?:\.venv/bin/)?ccm-rules)(?:\s|$)")
ENTRY = "import sys; from ccm_rules_adapters.cli import main; sys.argv[0] = 'ccm-rules'; sys.exit(main())"


@attrs.frozen
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    marker: tuple[str, str] | None  # ("skip", reason) or ("file", name)
    next_lang: str | None  # the language of the block right after this one (blank lines only between)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced block of a page, with its marker and the language of the block right after it."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[tuple[int, int, str, str, tuple[str, str] | None]] = []  # start, end, lang, text, marker
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = i + 1
        while end < len(lines) and not (lines[end].strip().startswith(fence) and lines[end].strip().strip("`") == ""):
            end += 1
        body = [line[indent:] if line[:indent].strip() == "" else line for line in lines[i + 1 : end]]
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        mark = MARKER.match(previous)
        lang = opening["info"].strip().split(" ")[0] if opening["info"].strip() else ""
        found.append((i, end, lang, "\n".join(body) + "\n", (mark["what"], mark["arg"]) if mark else None))
        i = end + 1
    out = []
    for n, (start, end, lang, text, marker) in enumerate(found):
        following = found[n + 1] if n + 1 < len(found) else None
        adjacent = following is not None and all(not line.strip() for line in lines[end + 1 : following[0]])
        out.append(Block(page, start + 1, lang, text, marker, following[2] if following and adjacent else None))
    return out


def checked(want: str, got: str) -> str | None:
    """None if `got` is `want` (with `...` wildcards, trailing spaces ignored); else a diff."""
    want, got = (_rstrip_lines(t) for t in (want, got))
    checker = doctest.OutputChecker()
    if checker.check_output(want, got, FLAGS):
        return None
    return checker.output_difference(doctest.Example("", want), got, FLAGS | doctest.REPORT_UDIFF)


def _rstrip_lines(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def is_doctest(block: Block) -> bool:
    return block.lang == "pycon" or (block.lang == "python" and block.text.lstrip().startswith(">>>"))


# ------------------------------------------------------------------ (a) Python examples


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_python_examples_run_and_print_what_the_page_shows(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    found = blocks(page)
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    for n, block in enumerate(found):
        if block.lang not in ("python", "pycon") or (block.marker and block.marker[0] == "skip"):
            continue
        if is_doctest(block):
            test = doctest.DocTestParser().get_doctest(block.text, namespace, block.where, str(page), block.line)
            report = io.StringIO()
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            runner.run(test, out=report.write, clear_globs=False)
            assert runner.failures == 0, f"{block.where}: the doctest fails\n{report.getvalue()}"
            continue
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(block.text, block.where, "exec"), namespace)
        except ModuleNotFoundError as err:
            reason = extra_reason(err)
            if reason is None:
                pytest.fail(f"{block.where}: the example raises\n{traceback.format_exc()}")
            pytest.skip(f"{block.where}: {reason}")
        except Exception:
            pytest.fail(f"{block.where}: the example raises\n{traceback.format_exc()}")
        if block.next_lang == "text":
            diff = checked(found[n + 1].text, printed.getvalue())
            assert diff is None, (
                f"{block.where}: the output shown at {found[n + 1].where} is not what it prints\n{diff}"
            )


# ------------------------------------------------------------------ (b) command-line examples


def console_commands(block: Block) -> Iterator[tuple[str, str]]:
    """(command line, expected output) pairs of a console block."""
    command: str | None = None
    expected: list[str] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, "".join(f"{e}\n" for e in expected)
            command, expected = line[2:], []
        elif command is None:
            pytest.fail(f"{block.where}: a console block starts with a `$ ` command line")
        else:
            expected.append(line)
    if command is not None:
        yield command, "".join(f"{e}\n" for e in expected)


def run_command(command: str, where: str, cwd: Path) -> str:
    echo = command.endswith("; echo $?")
    words = shlex.split(command.removesuffix("; echo $?"))
    if not words or COMMAND.match(words[0]) is None or not all(re.fullmatch(r"[^;|&<>`$]*", w) for w in words):
        pytest.fail(f"{where}: a console example runs `ccm-rules ARGS` (optionally `; echo $?`), not {command!r}")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *words[1:]],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
        check=False,
    )
    output = done.stdout.decode("utf-8")
    if echo or (
        done.returncode == 3 and NEEDS_EXTRA.search(output)
    ):  # a missing extra: the caller skips (extra_not_installed)
        return output + f"{done.returncode}\n"
    assert done.returncode == 0, f"{where}: `{command}` exits {done.returncode} (add `; echo $?` to show it)\n{output}"
    return output


PAGES_WITH_CONSOLE = [p for p in PAGES if any(b.lang == "console" for b in blocks(p))]


@pytest.mark.parametrize("page", PAGES_WITH_CONSOLE, ids=[str(p.relative_to(ROOT)) for p in PAGES_WITH_CONSOLE])
def test_console_examples_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    for folder in ("examples", "rules"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    not_run: list[str] = []
    for block in blocks(page):
        if block.marker and block.marker[0] == "file":
            (tmp_path / block.marker[1]).write_text(block.text, encoding="utf-8")
        if block.lang != "console" or (block.marker and block.marker[0] == "skip"):
            continue
        for command, expected in console_commands(block):
            got = run_command(command, block.where, tmp_path)
            reason = extra_not_installed(got)
            if reason is not None:
                not_run.append(f"{block.where}: {reason}")
                continue
            diff = checked(expected, got)
            assert diff is None, f"{block.where}: `{command}` does not print what the page shows\n{diff}"
    if not_run:  # every other command of the page was checked above
        pytest.skip("; ".join(not_run))


def extra_reason(err: ModuleNotFoundError) -> str | None:
    """The skip reason when an example needs a module of an extra that is not installed (None: a real error)."""
    top = (err.name or "").split(".")[0]
    return missing_extras(
        tuple((extra, modules) for extra, modules in ADAPTER_EXTRAS if any(m.split(".")[0] == top for m in modules))
    )


NEEDS_EXTRA = re.compile(r"needs the '(?P<extra>[\w-]+)' extra \(missing: (?P<modules>[^)]+)\)")


def extra_not_installed(output: str) -> str | None:
    """The skip reason when a command refused (exit 3) for an extra that is indeed not installed here.

    The modules the command names are looked up, so a command that claims a missing extra
    wrongly is still compared with the page, and fails.
    """
    found = NEEDS_EXTRA.search(output)
    if found is None or not output.endswith("\n3\n"):
        return None
    return missing_extras(((found["extra"], tuple(found["modules"].split(", "))),))


def test_the_console_convention_is_checked_itself(tmp_path: Path) -> None:
    """A stale output fails; `...` is the only wildcard; the exit code is compared."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    (tmp_path / "rules").symlink_to(ROOT / "rules", target_is_directory=True)
    out = run_command(
        "ccm-rules eligibility examples/eligibility/simple_referral.yaml --lang fr; echo $?", "test", tmp_path
    )
    assert checked("error: unknown language 'fr'; available: ...\n2\n", out) is None
    assert checked("error: unknown language 'fr'; available: ...\n0\n", out) is not None
    assert (
        checked("Rule pack: ccm-core 0.1.0 (sha256:...)\n", "Rule pack: ccm-core 0.1.0 (sha256:61eac4f43c55)\n") is None
    )
    assert (
        checked(
            "Rule pack: ccm-core 0.1.0 (sha256:61eac4f43c55)\n", "Rule pack: ccm-core 0.1.0 (sha256:0123456789ab)\n"
        )
        is not None
    )


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_no_command_output_is_shown_unchecked(page: Path) -> None:
    """Output of `ccm-rules` is shown only in checked console blocks."""
    for block in blocks(page):
        commands = [line for line in block.text.splitlines() if COMMAND.match(line.strip())]
        if block.lang in SHELL and block.lang != "console" and commands and block.next_lang in OUTPUT:
            pytest.fail(
                f"{block.where}: `{commands[0].strip()}` is followed by its output; show both in a ```console block (`$ ` prompt) so it is checked"
            )
        if block.lang in ("text", "json", "") and any(line.startswith("$ ") for line in commands):
            pytest.fail(
                f"{block.where}: a command with its output in a ```{block.lang or 'plain'} block; use ```console so it is checked"
            )


# ------------------------------------------------------------------ (c) the public API only, and true references

_PRIVATE = r"ccm_rules(?:_adapters)?(?:\.[a-z]\w*)*\._\w+"  # ccm_rules._x, ccm_rules.engine._pack, ccm_rules_adapters.fhir._goal
PRIVATE_IMPORT = re.compile(rf"\bfrom\s+{_PRIVATE}|\bimport\s+{_PRIVATE}|\b{_PRIVATE}(?:\.\w+)*\(")


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_pages_use_only_the_public_namespace(page: Path) -> None:
    """A page may say in which private module something is implemented; it never imports or calls one."""
    text = page.read_text(encoding="utf-8")
    found = [(text.count("\n", 0, m.start()) + 1, m.group()) for m in PRIVATE_IMPORT.finditer(text)]
    assert not found, (
        f"{page.relative_to(ROOT)} uses private modules (line, use): {found}; use the package's public names"
    )


def test_the_private_import_check_is_checked_itself() -> None:
    """Private modules at any depth are caught; public packages and prose naming a module are not."""
    caught = [
        "from ccm_rules._pack import x",
        "import ccm_rules.engine._pack",
        "from ccm_rules_adapters.fhir._goal import g",
        "ccm_rules.engine._pack.load(d)",
    ]
    passed = [
        "from ccm_rules.engine import RulePack",
        "from ccm_rules_adapters.fhir import goal_outcome",
        "implemented in `ccm_rules.engine._pack`",
        "::: ccm_rules.engine.columnar",
    ]
    assert all(PRIVATE_IMPORT.search(text) for text in caught)
    assert not any(PRIVATE_IMPORT.search(text) for text in passed)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_cited_pages_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = sorted(
        name
        for name in set(re.findall(r"[\w./-]*\b[\w-]+\.md\b", text))
        if not any((base / name).exists() for base in (page.parent, ROOT, ROOT / "docs"))
    )
    assert not missing, f"{page.relative_to(ROOT)} cites pages that are not in the repository: {missing}"


MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|home|Users|root|mnt|opt|srv)/[\w.-]+")


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_examples_hold_no_path_of_one_machine(page: Path) -> None:
    for block in blocks(page):
        found = MACHINE_PATH.findall(block.text)
        assert not found, (
            f"{block.where}: {found} exists on one machine only; use a relative path or ccm_rules.default_rules_dir()"
        )


@pytest.mark.parametrize("name", ["README.md", "docs/tutorial-intake.md"])
def test_pages_that_install_into_the_venv_run_its_script(name: str) -> None:
    for block in blocks(ROOT / name):
        if block.lang in SHELL:
            for line in block.text.splitlines():
                match = COMMAND.match(line.strip())
                assert match is None or match["prog"] == ".venv/bin/ccm-rules", (
                    f"{block.where}: `{line.strip()}`: write .venv/bin/ccm-rules (the install step puts it there)"
                )


# ------------------------------------------------------------------ the modules' own examples


def modules_with_examples() -> list[str]:
    names = []
    for package in ("ccm_rules", "ccm_rules_adapters"):
        base = Path(importlib.import_module(package).__file__ or "").parent
        for path in sorted(base.rglob("*.py")):
            if ">>>" in path.read_text(encoding="utf-8"):
                parts = path.relative_to(base.parent).with_suffix("").parts
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = modules_with_examples()


def test_module_examples_are_found() -> None:
    assert {"ccm_rules.eligibility._eligibility", "ccm_rules.engine._json"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:
        reason = extra_reason(err)
        if reason is None:
            raise
        pytest.skip(f"{name}: {reason}")
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    tests = doctest.DocTestFinder().find(module, name)
    for test in tests:
        runner.run(test, out=report.write)
    assert sum(len(t.examples) for t in tests) > 0
    assert runner.failures == 0, report.getvalue()


def test_every_page_is_in_the_site_navigation() -> None:
    """mkdocs.yml lists every page of docs/ (research notes and generated HTML aside), so none is unreachable."""
    import yaml

    def pages(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [page for value in node.values() for page in pages(value)]
        if isinstance(node, list):
            return [page for value in node for page in pages(value)]
        return []

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = set(pages(config["nav"]))
    written = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md") if "research" not in p.parts}
    assert written - listed == set(), f"pages missing from mkdocs.yml's nav: {sorted(written - listed)}"
    assert listed - written == set(), f"nav entries with no page: {sorted(listed - written)}"


# ------------------------------------------------------------------ the API reference and the architecture page


def public_packages() -> list[str]:
    """The packages the API reference documents: ccm_rules, its engine, every area, every adapter package."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    areas = [value.split(":")[0] for value in project["entry-points"]["ccm_rules.areas"].values()]
    adapters = sorted(
        f"ccm_rules_adapters.{p.parent.name}" for p in (ROOT / "adapters" / "ccm_rules_adapters").glob("*/__init__.py")
    )
    return ["ccm_rules", "ccm_rules.engine", *areas, *adapters]


def test_every_public_package_has_a_reference_page() -> None:
    """docs/reference/ renders each public package (or its public modules) from its docstrings (mkdocstrings `:::`)."""
    rendered = {
        line.removeprefix(":::").strip()
        for page in (ROOT / "docs" / "reference").glob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith(":::")
    }
    missing = [name for name in public_packages() if not any(r == name or r.startswith(f"{name}.") for r in rendered)]
    assert {"ccm_rules.eligibility", "ccm_rules_adapters.cli"} <= set(public_packages())
    assert not missing, (
        f"no page of docs/reference/ renders {missing}: add one (`::: package`) and its line in mkdocs.yml's nav"
    )
    private = sorted(r for r in rendered if PRIVATE_IMPORT.search(f"import {r}"))
    assert not private, f"the reference renders private modules {private}: render the package's public names"


def _load_ext(name: str) -> object:
    """A helper module of the docs site (docs/_ext/NAME.py), which is not a package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"docs_ext_{name}", ROOT / "docs" / "_ext" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_architecture_picture_is_current() -> None:
    """docs/img/architecture.svg is what docs/_ext/architecture_svg.py draws from today's areas and adapters."""
    drawing = _load_ext("architecture_svg")
    picture = drawing.draw()  # type: ignore[attr-defined]
    assert picture == (ROOT / "docs" / "img" / "architecture.svg").read_text(encoding="utf-8"), (
        "docs/img/architecture.svg is stale: run python docs/_ext/architecture_svg.py"
    )
    for name in public_packages()[2:]:
        assert f">{name.rsplit('.', 1)[1]}<" in picture, f"the picture does not draw {name}"


def test_api_reference_shows_docstring_examples_as_console_blocks() -> None:
    """The site's griffe extension fences the doctest paragraphs of docstrings (its own example is run)."""
    pytest.importorskip("griffe", reason="needs the docs group: pip install -e . --group docs")
    ext = _load_ext("griffe_doctests")
    test = doctest.DocTestFinder().find(ext.fence_doctests, "fence_doctests", globs=vars(ext))  # type: ignore[attr-defined]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = io.StringIO()
    for case in test:
        runner.run(case, out=report.write)
    assert sum(len(c.examples) for c in test) == 1 and runner.failures == 0, report.getvalue()
    fence = ext.fence_doctests  # type: ignore[attr-defined]
    assert fence("Text.\n    >>> indented_in_a_section()\n") == "Text.\n    >>> indented_in_a_section()", (
        "only margin paragraphs are fenced"
    )
    assert fence(">>> f()\n[1, 2]").splitlines() == ["```pycon", ">>> f()", "[1, 2]", "```"]
