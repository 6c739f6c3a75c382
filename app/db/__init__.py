"""Storage: engine and sessions, SQLModel tables, Alembic migrations, the audit log and demo seeding."""
