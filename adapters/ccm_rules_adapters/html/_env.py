"""The one Jinja2 environment of the HTML reports (and of the coming web app, issue 19).

Templates live in `templates/` (a `base.html` layout, one template per report, shared
macros in `macros.html`); the stylesheet in `static/report.css`. Autoescaping is on for
every `.html` template, so every text a user or a rule file supplies is escaped where it
is written into the page; nothing is built by concatenating markup in Python. Undefined
names are errors (`StrictUndefined`), so a misspelt field fails the tests instead of
rendering as an empty string.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

STYLESHEET = "report.css"
"""The reports' stylesheet in `static/`; a standalone report inlines it, the web app links it."""


@functools.cache
def environment() -> Environment:
    """The template environment, built once per process (templates are compiled once and cached)."""
    return Environment(
        loader=PackageLoader("ccm_rules_adapters.html", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def stylesheet() -> Markup:
    """The shared stylesheet, for the single `<style>` of a standalone report (our own file, not user text)."""
    css = resources.files(__package__).joinpath("static", STYLESHEET).read_text(encoding="utf-8")
    if "<" in css or "&" in css:
        raise ValueError(
            f"static/{STYLESHEET} must not contain '<' or '&': it is inlined into a <style> element that XML parsers read too"
        )
    return Markup(css)  # noqa: S704 -- our own packaged stylesheet, checked above; no user text


def render(
    template: str, context: Mapping[str, Any], *, stylesheet_url: str | None = None, csp_nonce: str | None = None
) -> str:
    """Render `template` as a whole page.

    Standalone (the default) the stylesheet is inlined, so the file opens offline; with
    `stylesheet_url` the page links it instead, as the web app serves it under its CSP.
    `csp_nonce` marks an inlined stylesheet for a Content-Security-Policy `style-src 'nonce-…'`.
    """
    page = {
        "stylesheet_url": stylesheet_url,
        "csp_nonce": csp_nonce,
        "inline_css": None if stylesheet_url else stylesheet(),
        **context,
    }
    return environment().get_template(template).render(page)
