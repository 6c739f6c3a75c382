"""Initial schema, and the triggers that make audit_event append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _in(column: str, *values: str) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.CheckConstraint(
            _in("kind", "training_centre", "france_travail_agency", "mission_locale"),
            name=op.f("ck_organisation_kind"),
        ),
    )

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_app_user_organisation_id_organisation")
        ),
        sa.CheckConstraint(_in("role", "referent", "admin", "auditor"), name=op.f("ck_app_user_role")),
    )
    op.create_index(op.f("ix_app_user_email"), "app_user", ["email"], unique=True)
    op.create_index(op.f("ix_app_user_organisation_id"), "app_user", ["organisation_id"])

    op.create_table(
        "candidate",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("pseudonym", sa.String(16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _created_at(),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_candidate_pseudonym")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_candidate_organisation_id_organisation")
        ),
    )
    op.create_index(op.f("ix_candidate_organisation_id"), "candidate", ["organisation_id"])

    op.create_table(
        "training_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("rubric_id", sa.String(64), nullable=False),
        sa.Column("sector", sa.String(100), nullable=False),
        sa.Column("commune", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("schedule", sa.String(32), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("min_diploma_level", sa.Integer(), nullable=False),
        sa.Column("driving_licence", sa.Boolean(), nullable=False),
        sa.Column("prerequisites_required", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_offer")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_training_offer_organisation_id_organisation")
        ),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name=op.f("ck_training_offer_lat_range")),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name=op.f("ck_training_offer_lon_range")),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_training_offer_seats_positive")),
        sa.CheckConstraint("min_diploma_level BETWEEN 3 AND 8", name=op.f("ck_training_offer_diploma_level_range")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_training_offer_dates_ordered")),
        sa.CheckConstraint(_in("schedule", "full_time", "part_time"), name=op.f("ck_training_offer_schedule")),
    )
    for column in ("organisation_id", "rubric_id", "sector", "commune"):
        op.create_index(op.f(f"ix_training_offer_{column}"), "training_offer", [column])

    op.create_table(
        "assessment_session",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("candidate_id", sa.String(36), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("rubric_id", sa.String(64), nullable=False),
        sa.Column("rubric_version", sa.String(32), nullable=False),
        sa.Column("flows", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_session")),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidate.id"], name=op.f("fk_assessment_session_candidate_id_candidate")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["training_offer.id"], name=op.f("fk_assessment_session_offer_id_training_offer")
        ),
        sa.CheckConstraint(
            _in("status", "invited", "in_progress", "completed", "refused", "abandoned"),
            name=op.f("ck_assessment_session_status"),
        ),
    )
    for column in ("candidate_id", "offer_id", "rubric_id", "status"):
        op.create_index(op.f(f"ix_assessment_session_{column}"), "assessment_session", [column])

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("content_scrubbed", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_message_session_id_seq")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assessment_session.id"],
            name=op.f("fk_message_session_id_assessment_session"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(_in("role", "candidate", "assistant", "system"), name=op.f("ck_message_role")),
    )

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("rubric_id", sa.String(64), nullable=False),
        sa.Column("rubric_version", sa.String(32), nullable=False),
        sa.Column("model_provider", sa.String(64), nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("prompt_versions", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("report_json", sa.JSON(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("session_id", name=op.f("uq_report_session_id")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assessment_session.id"],
            name=op.f("fk_report_session_id_assessment_session"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name=op.f("ck_report_confidence_range")),
    )
    for column in ("rubric_id", "recommendation", "created_at"):
        op.create_index(op.f(f"ix_report_{column}"), "report", [column])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        _created_at(),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_audit_event_event_type"), "audit_event", ["event_type"])
    op.create_index(op.f("ix_audit_event_session_id"), "audit_event", ["session_id"])
    _create_append_only_triggers()


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: {operation} refused'); END"
            )


def downgrade() -> None:
    # Dropping a table drops its indexes and triggers; only PostgreSQL's trigger function outlives it.
    for table in (
        "audit_event",
        "report",
        "message",
        "assessment_session",
        "training_offer",
        "candidate",
        "app_user",
        "organisation",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_event_append_only()")
