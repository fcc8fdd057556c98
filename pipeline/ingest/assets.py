"""Ingest assets: one inventory of data/raw, then one asset per export format."""


import dagster as dg

from pipeline.ingest.load import inventory, load_pending
from pipeline.ingest.registry import formats
from pipeline.quality.gx_suites import prefetch
from pipeline.resources import TRANSIENT_RETRY, Warehouse

RAW_GROUP = "raw"


@dg.asset(key=["raw", "files"], group_name=RAW_GROUP, kinds={"duckdb", "python"},
          retry_policy=TRANSIENT_RETRY)
def raw_files(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every file under data/raw, recognised by its header (pipeline/ingest/formats.yml) and its
    content hash. New content becomes pending for its format's asset; a copy of a file already
    seen (even renamed) is a duplicate and loads nothing; an unknown file is reported with its
    header and nearest format and left in place."""
    checks = context.run.asset_check_selection
    if checks is None or any(k.name == "gx_quality" for k in checks):
        prefetch()  # the raw checks' Great Expectations import overlaps the ingest
    settings = warehouse.settings()
    with warehouse.connect() as con:
        result = inventory(con, settings, progress=context.log.info)
        summary = con.execute("""
            SELECT coalesce(format, '(none)') AS format, status, count(*) AS files,
                   sum(size_bytes) AS bytes
            FROM raw._files GROUP BY ALL ORDER BY ALL""").df()
        problems = con.execute("""
            SELECT path, status, message FROM raw._files
            WHERE status IN ('unknown', 'error') ORDER BY path""").df()
    for _, row in problems.iterrows():
        context.log.warning(f"{row['status']}: {row['message']}")
    return dg.MaterializeResult(metadata={
        "new_files": len(result.new),
        "duplicates": len(result.duplicates),
        "unknown_files": len(result.unknown),
        "unreadable_files": len(result.errors),
        "unchanged_files": result.unchanged,
        "files_by_format": dg.MetadataValue.md(summary.to_markdown(index=False)),
        "problems": dg.MetadataValue.md(problems.to_markdown(index=False) if len(problems)
                                        else "none"),
    })


def _format_asset(name: str) -> dg.AssetsDefinition:
    fmt = formats()[name]
    what = f"{fmt.entity} rows" + (f" from {fmt.platform}" if fmt.platform else "")

    @dg.asset(key=["raw", name], deps=[raw_files.key], group_name=RAW_GROUP,
              retry_policy=TRANSIENT_RETRY,
              kinds={"duckdb", "python"}, description=(
                  f"raw.{name}: {what}, parsed by DuckDB from every `{name}` export under "
                  "data/raw (all snapshots kept; staging keeps the newest per "
                  f"{', '.join(fmt.key)})."
                  " Rejected rows go to raw._rejects with their reason."))
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings()
        with warehouse.connect() as con:
            loads = load_pending(con, settings, name, progress=context.log.info)
            totals = con.execute(f"""
                SELECT count(*) FILTER (WHERE status = 'loaded'),
                       coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0),
                       coalesce(sum(rows_summary), 0), max(max_date)
                FROM raw._files WHERE format = '{name}'""").fetchone()
            rows_in_table = con.execute(f"SELECT count(*) FROM raw.{name}").fetchone()[0]
            preview = con.execute(f"SELECT * EXCLUDE (_file_id) FROM raw.{name} "
                                  "ORDER BY _exported_at DESC, _row LIMIT 5").df()
        return dg.MaterializeResult(metadata={
            "files_loaded_now": len(loads),
            "rows_loaded_now": sum(x.rows_loaded for x in loads),
            "rows_rejected_now": sum(x.rows_rejected for x in loads),
            "files_failed_now": sum(1 for x in loads if x.error),
            "files": totals[0],
            "rows": rows_in_table,
            "rows_rejected": totals[2],
            "summary_rows_skipped": totals[3],
            "newest_date": str(totals[4]) if totals[4] else "none",
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False)
                                           if len(preview) else "empty"),
        })

    return _asset


format_assets = [_format_asset(name) for name in formats()]
