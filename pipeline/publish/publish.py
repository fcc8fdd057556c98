"""Publish the marts for analysts: a snapshot written aside, then renamed over the old one.

DuckDB allows one writer or many readers, so analysts never open the pipeline's warehouse.
Each published file is written under a temporary name in the same folder, checkpointed and
closed, then moved over the previous one with os.replace (atomic on one filesystem): a reader
sees the old file or the new one, never half of one, and a crash leaves the last good copy.

Parquet files are also kept immutable, one folder per publication (data/marts/parquet/<id>/),
because DuckDB's Parquet reader opens a file by path more than once per query: a query that
straddles an os.replace of `data/marts/<mart>.parquet` reads the footer of one version and the
bytes of the next, and fails. The top-level `<mart>.parquet` is a hard link to the newest
versioned file, for tools that read a file in one open; `_publication.parquet_path` names the
versioned file for DuckDB readers. A superseded version is deleted once it is not among the
newest KEEP_VERSIONS and was superseded more than GRACE_SECONDS ago, so no query still reading it
loses it.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.config import Settings, duckdb_config

MARTS_SCHEMA = "marts"
DB_NAME = "marts.duckdb"
PARQUET_DIR = "parquet"  # data/marts/parquet/<publication id>/<mart>.parquet, never rewritten
KEEP_VERSIONS = 3
GRACE_SECONDS = 15 * 60


@dataclass
class Publication:
    marts_dir: Path
    tables: dict[str, int]  # table -> rows
    seconds: float
    publication_id: str = ""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a filesystem without hard links
        shutil.copyfile(src, dst)


def _prune_versions(versions_dir: Path, now: float) -> list[str]:
    """Delete superseded Parquet versions no query can still be reading; return their ids."""
    ids = sorted(p.name for p in versions_dir.iterdir() if p.is_dir() and p.name[0].isdigit())
    pruned = []
    for older, newer in zip(ids[:-KEEP_VERSIONS], ids[1:], strict=False):
        superseded_at = (versions_dir / newer).stat().st_mtime
        if now - superseded_at > GRACE_SECONDS:
            shutil.rmtree(versions_dir / older, ignore_errors=True)
            pruned.append(older)
    return pruned


def publish(settings: Settings, extra_files: dict[str, Path] | None = None) -> Publication:
    """Copy every table of the warehouse's `marts` schema to data/marts atomically.

    `extra_files` maps a published file name (e.g. report.html) to a file to publish with it.
    """
    started = time.perf_counter()
    out = settings.marts_dir
    versions_dir = out / PARQUET_DIR
    versions_dir.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp"):  # left by a run killed mid-publication
        stale.unlink(missing_ok=True)
    for stale in versions_dir.glob(".*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    published_at = datetime.now(UTC).replace(tzinfo=None)
    pub_id = published_at.strftime("%Y%m%dT%H%M%S%fZ")
    version_final = versions_dir / pub_id
    version_tmp = versions_dir / f".{pub_id}.tmp"
    version_tmp.mkdir()
    db_final = out / DB_NAME
    db_tmp = _tmp(db_final)
    con = duckdb.connect(config=duckdb_config(settings))  # the run's memory and thread limits
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
            con.execute(
                f"COPY pub.main.\"{name}\" TO '{version_tmp / (name + '.parquet')}' "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
        con.execute(
            "CREATE TABLE pub.main._publication (table_name VARCHAR, row_count BIGINT, "
            "published_at TIMESTAMP, publication_id VARCHAR, parquet_path VARCHAR)"
        )
        con.executemany(
            "INSERT INTO pub.main._publication VALUES (?, ?, ?, ?, ?)",
            [[t, n, published_at, pub_id, f"{PARQUET_DIR}/{pub_id}/{t}.parquet"]
             for t, n in counts.items()],
        )
        con.execute("CHECKPOINT pub")
        con.execute("DETACH pub")
        con.execute("DETACH wh")
    except BaseException:
        con.close()
        db_tmp.unlink(missing_ok=True)
        shutil.rmtree(version_tmp, ignore_errors=True)
        raise
    con.close()
    for pq in version_tmp.iterdir():
        _fsync(pq)
    os.replace(version_tmp, version_final)  # the immutable versioned copy appears whole
    for name in counts:
        pq_final = out / f"{name}.parquet"
        pq_tmp = _tmp(pq_final)
        _link_or_copy(version_final / f"{name}.parquet", pq_tmp)
        staged.append((pq_tmp, pq_final))
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
    _prune_versions(versions_dir, time.time())
    return Publication(out, counts, time.perf_counter() - started, pub_id)
