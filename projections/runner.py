"""Keeping the views up to date, in `fundtrail serve` (a thread) or `fundtrail worker`.

Each round catches every view up with the log in batches (see source.catch_up), then
waits for news: on PostgreSQL by LISTEN on the channel the library NOTIFYs in every
insert, reconnecting when the connection drops; on SQLite, which has no notifications, by
polling the log's head. A round also runs at least every `idle_timeout` seconds, so a lost
notification delays a view, never strands it. A failing round is logged and retried with
backoff; rows and positions are committed together, so nothing is applied twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import psycopg
from psycopg import sql

from domain.application import FundTrail
from infrastructure.settings import Settings
from infrastructure.wiring import build_application
from projections.catalog import Datastore, open_datastore, open_projections, select_views
from projections.source import EventSource, Progress, catch_up
from projections.view import ViewProjection

log = logging.getLogger("fundtrail.projections")
MAX_BACKOFF = 5.0


class Listener:
    """LISTEN on the events channel; (re)connects on the next wait after a failure."""

    def __init__(self, conninfo: str, channel: str, timeout: float) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.timeout = timeout
        self.connection: psycopg.Connection[tuple[object, ...]] | None = None

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (None when not connected)."""
        return None if self.connection is None else self.connection.info.backend_pid

    def wait(self) -> None:
        """Return on a notification, after the timeout, or at once after (re)connecting."""
        if self.connection is None:
            connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.connection = connection
            return  # anything recorded while we were not listening is caught up now
        try:
            for _ in self.connection.notifies(timeout=self.timeout, stop_after=1):
                pass
        except psycopg.Error:
            self.close()
            raise

    def close(self) -> None:
        """Close the listening connection."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class ViewsRunner:
    """Catches the views up and keeps them up; `start()`/`stop()` or `run_forever()`."""

    def __init__(
        self,
        settings: Settings,
        *,
        views: Sequence[str] | None = None,
        batch_size: int = 1000,
        poll_interval: float = 0.1,
        idle_timeout: float = 0.5,
    ) -> None:
        self.settings = settings
        self.views = select_views(views)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.idle_timeout = idle_timeout
        self.last_error: BaseException | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._app: FundTrail | None = None
        self._datastore: Datastore | None = None
        self._projections: list[ViewProjection] = []
        self._source: EventSource | None = None
        self.listener: Listener | None = None

    def open(self) -> None:
        """Connect to the store and create the views' tables (if the settings allow)."""
        if self._app is not None:
            return
        self._app = build_application(self.settings)
        self._datastore = open_datastore(self.settings)
        create = self.settings.create_tables
        self._projections = open_projections(self.views, self._datastore, create=create)
        topics = [t for p in self._projections for t in p.topics]
        self._source = EventSource(self._app, topics)
        if self.settings.is_postgres:
            self.listener = Listener(
                self.settings.postgres_conninfo(), self._channel(), self.idle_timeout
            )

    def catch_up(self, *, progress: Progress | None = None) -> int:
        """Bring every view up to the log's head now; returns the events read."""
        self.open()
        assert self._source is not None
        return catch_up(
            self._source, self._projections, batch_size=self.batch_size, progress=progress
        )

    def start(self) -> None:
        """Open, then keep the views up to date in a background thread."""
        self.open()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="fundtrail-views", daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        """Keep the views up to date in this thread until stop() is called."""
        self.open()
        self._stopping.clear()
        try:
            self._loop()
        finally:
            self.close()

    def poke(self) -> None:
        """Look at the log now rather than at the next poll (SQLite)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop, wait for the round in progress, and close connections.

        From a signal handler during run_forever, only asks: run_forever closes on its way out.
        """
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
            self.close()

    def __enter__(self) -> ViewsRunner:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.close()

    def close(self) -> None:
        """Close the listener, the pool and the application."""
        if self.listener is not None:
            self.listener.close()
        if self._datastore is not None:
            self._datastore.close()
        if self._app is not None:
            self._app.close()
        self._app, self._datastore, self._source = None, None, None

    def _loop(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                self.catch_up()
                self.last_error = None
                backoff = 0.1
                self._wait_for_news()
            except Exception as exc:  # logged with its cause, kept for health, retried
                self.last_error = exc
                log.exception("projection round failed; retrying in %.1fs", backoff)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _wait_for_news(self) -> None:
        if self.listener is not None:
            self.listener.wait()
            return
        self._wake.wait(self.poll_interval)
        self._wake.clear()

    def _channel(self) -> str:
        assert self._app is not None
        channel = getattr(self._app.recorder, "channel_name", None)
        if not isinstance(channel, str):
            raise TypeError("the PostgreSQL recorder names no notification channel")
        return channel
