"""`ccm-rules rules check [DIR]`: lint a rule pack and report every problem at once.

With `--seeds DIR` it also checks every citation against the seed texts: the cited section
is one of its seed, the cited lines lie in it, and the quote's words stand at those lines
(`ccm_rules.engine._citations`), so a domain expert sees a drifted citation as a problem.

`ccm-rules rules doc [--lang L] [--format md|html]` prints the rule book — every rule of the
pack as a reviewer reads it (`ccm_rules.engine._rulebook`); `--all DIR` writes it in every language
and both formats, and `--all DIR --check` fails when those files are not current (CI).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccm_rules import Message, RulePack
from ccm_rules.engine import check_pack, citation_drift, default_rules_dir, rule_book

from ..html.rulebook import REGENERATE, render_html, render_markdown
from ._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CommandError,
    add_pack_options,
    check_lang,
    load_pack,
    print_json,
    write_output,
)


def register(commands: Any) -> None:
    parser = commands.add_parser("rules", help="work with rule packs")
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check a rule pack; report every problem with file, line, rule id and path")
    check.add_argument(
        "directory", type=Path, nargs="?", default=None, help="pack directory (default: the shipped rules)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--lang", choices=("en", "cs", "hu", "de"), default="en", help="language of the problems (default: en)"
    )
    check.add_argument(
        "--pack",
        action="append",
        default=None,
        metavar="NAME|DIR",
        help="lint this extension pack merged over the pack DIR (a folder, or an installed pack's name); repeatable",
    )
    check.add_argument(
        "--seeds",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of the seed texts (shared/seeds): also check that every quote stands at its cited section and lines",
    )
    check.set_defaults(handler=run_check)
    doc = sub.add_parser(
        "doc", help="write the rule book: every rule as a domain expert reviews it, without reading YAML"
    )
    doc.add_argument("--lang", default="en", help="language: en, cs, hu or de (default: en)")
    doc.add_argument(
        "--format", choices=("md", "html"), default="md", help="Markdown (default) or one self-contained HTML page"
    )
    add_pack_options(doc)
    doc.add_argument("--output", type=Path, default=None, help="write to this file instead of printing")
    doc.add_argument(
        "--all",
        type=Path,
        default=None,
        metavar="DIR",
        help="write every language in both formats into DIR (<lang>.md, <lang>.html)",
    )
    doc.add_argument(
        "--check",
        action="store_true",
        help="with --all: write nothing, fail (exit 1) if a file there is missing or not current",
    )
    doc.set_defaults(handler=run_doc)


def render_book(pack: RulePack, lang: str, fmt: str) -> str:
    """The rule book of `pack` in `lang`, as Markdown (`md`) or HTML (`html`)."""
    book = rule_book(lang, pack=pack)
    return render_html(book, pack=pack) if fmt == "html" else render_markdown(book, pack=pack)


def run_doc(args: argparse.Namespace) -> int:
    pack = load_pack(args)
    if args.all is None:
        if args.check:
            raise CommandError("--check compares the files of --all DIR: give --all too")
        check_lang(pack, args.lang)
        text = render_book(pack, args.lang, args.format)
        if args.output is not None:
            write_output(args.output, text)
        else:
            sys.stdout.write(text)
        return EXIT_OK
    if args.output is not None:
        raise CommandError("--output writes one book; --all DIR writes every language: give one of them")
    wanted = {
        args.all / f"{lang}.{fmt}": render_book(pack, lang, fmt) for lang in pack.languages for fmt in ("md", "html")
    }
    if args.check:
        stale = [
            path for path, text in wanted.items() if not path.is_file() or path.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            sys.stderr.write(f"{path}: {'missing' if not path.exists() else 'not current'}\n")
        if stale:
            sys.stderr.write(f"the rule book is not current: regenerate it with `{REGENERATE}`\n")
            return EXIT_FINDINGS
        sys.stderr.write(f"{args.all}: the rule book is current ({len(wanted)} files)\n")
        return EXIT_OK
    if not args.all.is_dir():
        raise CommandError(f"--all {args.all}: no such folder")
    for path, text in wanted.items():
        write_output(path, text, "--all")
    sys.stderr.write(f"{args.all}: wrote {len(wanted)} files\n")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    root = args.directory or default_rules_dir()
    if not root.is_dir():
        raise CommandError(Message("cli.no_pack_folder", {"option": "", "path": str(root)}))
    if args.seeds is not None and not args.seeds.is_dir():
        raise CommandError(f"--seeds {args.seeds}: no such folder of seed texts")
    packs = args.pack or []
    problems = check_pack(root, extensions=packs)
    if args.seeds is not None and not any(p.severity == "error" for p in problems):
        problems += citation_drift(args.seeds, pack=RulePack.load(root, extensions=packs))
    errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        print_json(
            [
                {
                    "severity": p.severity,
                    "kind": p.kind,
                    "file": p.file,
                    "line": p.line,
                    "rule_id": p.rule_id,
                    "path": p.path,
                    "message": p.text(args.lang),
                    "code": p.code,
                }
                for p in problems
            ]
        )
    else:
        for p in problems:
            print(p.render(args.lang))
        verdict = "ok" if not errors else "FAILED"
        warnings = len(problems) - len(errors)
        checked = " + ".join([str(root), *packs])
        sys.stderr.write(f"{checked}: {verdict} — {len(errors)} error(s), {warnings} warning(s)\n")
    failing = errors if not args.strict else problems
    return EXIT_FINDINGS if failing else EXIT_OK
