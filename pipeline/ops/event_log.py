"""Dagster's SQLite event log with its database connections kept open (dagster.yaml uses it).

Dagster's SqliteEventLogStorage opens a new engine and connection for every read and write and
closes it after: a run stores a few hundred events, each one to two databases (the run's own
and the cross-run index), and each close of a WAL database checkpoints it. At a nightly run's
~320 events that was 5 s of a 30 s run, in the steps' critical path. This subclass keeps one
connection per database open (the few most recently used, the index among them), so an event
costs its INSERTs and a COMMIT. Files, schema, WAL mode and the per-run sharding are Dagster's
own: instances written with either class read with the other, and the UI, the daemon and
`dagster` CLI see every event the moment it is committed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._config import StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import _event_logs_directory
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

OPEN_DATABASES = 8  # the index and the runs most recently written or read


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """Config: `dagster_home`, the Dagster home; the event logs live where Dagster's default
    SQLite storage keeps them (`<home>/history/runs/`)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"dagster_home": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(_event_logs_directory(config_value["dagster_home"]), inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:  # the parent's lock: one use of a connection at a time
            engine = self._engines.get(shard)
            if engine is None:
                url = self.conn_string_for_shard(shard)
                if shard not in self._initialized_dbs:  # create or check it as the parent does
                    first = create_engine(url, poolclass=NullPool,
                                          connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
                    self._initdb(first)
                    first.dispose()
                    self._initialized_dbs.add(shard)
                engine = create_engine(
                    url,
                    poolclass=StaticPool,  # one connection, reused; the lock serialises its use
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                                  "check_same_thread": False},
                )
                self._engines[shard] = engine
                while len(self._engines) > OPEN_DATABASES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # before the run databases' files are deleted
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
