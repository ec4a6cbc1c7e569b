"""Find or start a PostgreSQL server for the test suite.

Resolution order (see :func:`find_or_start_server`):

1. ``FUNDTRAIL_TEST_PG_URL`` names an existing server; it must be reachable.
2. Otherwise a throwaway cluster is started from the PostgreSQL binaries on the
   machine (``FUNDTRAIL_TEST_PG_BINDIR`` if set, else ``PATH``, else the highest
   ``/usr/lib/postgresql/*/bin``) in a temporary directory on a free port on
   127.0.0.1; it is stopped and deleted on :meth:`ServerHandle.close`.
3. Otherwise :class:`NoServer` explains why there is no server.

An already-running server is never used unless ``FUNDTRAIL_TEST_PG_URL`` names
it.  Only databases created through :meth:`ServerHandle.create_database` are
ever dropped.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, unquote, urlencode, urlsplit

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

PG_URL_ENV = "FUNDTRAIL_TEST_PG_URL"
PG_BINDIR_ENV = "FUNDTRAIL_TEST_PG_BINDIR"
DATABASE_PREFIX = "fundtrail_test_"
SCHEMA_PREFIX = "t_"
SYSTEM_BINDIR_GLOB = "/usr/lib/postgresql/*/bin"
CLUSTER_OS_USER = "postgres"
CLUSTER_DB_USER = "postgres"
STARTUP_TIMEOUT_S = 30.0

_DATABASE_NAME_RE = re.compile(rf"^{DATABASE_PREFIX}[0-9a-f]{{16}}$")
_REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")


class PgServerError(RuntimeError):
    """A PostgreSQL server was configured or started but is not usable."""


@dataclass(frozen=True)
class NoServer:
    """Why no PostgreSQL server is available for this test run."""

    reason: str


@dataclass(frozen=True)
class ConnParams:
    """Connection parameters of a PostgreSQL server (without a database name)."""

    host: str
    port: int
    user: str
    password: str | None = None

    def url(self, dbname: str, schema: str | None = None) -> str:
        """Return a ``postgresql://`` URL for *dbname*, optionally with a schema."""
        auth = quote(self.user, safe="")
        if self.password is not None:
            auth += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        url = f"postgresql://{auth}@{host}:{self.port}/{quote(dbname, safe='')}"
        if schema is not None:
            url += "?" + urlencode({"schema": schema})
        return url

    def redacted_url(self, dbname: str) -> str:
        """Return :meth:`url` with any password masked, for messages."""
        url = self.url(dbname)
        if self.password is not None:
            url = url.replace(":" + quote(self.password, safe="") + "@", ":***@", 1)
        return url

    def connect(self, dbname: str, timeout_s: int = 5) -> psycopg.Connection[TupleRow]:
        """Open an autocommit connection to *dbname*."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname,
            connect_timeout=timeout_s,
            autocommit=True,
        )


def parse_server_url(url: str) -> tuple[ConnParams, str]:
    """Split a ``postgresql://`` URL into connection parameters and database."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise PgServerError(f"{PG_URL_ENV} must be a postgresql:// URL, got {url!r}")
    if not parts.hostname:
        raise PgServerError(f"{PG_URL_ENV} must name a host, got {url!r}")
    try:
        port = parts.port or 5432
    except ValueError as exc:
        raise PgServerError(f"{PG_URL_ENV} has an invalid port: {exc}") from exc
    params = ConnParams(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else CLUSTER_DB_USER,
        password=unquote(parts.password) if parts.password is not None else None,
    )
    dbname = unquote(parts.path.lstrip("/")) or "postgres"
    return params, dbname


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, owned by this process."""

    bindir: Path
    basedir: Path
    port: int
    run_as: str | None
    _stopped: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        """Return the cluster's data directory."""
        return self.basedir / "data"

    @property
    def sockdir(self) -> Path:
        """Return the directory holding the cluster's unix socket."""
        return self.basedir / "sock"

    @property
    def logfile(self) -> Path:
        """Return the server log file."""
        return self.basedir / "server.log"

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete the temporary directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.datadir / "postmaster.pid").exists():
                _run_pg(
                    self,
                    [
                        "pg_ctl",
                        "stop",
                        "-D",
                        str(self.datadir),
                        "-m",
                        "immediate",
                        "-w",
                    ],
                    check=False,
                )
        finally:
            shutil.rmtree(self.basedir, ignore_errors=True)


