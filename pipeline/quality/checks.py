"""Data-quality asset checks: GX suites on raw tables and marts, and source freshness."""

from datetime import date, timedelta

import dagster as dg
import duckdb

from pipeline.ingest.checks import RECONCILE_DESCRIPTION, reconcile
from pipeline.ingest.registry import formats
from pipeline.quality.gx_suites import (
    mart_expectations,
    mart_frames,
    raw_expectations,
    raw_frames,
    summarise,
    validate,
)
from pipeline.resources import Warehouse


def _result(outcomes, **key) -> dg.AssetCheckResult:
    """The check result of GX outcomes; `key`: asset_key and check_name inside a multi-check."""
    errors_ok, warns_ok, failures = summarise(outcomes)
    table = "\n".join(
        f"| {f['severity']} | {f['expectation']} | {f['observed']} |" for f in failures
    )
    return dg.AssetCheckResult(
        **key,
        passed=errors_ok and warns_ok,
        severity=dg.AssetCheckSeverity.ERROR if not errors_ok else dg.AssetCheckSeverity.WARN,
        metadata={
            "expectations": len(outcomes),
            "failed": len(failures),
            "failures": dg.MetadataValue.md(
                "| severity | expectation | observed |\n|---|---|---|\n" + table
                if failures
                else "none"
            ),
        },
    )


GX_DESCRIPTION = ("Great Expectations: schema, ids present, counts non-negative (ERROR, blocks "
                  "publishing); dates plausible, rates in [0, 1] (WARN). Aggregated in DuckDB "
                  "first, never the whole table.")
FRESH_DESCRIPTION = ("WARNs when the newest data of this source is older than VF_FRESHNESS_DAYS "
                     "(35 by default).")


def gx_quality(con: duckdb.DuckDBPyConnection, name: str) -> dg.AssetCheckResult:
    """gx_quality of raw.<name> (blocking)."""
    fmt = formats()[name]
    return _result(validate(raw_frames(con, fmt), raw_expectations(fmt)),
                   asset_key=dg.AssetKey(["raw", name]), check_name="gx_quality")


def fresh(con: duckdb.DuckDBPyConnection, name: str, max_age: int) -> dg.AssetCheckResult:
    """fresh of raw.<name> (WARN only): how old the newest data of the source is."""
    key = dg.AssetKey(["raw", name])
    newest = con.execute(
        "SELECT max(max_date) FROM raw._files WHERE format = ? AND status = 'loaded'", [name]
    ).fetchone()[0]
    if newest is None:
        return dg.AssetCheckResult(asset_key=key, check_name="fresh", passed=True,
                                   metadata={"newest_date": "no exports yet"})
    age = (date.today() - newest).days
    return dg.AssetCheckResult(
        asset_key=key,
        check_name="fresh",
        passed=age <= max_age,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "newest_date": str(newest),
            "age_days": age,
            "max_age_days": max_age,
            "stale_since": str(newest + timedelta(days=max_age)),
        },
    )


RAW_CHECKS = {  # check name -> (blocking, description)
    "rows_reconcile": (True, RECONCILE_DESCRIPTION),
    "gx_quality": (True, GX_DESCRIPTION),
    "fresh": (False, FRESH_DESCRIPTION),
}


@dg.multi_asset_check(
    name="raw_checks",
    specs=[
        dg.AssetCheckSpec(check, asset=dg.AssetKey(["raw", name]), blocking=blocking,
                          description=description)
        for name in formats()
        for check, (blocking, description) in RAW_CHECKS.items()
    ],
    can_subset=True,
)
def raw_checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """Every check of every raw table selected, in one step on one read-only connection (48
    separate steps cost more in Dagster's per-step overhead than the checks themselves)."""
    max_age = warehouse.settings().freshness_max_age_days
    with warehouse.connect(read_only=True) as con:
        for key in sorted(context.selected_asset_check_keys, key=lambda k: k.to_user_string()):
            name = key.asset_key.path[-1]
            if key.name == "rows_reconcile":
                yield reconcile(con, name)
            elif key.name == "gx_quality":
                yield gx_quality(con, name)
            else:
                yield fresh(con, name, max_age)


@dg.asset_check(
    asset=dg.AssetKey(["marts", "campaign_performance"]),
    name="gx_quality",
    blocking=True,
    description="Great Expectations on campaign_performance: shares in [0, 1], "
    "counts non-negative, every row names its campaign.",
)
def performance_gx_check(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        frames = mart_frames(con)
    return _result(validate(frames, mart_expectations(set(frames["performance"].columns))))
