"""Settings, transcodings and store wiring for SQLite and PostgreSQL."""
