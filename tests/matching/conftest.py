"""The storage fixtures (SQLite, and PostgreSQL when TREMPLIN_TEST_POSTGRES_URL is set) for the API tests."""

from tests.db.conftest import db_url, engine, migrated_engine, postgres_database

__all__ = ["db_url", "engine", "migrated_engine", "postgres_database"]
