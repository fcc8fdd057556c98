"""Data-quality asset checks: GX suites on raw tables and marts, and source freshness."""

from datetime import date, timedelta

import dagster as dg

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


def _result(outcomes) -> dg.AssetCheckResult:
    errors_ok, warns_ok, failures = summarise(outcomes)
    table = "\n".join(
        f"| {f['severity']} | {f['expectation']} | {f['observed']} |" for f in failures
    )
    return dg.AssetCheckResult(
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


def _raw_gx_check(name: str) -> dg.AssetChecksDefinition:
    fmt = formats()[name]

    @dg.asset_check(
        asset=dg.AssetKey(["raw", name]),
        name="gx_quality",
        blocking=True,
        description="Great Expectations: schema, ids present, counts non-negative "
        "(ERROR, blocks publishing); dates plausible, rates in [0, 1] "
        "(WARN). Aggregated in DuckDB first, never the whole table.",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            frames = raw_frames(con, fmt)
        return _result(validate(frames, raw_expectations(fmt)))

    return _check


def _freshness_check(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", name]),
        name="fresh",
        blocking=False,
        description="WARNs when the newest data of this source is older than "
        "VF_FRESHNESS_DAYS (35 by default).",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        max_age = warehouse.settings().freshness_max_age_days
        with warehouse.connect(read_only=True) as con:
            newest = con.execute(
                "SELECT max(max_date) FROM raw._files WHERE format = ? AND status = 'loaded'",
                [name],
            ).fetchone()[0]
        if newest is None:
            return dg.AssetCheckResult(passed=True, metadata={"newest_date": "no exports yet"})
        age = (date.today() - newest).days
        return dg.AssetCheckResult(
            passed=age <= max_age,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "newest_date": str(newest),
                "age_days": age,
                "max_age_days": max_age,
                "stale_since": str(newest + timedelta(days=max_age)),
            },
        )

    return _check


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


raw_gx_checks = [_raw_gx_check(name) for name in formats()]
freshness_checks = [_freshness_check(name) for name in formats()]
