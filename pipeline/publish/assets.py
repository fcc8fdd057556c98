"""Publish: the analysts' copy of the marts (DuckDB + Parquet) and the report."""

import dagster as dg

from pipeline.publish.publish import publish
from pipeline.report.assets import REPORT_KEY, REPORT_PATH_NAME, report_staging_path
from pipeline.resources import TRANSIENT_RETRY, Warehouse


@dg.asset(
    key=["published", "marts"],
    group_name="publish",
    kinds={"duckdb", "parquet"},
    deps=[dg.AssetKey(["marts", "campaign_verdicts"]),
          dg.AssetKey(["marts", "fct_campaign_funnel_daily"]), REPORT_KEY],
    retry_policy=TRANSIENT_RETRY,
)
def published_marts(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """data/marts/marts.duckdb, one Parquet file per mart and report.html, each replaced
    atomically (os.replace) so analysts reading them during a run never see a half-written file.
    Runs only when every upstream model and blocking check passed."""
    settings = warehouse.settings()
    report = report_staging_path(settings)
    pub = publish(settings, {REPORT_PATH_NAME: report} if report.exists() else None)
    context.log.info(f"published {len(pub.tables)} marts to {pub.marts_dir} in {pub.seconds:.1f}s")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(pub.marts_dir / "marts.duckdb")),
            "tables": dg.MetadataValue.json(pub.tables),
            "seconds": round(pub.seconds, 2),
        }
    )
