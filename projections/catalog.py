"""Every view by name, and how to open its store on the database the settings name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import Environment

from domain import errors
from infrastructure.settings import Settings
from infrastructure.wiring import ensure_schema, table_creation_lock
from projections import accountability, disclosures, dispatch, history, ledger, lookback, register
from projections.store import APP_NAME, ViewStore
from projections.store_postgres import PostgresViewStore
from projections.store_sqlite import SQLiteViewStore
from projections.view import ViewProjection

Datastore = SQLiteDatastore | PostgresDatastore


@dataclass(frozen=True)
class View:
    """A view: its projection and its store on each database."""

    projection: type[ViewProjection]
    sqlite: type[SQLiteViewStore]
    postgres: type[PostgresViewStore]

    @property
    def name(self) -> str:
        """The view's name."""
        return self.projection.schema.view


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View(ledger.LedgerProjection, ledger.SQLiteLedgerStore, ledger.PostgresLedgerStore),
        View(
            register.RegisterProjection,
            register.SQLiteRegisterStore,
            register.PostgresRegisterStore,
        ),
        View(history.HistoryProjection, history.SQLiteHistoryStore, history.PostgresHistoryStore),
        View(
            accountability.AccountabilityProjection,
            accountability.SQLiteAccountabilityStore,
            accountability.PostgresAccountabilityStore,
        ),
        View(
            disclosures.DisclosuresProjection,
            disclosures.SQLiteDisclosuresStore,
            disclosures.PostgresDisclosuresStore,
        ),
        View(
            dispatch.DispatchProjection,
            dispatch.SQLiteDispatchStore,
            dispatch.PostgresDispatchStore,
        ),
        View(
            lookback.LookBackProjection,
            lookback.SQLiteLookBackStore,
            lookback.PostgresLookBackStore,
        ),
    )
}


def select_views(names: Sequence[str] | None) -> list[View]:
    """The views with these names (all when None), or InvalidValue naming the unknown."""
    if not names:
        return list(VIEWS.values())
    unknown = [n for n in names if n not in VIEWS]
    if unknown:
        raise errors.InvalidValue(f"no view named {', '.join(unknown)}; views: {', '.join(VIEWS)}")
    return [VIEWS[n] for n in names]


def open_datastore(settings: Settings) -> Datastore:
    """A connection pool on the database the settings name (views live beside the events)."""
    env = settings.eventsourcing_env()
    if env["PERSISTENCE_MODULE"].startswith("infrastructure.memory_store"):
        raise errors.InvalidValue("read models need SQLite or PostgreSQL, not memory://")
    if settings.is_postgres and settings.create_tables:
        ensure_schema(settings)
    factory = InfrastructureFactory.construct(Environment(APP_NAME, env))
    datastore = getattr(factory, "datastore", None)
    if not isinstance(datastore, SQLiteDatastore | PostgresDatastore):
        raise TypeError(f"unexpected datastore {datastore!r}")
    return datastore


def open_store(
    view: View, datastore: Datastore, *, prefix: str = "", create: bool = True
) -> ViewStore:
    """A view's store on the datastore; its tables are created unless `create` is off."""
    store: ViewStore
    if isinstance(datastore, PostgresDatastore):
        store = view.postgres(datastore, prefix=prefix)
    else:
        store = view.sqlite(datastore, prefix=prefix)
    if create and isinstance(datastore, PostgresDatastore):
        # Same lock as the application's tables: `CREATE ... IF NOT EXISTS` races between
        # processes starting together ("type ... already exists").
        with datastore.get_connection() as conn, table_creation_lock(conn):
            store.create_table()
    elif create:
        store.create_table()
    return store


def open_projections(
    views: Sequence[View], datastore: Datastore, *, prefix: str = "", create: bool = True
) -> list[ViewProjection]:
    """A projection for each view, on its store."""
    return [v.projection(open_store(v, datastore, prefix=prefix, create=create)) for v in views]
