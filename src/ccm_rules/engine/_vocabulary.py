"""A controlled vocabulary of life domains, compiled for evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._spec import VocabularySpec

if TYPE_CHECKING:
    from ._conditions import ValueType


class Vocabulary:
    """Life-domain codes and statuses; turns a `{code: status}` map into evaluable items.

    Each item has the fields `code`, `status`, `group`, `need` (true, false or unknown,
    from the status) and `assessed`. A domain missing from the map has the
    vocabulary's default status (normally *not assessed*).
    """

    def __init__(self, spec: VocabularySpec) -> None:
        self.spec = spec
        self.id = spec.id
        self.codes: tuple[str, ...] = tuple(d.code for d in spec.domains)
        self.statuses: tuple[str, ...] = tuple(spec.statuses)
        self.groups: dict[str, str] = {d.code: d.group for d in spec.domains}
        self._status_fields = {name: (status.need, status.assessed) for name, status in spec.statuses.items()}
        self._default = spec.default_status

    @property
    def field_types(self) -> dict[str, ValueType]:
        from ._conditions import ValueType

        return {
            "code": ValueType("enum", values=frozenset(self.codes)),
            "status": ValueType("enum", values=frozenset(self.statuses)),
            "group": ValueType("enum", values=frozenset(self.spec.groups)),
            "need": ValueType("boolean"),
            "assessed": ValueType("boolean"),
        }

    def items(self, statuses: Mapping[str, str]) -> tuple[dict[str, Any], ...]:
        """One item per domain of the vocabulary, in vocabulary order."""
        out = []
        for code in self.codes:
            status = statuses.get(code, self._default)
            need, assessed = self._status_fields[status]
            out.append({"code": code, "status": status, "group": self.groups[code], "need": need, "assessed": assessed})
        return tuple(out)

    def label(self, code: str, lang: str) -> str:
        for domain in self.spec.domains:
            if domain.code == code:
                return domain.label[lang]
        raise KeyError(code)

    def status_label(self, status: str, lang: str) -> str:
        return self.spec.statuses[status].label[lang]
