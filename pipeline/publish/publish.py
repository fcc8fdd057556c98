"""Publish the marts for analysts: a snapshot written aside, then renamed over the old one.

DuckDB allows one writer or many readers, so analysts never open the pipeline's warehouse.
Each published file is written under a temporary name in the same folder, checkpointed and
closed, then moved over the previous one with os.replace (atomic on one filesystem): a reader
sees the old file or the new one, never half of one, and a crash leaves the last good copy.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.config import Settings

MARTS_SCHEMA = "marts"
DB_NAME = "marts.duckdb"


@dataclass
class Publication:
    marts_dir: Path
    tables: dict[str, int]  # table -> rows
    seconds: float


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def publish(settings: Settings, extra_files: dict[str, Path] | None = None) -> Publication:
    """Copy every table of the warehouse's `marts` schema to data/marts atomically.

    `extra_files` maps a published file name (e.g. report.html) to a file to publish with it.
    """
    started = time.perf_counter()
    out = settings.marts_dir
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp"):  # left by a run killed mid-publication
        stale.unlink(missing_ok=True)
    db_final = out / DB_NAME
    db_tmp = _tmp(db_final)
    con = duckdb.connect()
    staged: list[tuple[Path, Path]] = []
    try:
        con.execute(f"ATTACH '{settings.warehouse_path}' AS wh (READ_ONLY)")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh' "
                f"AND schema_name = '{MARTS_SCHEMA}' ORDER BY 1"
            ).fetchall()
        ]
        views = [
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE database_name = 'wh' "
                f"AND schema_name = '{MARTS_SCHEMA}' ORDER BY 1"
            ).fetchall()
        ]
        con.execute(f"ATTACH '{db_tmp}' AS pub")
        counts: dict[str, int] = {}
        for name in tables + views:
            con.execute(
                f'CREATE TABLE pub.main."{name}" AS SELECT * FROM wh.{MARTS_SCHEMA}."{name}"'
            )
            counts[name] = con.execute(f'SELECT count(*) FROM pub.main."{name}"').fetchone()[0]
            pq_final = out / f"{name}.parquet"
            pq_tmp = _tmp(pq_final)
            con.execute(
                f"COPY pub.main.\"{name}\" TO '{pq_tmp}' (FORMAT parquet, COMPRESSION zstd)"
            )
            staged.append((pq_tmp, pq_final))
        published_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "CREATE TABLE pub.main._publication (table_name VARCHAR, row_count BIGINT, "
            "published_at TIMESTAMP)"
        )
        con.executemany(
            "INSERT INTO pub.main._publication VALUES (?, ?, ?)",
            [[t, n, published_at] for t, n in counts.items()],
        )
        con.execute("CHECKPOINT pub")
        con.execute("DETACH pub")
        con.execute("DETACH wh")
    except BaseException:
        con.close()
        db_tmp.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    con.close()
    for name, src in (extra_files or {}).items():
        final = out / name
        tmp = _tmp(final)
        tmp.write_bytes(src.read_bytes())
        staged.append((tmp, final))
    staged.append((db_tmp, db_final))  # the database last: it records the publication
    for tmp, _ in staged:
        _fsync(tmp)
    for tmp, final in staged:
        os.replace(tmp, final)
    return Publication(out, counts, time.perf_counter() - started)
