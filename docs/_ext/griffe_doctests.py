"""Griffe extension for the API reference: a docstring's doctest shows as a Python console block.

The docstrings write their examples as plain doctest paragraphs (`>>> ...` and the output
under it, ended by a blank line), which `tests/test_docs.py` runs. Markdown would read the
`>>>` as nested quotes and `[...]` in an output as a link; this extension fences each such
paragraph as ```pycon before mkdocstrings renders the docstring. Loaded by mkdocs.yml
(`plugins: mkdocstrings: handlers: python: options: extensions`); not part of the package.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """The text with every paragraph that starts with `>>> ` (at the margin) fenced as ```pycon.

    >>> fence_doctests("Adds.\\n\\n>>> 1 + 1\\n2\\n\\nDone.").splitlines()
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    out: list[str] = []
    in_example = False
    for line in text.splitlines():
        if not in_example and (line.startswith(">>> ") or line == ">>>"):
            out.append("```pycon")
            in_example = True
        elif in_example and not line.strip():
            out.append("```")
            in_example = False
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the doctest paragraphs of every docstring griffe reads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
