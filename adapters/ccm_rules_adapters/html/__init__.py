"""Self-contained HTML reports (no scripts, no network), rendered by Jinja2 with autoescape.

One template set in `templates/` (the `base.html` layout, `macros.html`, one template per
report) and one stylesheet in `static/`, shared with the coming web app; the environment is
built once in `_env`, chart geometry is computed in `_charts`, one module per report hands
its explanation to its template.
"""

from ._env import STYLESHEET, environment, render, stylesheet

__all__ = ["STYLESHEET", "environment", "render", "stylesheet"]