@dataclass
class ServerHandle:
    """A usable PostgreSQL server plus the resources this test run owns on it."""

    params: ConnParams
    maintenance_db: str
    description: str
    cluster: ThrowawayCluster | None = None
    created_databases: list[str] = field(default_factory=list)

    def url(self, dbname: str, schema: str | None = None) -> str:
        """Return a ``postgresql://`` URL for *dbname* on this server."""
        return self.params.url(dbname, schema)

    def create_database(self) -> str:
        """Create a fresh ``fundtrail_test_<hex>`` database and return its name."""
        name = DATABASE_PREFIX + secrets.token_hex(8)
        with self.params.connect(self.maintenance_db) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created_databases.append(name)
        return name

    def drop_database(self, name: str) -> None:
        """Drop *name*, which must be a database created by :meth:`create_database`."""
        if name not in self.created_databases or not _DATABASE_NAME_RE.match(name):
            raise PgServerError(f"refusing to drop database {name!r}: not created here")
        with self.params.connect(self.maintenance_db) as conn:
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force)
            )
        self.created_databases.remove(name)

    def close(self) -> None:
        """Drop databases still owned by this run and stop a throwaway cluster."""
        try:
            if self.cluster is None:
                for name in list(self.created_databases):
                    self.drop_database(name)
        finally:
            if self.cluster is not None:
                self.cluster.stop()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def create_test_schema(database_url: str) -> str:
    """Create a fresh ``t_<hex>`` schema in the database; return its schema URL."""
    params, dbname = parse_server_url(database_url)
    schema = SCHEMA_PREFIX + secrets.token_hex(8)
    with params.connect(dbname) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return params.url(dbname, schema)


def find_bindir() -> Path | NoServer:
    """Locate a directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

    ``FUNDTRAIL_TEST_PG_BINDIR`` (if set) is the only place looked at; otherwise
    ``PATH`` is tried first, then the highest ``/usr/lib/postgresql/*/bin``.
    """
    override = os.environ.get(PG_BINDIR_ENV)
    if override is not None:
        if _has_binaries(Path(override)):
            return Path(override)
        return NoServer(
            f"{PG_BINDIR_ENV}={override} does not contain " + ", ".join(_REQUIRED_BINARIES)
        )
    initdb = shutil.which("initdb")
    if initdb is not None:
        candidate = Path(initdb).resolve().parent
        if _has_binaries(candidate):
            return candidate
    versioned = sorted(
        (p for p in Path("/").glob(SYSTEM_BINDIR_GLOB.lstrip("/")) if _has_binaries(p)),
        key=lambda p: _version_key(p.parent.name),
    )
    if versioned:
        return versioned[-1]
    return NoServer(
        f"{PG_URL_ENV} is not set and no PostgreSQL binaries (initdb, pg_ctl) "
        f"were found on PATH or under {SYSTEM_BINDIR_GLOB}"
    )


def describe_server_source() -> str:
    """Say which PostgreSQL the tests will use, without starting anything."""
    env_url = os.environ.get(PG_URL_ENV)
    if env_url:
        try:
            params, dbname = parse_server_url(env_url)
        except PgServerError as exc:
            return f"{PG_URL_ENV} is invalid: {exc}"
        return f"{PG_URL_ENV} = {params.redacted_url(dbname)}"
    bindir = find_bindir()
    if isinstance(bindir, NoServer):
        return f"none: PostgreSQL tests will be skipped ({bindir.reason})"
    return f"throwaway cluster from binaries in {bindir}"


def find_or_start_server() -> ServerHandle | NoServer:
    """Return a server from ``FUNDTRAIL_TEST_PG_URL`` or a new throwaway cluster.

    Raises :class:`PgServerError` when the configured server is unreachable or a
    throwaway cluster fails to start; returns :class:`NoServer` when there is
    simply no PostgreSQL to use.  Call :meth:`ServerHandle.close` when done.
    """
    env_url = os.environ.get(PG_URL_ENV)
    if env_url:
        return _use_existing_server(env_url)
    bindir = find_bindir()
    if isinstance(bindir, NoServer):
        return bindir
    run_as: str | None = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return NoServer("running as root, and runuser is missing to drop privileges")
        try:
            pwd.getpwnam(CLUSTER_OS_USER)
        except KeyError:
            return NoServer(
                f"running as root (initdb refuses root) and no {CLUSTER_OS_USER!r} "
                "user exists to run the throwaway cluster as"
            )
        run_as = CLUSTER_OS_USER
    return start_throwaway_cluster(bindir, run_as=run_as)


