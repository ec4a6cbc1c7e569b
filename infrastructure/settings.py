"""One settings object, read from the environment; it produces the eventsourcing env."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from psycopg.conninfo import make_conninfo
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SQLITE_PREFIX = "sqlite:///"
MEMORY_URL = "memory://"  # for unit tests: nothing is kept
POSTGRES_SCHEMES = ("postgresql", "postgres")


class Settings(BaseSettings):
    """fundtrail's configuration: FUNDTRAIL_DATABASE_URL and friends."""

    model_config = SettingsConfigDict(env_prefix="FUNDTRAIL_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./fundtrail.db",
        description="sqlite:///PATH or postgresql://user[:password]@host:port/db[?schema=S]",
    )
    create_tables: bool = Field(
        default=True, description="Create tables at start (off for the app role)."
    )
    aggregate_cache_size: int = Field(default=1000, ge=0)
    pool_size: int = Field(default=5, ge=1)
    # Integrity (infrastructure.integrity): the key that signs checkpoints, and where else
    # checkpoints are kept, because deleted rows can only be caught against a copy outside.
    signing_key_file: Path = Field(
        default=Path("fundtrail-signing.key"),
        description="Ed25519 private key (PEM) from `fundtrail keys init`; public key beside it.",
    )
    checkpoint_file: Path = Field(
        default=Path("fundtrail-checkpoints.jsonl"),
        description="Append-only file outside the database that every checkpoint is added to.",
    )
    checkpoint_every_events: int = Field(
        default=1000, ge=1, description="Sign a checkpoint after this many new events..."
    )
    checkpoint_every_seconds: float = Field(
        default=300.0, gt=0, description="...or this long after the last, if anything is new."
    )
    verify_every_seconds: float = Field(
        default=1.0, gt=0, description="How often the server verifies newly recorded events."
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if url == MEMORY_URL or url.startswith(SQLITE_PREFIX):
            return url
        if urlsplit(url).scheme in POSTGRES_SCHEMES:
            return url
        raise ValueError("FUNDTRAIL_DATABASE_URL must start with sqlite:/// or postgresql://")

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL."""
        return urlsplit(self.database_url).scheme in POSTGRES_SCHEMES

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by the URL."""
        return Path(self.database_url.removeprefix(SQLITE_PREFIX))

    def postgres_conninfo(self) -> str:
        """A libpq connection string for the PostgreSQL database the URL names."""
        env = self.eventsourcing_env()
        return make_conninfo(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,  # none given: libpq's own sources
        )

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment the eventsourcing library reads, built from these settings."""
        env = {
            "CREATE_TABLE": "y" if self.create_tables else "n",
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
        }
        if self.database_url == MEMORY_URL:
            env["PERSISTENCE_MODULE"] = "infrastructure.memory_store:Factory"
            return env
        if not self.is_postgres:
            env["PERSISTENCE_MODULE"] = "infrastructure.sqlite_store:Factory"
            env["SQLITE_DBNAME"] = str(self.sqlite_path)
            env["SQLITE_LOCK_TIMEOUT"] = "10"
            return env
        parts = urlsplit(self.database_url)
        query = parse_qs(parts.query)
        env.update(
            {
                "PERSISTENCE_MODULE": "infrastructure.postgres_store:Factory",
                "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
                "POSTGRES_HOST": parts.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(parts.port or 5432),
                "POSTGRES_USER": unquote(parts.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(parts.password or ""),
                "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
                "POSTGRES_POOL_SIZE": str(self.pool_size),
                "POSTGRES_LOCK_TIMEOUT": "5",
                # Check a pooled connection before use: after a server restart or a
                # killed backend, the next requests must not fail on dead connections.
                "POSTGRES_PRE_PING": "y",
            }
        )
        return env
