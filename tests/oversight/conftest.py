from tests.referent.conftest import (  # noqa: F401 (the staff-area fixtures: two organisations, logged-in clients)
    app,
    app_engine,
    client_for,
    db_url,
    postgres_database,
    world,
)
