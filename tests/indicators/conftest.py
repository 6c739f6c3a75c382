from tests.db.conftest import db_url, migrated_engine, postgres_database  # noqa: F401 (the storage fixtures)
