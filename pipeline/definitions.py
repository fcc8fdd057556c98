"""The Dagster code location: every concern's assets, checks, jobs and resources."""


import dagster as dg

from pipeline.ingest.assets import format_assets, raw_files
from pipeline.ingest.checks import every_file_recognised, reconcile_checks
from pipeline.publish.assets import published_marts
from pipeline.resources import Warehouse
from pipeline.transform.assets import dbt_models, dbt_resource

everything = dg.define_asset_job(
    "vanity_funnel", selection=dg.AssetSelection.all(),
    description="Ingest every new export, build and test the models, issue verdicts, publish.")

defs = dg.Definitions(
    assets=[raw_files, *format_assets, dbt_models, published_marts],
    asset_checks=[every_file_recognised, *reconcile_checks],
    jobs=[everything],
    resources={"warehouse": Warehouse(), "dbt": dbt_resource},
    # DuckDB allows one writer: run the steps of a run one after another in one process.
    executor=dg.in_process_executor,
)
