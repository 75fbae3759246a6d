"""Keeping an older calling form working while it is deprecated.

The public functions take the rule pack and the decision date as optional keywords
(`assess_x(subject, *, as_of=None, pack=None)`). A few took them by position before;
`moved_to_keywords` keeps those calls working, with a `DeprecationWarning` naming the
keywords to write, while `inspect.signature` (and the docs) show only the new form.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def moved_to_keywords(*names: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Accept `names` (keyword-only now) by position after the positional parameters, in this order, and warn.

    >>> @moved_to_keywords("pack", "as_of")
    ... def assess(subject, *, as_of=None, pack=None):
    ...     return subject, as_of, pack
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     assess("region", "the pack")
    ('region', None, 'the pack')
    >>> str(caught[0].message)
    'assess(): passing pack by position is deprecated; write pack=…'
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        parameters = inspect.signature(fn).parameters
        missing = [n for n in names if n not in parameters or parameters[n].kind is not inspect.Parameter.KEYWORD_ONLY]
        if missing:
            raise TypeError(f"{fn.__name__}: {missing} are not keyword-only parameters")
        positional = sum(1 for p in parameters.values() if p.kind in _POSITIONAL)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > positional:
                extra = args[positional:]
                if len(extra) > len(names):
                    raise TypeError(
                        f"{fn.__name__}() takes at most {positional + len(names)} positional arguments ({len(args)} given)"
                    )
                moved = dict(zip(names, extra, strict=False))
                for name in moved:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got multiple values for argument {name!r}")
                warnings.warn(
                    f"{fn.__name__}(): passing {', '.join(moved)} by position is deprecated; write {', '.join(f'{n}=…' for n in moved)}",
                    DeprecationWarning,
                    stacklevel=2,
                )
                return fn(*args[:positional], **kwargs, **moved)
            return fn(*args, **kwargs)

        return cast(Callable[P, R], wrapper)

    return decorate
