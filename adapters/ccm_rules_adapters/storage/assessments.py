"""The planner workspace's saved readiness assessments: one row per region, date and save.

`readiness_assessments` keeps a region's questionnaire answers as a region file writes them
(JSON of the `Region.from_mapping` shape: `starting_situation`, `host`, `pioneer`, `risks`,
`lessons`, `system`), under the organisation of the planner who saved it, with who saved it
and when. Saving the same region and date again adds a row: an earlier assessment is never
overwritten (the later one is listed first). The change log (`changes`) records each save.

The answers are stored, not the result: a saved assessment is assessed again when it is
shown, by the rule pack in use (the assessment is a pure function of the answers and the date).
`Assessments(store)` is the one reader and writer; an assessment of another organisation is
simply not found (`AssessmentNotFound`), so a URL cannot tell whether it exists.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from ._accounts import Accounts, User
from ._store import Store, StoreError
from ._tables import BigId, metadata

__all__ = ["AssessmentNotFound", "Assessments", "SavedAssessment", "readiness_assessments"]

readiness_assessments = sa.Table(
    "readiness_assessments",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("org", sa.String(40), sa.ForeignKey("organisations.code"), nullable=False),
    sa.Column("region", sa.String(200), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("created_by", BigId, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_readiness_assessments_org_region", "org", "region", "as_of"),
)
"""One saved readiness assessment (migration 0003)."""

REGION_LENGTH = 200


class AssessmentNotFound(StoreError, LookupError):  # noqa: N818 - a lookup that finds nothing, as KeyError
    """No saved assessment with this id in the user's organisation (whether another organisation has one is not said)."""


@attrs.frozen
class SavedAssessment:
    """A saved assessment: id (used in URLs), organisation, region, date, answers, who saved it (id and name) and when."""

    id: int
    org: str
    region: str
    as_of: datetime.date
    answers: Mapping[str, Any]
    created_by: int
    created_by_name: str
    created_at: datetime.datetime


class Assessments:
    """The saved readiness assessments of one store, always within one user's organisation."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    def save(self, user: User, region: str, as_of: datetime.date, answers: Mapping[str, Any]) -> SavedAssessment:
        """Save `answers` for `region` on `as_of` in `user`'s organisation; the save is in the change log."""
        name = region.strip()
        if not name:
            raise StoreError("region: give the region's name")
        if len(name) > REGION_LENGTH:
            raise StoreError(f"region: at most {REGION_LENGTH} characters")
        now = datetime.datetime.now(datetime.UTC)
        with self.store._write() as connection, connection.begin():
            ident = connection.execute(
                readiness_assessments.insert().returning(readiness_assessments.c.id),
                {
                    "org": user.org,
                    "region": name,
                    "as_of": as_of,
                    "answers": json.dumps(dict(answers), ensure_ascii=False, sort_keys=True),
                    "created_by": user.id,
                    "created_at": now,
                },
            ).scalar_one()
            Accounts._record(
                connection, user, "assessment.save", f"assessment:{ident}", {"region": name, "as_of": as_of.isoformat()}
            )
        return self.get(user, int(ident))

    def _query(self) -> sa.Select[Any]:
        from ._accounts import users

        return sa.select(readiness_assessments, users.c.name.label("created_by_name")).join(
            users, users.c.id == readiness_assessments.c.created_by
        )

    @staticmethod
    def _row(row: Any) -> SavedAssessment:
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=datetime.UTC)
        return SavedAssessment(
            int(row.id),
            row.org,
            row.region,
            row.as_of,
            json.loads(row.answers),
            int(row.created_by),
            row.created_by_name,
            created,
        )

    def get(self, user: User, assessment_id: int) -> SavedAssessment:
        """The assessment `assessment_id` if it belongs to `user`'s organisation; else `AssessmentNotFound`."""
        query = self._query().where(
            readiness_assessments.c.id == assessment_id, readiness_assessments.c.org == user.org
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise AssessmentNotFound(f"no assessment {assessment_id} in this organisation")
        return self._row(row)

    def list(self, user: User) -> list[SavedAssessment]:
        """The assessments of `user`'s organisation, by region, newest date (and save) first."""
        query = (
            self._query()
            .where(readiness_assessments.c.org == user.org)
            .order_by(
                readiness_assessments.c.region, readiness_assessments.c.as_of.desc(), readiness_assessments.c.id.desc()
            )
        )
        with self.engine.connect() as connection:
            return [self._row(r) for r in connection.execute(query)]
