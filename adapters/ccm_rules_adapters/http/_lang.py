"""`Accept-Language` negotiation: the best shipped language for a request (RFC 9110 §12.5.4)."""

from __future__ import annotations

from collections.abc import Sequence


def negotiate(header: str | None, available: Sequence[str], default: str) -> str:
    """The available language the header prefers most; `default` when none matches.

    Tags match on their primary subtag (`cs-CZ` → `cs`); `q=0` refuses a language;
    a malformed header never fails, it just falls back to `default`.

    >>> negotiate("de-AT;q=0.8, hu, en;q=0.5", ("en", "cs", "hu", "de"), "en")
    'hu'
    """
    if not header:
        return default
    ranked: list[tuple[float, int, int, str]] = []
    order = {lang: (0 if lang == default else 1 + i) for i, lang in enumerate(available)}
    refused: set[str] = set()
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        q = _quality(params)
        if q is None:
            continue
        if q == 0.0:
            refused.add(primary)
        elif primary == "*":
            ranked.extend((q, -position, -order[lang], lang) for lang in available)
        elif primary in available:
            ranked.append((q, -position, -order[primary], primary))
    allowed = [entry for entry in ranked if entry[3] not in refused]
    if allowed:
        return max(allowed)[3]
    return default if default not in refused else next((x for x in available if x not in refused), default)


def _quality(params: str) -> float | None:
    """The `q` weight of one entry: 1.0 when absent, None when malformed."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0.0 <= q <= 1.0 else None
    return 1.0
