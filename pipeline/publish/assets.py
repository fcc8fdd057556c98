"""Publish: the analysts' copy of the marts (DuckDB + Parquet) and the report."""


import dagster as dg

from pipeline.publish.publish import publish
from pipeline.resources import Warehouse


@dg.asset(key=["published", "marts"], group_name="publish", kinds={"duckdb", "parquet"},
          deps=[dg.AssetKey(["marts", "campaign_verdicts"])])
def published_marts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """data/marts/marts.duckdb and one Parquet file per mart, replaced atomically (os.replace)
    so analysts reading them during a run never see a half-written file. Runs only when every
    upstream model and blocking check passed."""
    settings = warehouse.settings()
    pub = publish(settings)
    context.log.info(f"published {len(pub.tables)} marts to {pub.marts_dir} in {pub.seconds:.1f}s")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(pub.marts_dir / "marts.duckdb")),
        "tables": dg.MetadataValue.json(pub.tables),
        "seconds": round(pub.seconds, 2),
    })