def _use_existing_server(env_url: str) -> ServerHandle:
    params, dbname = parse_server_url(env_url)
    try:
        with params.connect(dbname) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        raise PgServerError(
            f"{PG_URL_ENV}={params.redacted_url(dbname)} is not reachable: {exc}"
        ) from exc
    return ServerHandle(
        params=params,
        maintenance_db=dbname,
        description=f"{PG_URL_ENV} = {params.redacted_url(dbname)}",
    )


def start_throwaway_cluster(
    bindir: Path, run_as: str | None = None, attempts: int = 3
) -> ServerHandle:
    """Run ``initdb`` and ``pg_ctl start`` in a temp dir on a free 127.0.0.1 port.

    *run_as* names the OS user to run the binaries as (via ``runuser``); it is
    needed when running as root.  The returned handle stops the cluster and
    deletes the temp dir on close (also at interpreter exit as a safety net).
    """
    basedir = Path(tempfile.mkdtemp(prefix="fundtrail-pg-"))
    cluster = ThrowawayCluster(bindir=bindir, basedir=basedir, port=0, run_as=run_as)
    atexit.register(cluster.stop)
    try:
        cluster.sockdir.mkdir()
        if run_as is not None:
            pw = pwd.getpwnam(run_as)
            for path in (basedir, cluster.sockdir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        _run_pg(
            cluster,
            [
                "initdb",
                "-D",
                str(cluster.datadir),
                "-A",
                "trust",
                "-U",
                CLUSTER_DB_USER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        last_error = ""
        for _ in range(attempts):
            cluster.port = _free_port()
            options = (
                f"-F -c fsync=off -c full_page_writes=off -c synchronous_commit=off "
                f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.sockdir}"
            )
            result = _run_pg(
                cluster,
                [
                    "pg_ctl",
                    "start",
                    "-D",
                    str(cluster.datadir),
                    "-l",
                    str(cluster.logfile),
                    "-w",
                    "-t",
                    str(int(STARTUP_TIMEOUT_S)),
                    "-o",
                    options,
                ],
                check=False,
            )
            if result.returncode == 0:
                break
            last_error = result.stdout + result.stderr + _tail(cluster.logfile)
        else:
            raise PgServerError(f"pg_ctl start failed {attempts} times:\n{last_error}")
        params = ConnParams(host="127.0.0.1", port=cluster.port, user=CLUSTER_DB_USER)
        _wait_until_ready(params, "postgres", cluster)
    except BaseException:
        cluster.stop()
        atexit.unregister(cluster.stop)
        raise
    return ServerHandle(
        params=params,
        maintenance_db="postgres",
        description=f"throwaway cluster from {bindir} on port {cluster.port}",
        cluster=cluster,
    )


def _run_pg(
    cluster: ThrowawayCluster, argv: list[str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    command = [str(cluster.bindir / argv[0]), *argv[1:]]
    if cluster.run_as is not None:
        command = ["runuser", "-u", cluster.run_as, "--", *command]
    env = {**os.environ, "LC_ALL": "C"}
    for var in ("PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE", "PGPASSWORD"):
        env.pop(var, None)
    result = subprocess.run(
        command,
        cwd=cluster.basedir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=STARTUP_TIMEOUT_S * 2,
    )
    if check and result.returncode != 0:
        raise PgServerError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result


def _wait_until_ready(params: ConnParams, dbname: str, cluster: ThrowawayCluster) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with params.connect(dbname, timeout_s=2) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PgServerError(
                    f"throwaway cluster on port {params.port} did not accept "
                    f"connections: {exc}\n{_tail(cluster.logfile)}"
                ) from exc
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _has_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in _REQUIRED_BINARIES)


def _version_key(name: str) -> tuple[int, ...]:
    with contextlib.suppress(ValueError):
        return tuple(int(part) for part in name.split("."))
    return (-1,)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
