"""Protected attributes a candidate chose to declare, kept for the equal-treatment audit only.

They live in their own table so nothing that scores or ranks can read them by accident: the scorer and the
ranker never import this model, and the referent pages show only aggregates of it (`/indicators`, groups
smaller than the suppression threshold hidden). Every column may be null (not declared), which is a group of
its own. The values are those of `app.matching.inputs.ProtectedAttributes`. Erasing a candidate deletes the row.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import created_at_field


class CandidateProtectedAttributes(SQLModel, table=True):
    __tablename__ = "candidate_protected_attributes"
    __table_args__ = (
        sa.CheckConstraint("sex IN ('F', 'M')", name="sex"),
        sa.CheckConstraint("age_band IN ('16-25', '26-44', '45+')", name="age_band"),
        sa.CheckConstraint("nationality_group IN ('french', 'eu', 'non_eu')", name="nationality_group"),
    )

    candidate_id: str = Field(primary_key=True, foreign_key="candidate.id", ondelete="CASCADE", max_length=36)
    sex: str | None = Field(default=None, max_length=1)
    age_band: str | None = Field(default=None, max_length=8)
    qpv: bool | None = None
    disability: bool | None = None
    nationality_group: str | None = Field(default=None, max_length=8)
    created_at: datetime = created_at_field()
