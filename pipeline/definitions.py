"""The Dagster code location: every concern's assets, checks, jobs and resources."""

import atexit
import gc

import dagster as dg

from pipeline.ingest.assets import format_assets, raw_files
from pipeline.ingest.checks import every_file_recognised
from pipeline.ops.schedules import alert_on_failure, new_exports_sensor, nightly_schedule
from pipeline.publish.assets import published_marts
from pipeline.quality.checks import performance_gx_check, raw_checks
from pipeline.report.assets import report
from pipeline.resources import Warehouse
from pipeline.transform.assets import dbt_daily_funnel, dbt_models, dbt_resource
from pipeline.verdicts.assets import campaign_verdicts, verdict_checks

everything = dg.define_asset_job(
    "vanity_funnel",
    selection=dg.AssetSelection.all(),
    description="Ingest every new export, build and test the models, issue verdicts, publish.",
)

defs = dg.Definitions(
    assets=[raw_files, *format_assets, dbt_models, dbt_daily_funnel, campaign_verdicts, report,
            published_marts],
    asset_checks=[
        every_file_recognised,
        raw_checks,
        performance_gx_check,
        *verdict_checks,
    ],
    jobs=[everything],
    schedules=[nightly_schedule(everything)],
    sensors=[new_exports_sensor, alert_on_failure],
    resources={"warehouse": Warehouse(), "dbt": dbt_resource},
    # DuckDB allows one writer: run the steps of a run one after another in one process.
    executor=dg.in_process_executor,
)

# A process that loaded all this (Dagster, dbt, pandas, SciPy) spent about 1.1 s exiting: the
# interpreter's teardown collects garbage again and again over millions of live objects. Frozen
# first (atexit runs before the teardown), they are left alone: the process exits in 0.06 s.
# Nothing here relies on the collector at exit (connections are closed, events committed).
atexit.register(gc.freeze)
