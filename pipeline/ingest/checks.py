"""Ingest checks: nothing lost (rows read = loaded + rejected) and every file recognised."""


import dagster as dg
import duckdb

from pipeline.resources import Warehouse


@dg.asset_check(asset=dg.AssetKey(["raw", "files"]), blocking=False,
                description="Every file under data/raw is a known, readable export.")
def every_file_recognised(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = con.execute("SELECT path, status, message FROM raw._files "
                          "WHERE status IN ('unknown', 'error') ORDER BY path").df()
    return dg.AssetCheckResult(
        passed=bad.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"files": len(bad), "details": dg.MetadataValue.md(
            bad.to_markdown(index=False) if len(bad) else "none")})


RECONCILE_DESCRIPTION = ("For every file: rows read = rows loaded + rows rejected, and the raw "
                         "table and the rejects table hold exactly those rows.")


def reconcile(con: duckdb.DuckDBPyConnection, name: str) -> dg.AssetCheckResult:
    """rows_reconcile of raw.<name> (blocking; run by pipeline.quality.checks.raw_checks)."""
    bad = con.execute(f"""
        WITH loaded AS (SELECT _file_id, count(*) AS n FROM raw.{name} GROUP BY 1),
             rejected AS (SELECT file_id, count(*) AS n FROM raw._rejects
                          WHERE format = '{name}' GROUP BY 1)
        SELECT f.path, f.rows_read, f.rows_loaded, f.rows_rejected,
               coalesce(l.n, 0) AS rows_in_table, coalesce(r.n, 0) AS rows_in_rejects
        FROM raw._files AS f
        LEFT JOIN loaded AS l ON l._file_id = f.file_id
        LEFT JOIN rejected AS r ON r.file_id = f.file_id
        WHERE f.format = '{name}' AND f.status = 'loaded'
          AND (f.rows_read <> f.rows_loaded + f.rows_rejected
               OR coalesce(l.n, 0) <> f.rows_loaded
               OR coalesce(r.n, 0) <> f.rows_rejected)""").df()
    files = con.execute(f"SELECT count(*) FROM raw._files WHERE format = '{name}' "
                        "AND status = 'loaded'").fetchone()[0]
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", name]), check_name="rows_reconcile", passed=bad.empty,
        metadata={"files_checked": files, "files_not_reconciled": len(bad),
                  "details": dg.MetadataValue.md(bad.to_markdown(index=False) if len(bad)
                                                 else "none")})
