"""Great Expectations 1.x suites, built in code, validated on small frames DuckDB prepares.

GX imports slowly and its SQL path does not work with DuckDB, so tables are never handed to GX
whole: DuckDB computes one row of aggregates per table (null counts, minima, maxima over every
row) plus, where a check is per value, a bounded sample; GX validates those frames. Integrity
expectations are ERROR (they block publishing); plausibility expectations WARN.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import duckdb
import pandas as pd

from pipeline.ingest.registry import Format

ERROR, WARN = "ERROR", "WARN"
OLDEST_PLAUSIBLE = date(2005, 1, 1)
SAMPLE_ROWS = 20_000
COUNT_TYPES = {"int"}
FRACTION_COLUMNS = {"ctr", "ctr_link", "engagement_rate"}
# planned or expected dates may lie ahead (an open deal's close date, a campaign's end)
FUTURE_OK = {"close_date", "end_date", "campaign_end_date"}


@dataclass(frozen=True)
class Expectation:
    severity: str  # ERROR or WARN
    frame: str  # "profile" (one row of aggregates) or "sample" (bounded rows)
    kind: str  # a great_expectations.expectations class name
    kwargs: dict
    label: str  # what a person reads when it fails


@dataclass(frozen=True)
class Outcome:
    expectation: Expectation
    success: bool
    observed: object


_GX_LOCK = threading.Lock()


def prefetch() -> None:
    """Start importing GX (about 5 s of Python) on a background thread, so that it overlaps the
    ingest, which waits on DuckDB and the disk; the first `validate` waits for it to finish."""
    threading.Thread(target=_gx, name="gx-import", daemon=True).start()


def _gx():
    """GX, imported once (by `prefetch`'s thread or the first caller; the others wait)."""
    with _GX_LOCK:
        return _gx_loaded()


@cache
def _gx_loaded():
    """Import GX once, quietly (no analytics, no progress bars)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # older/newer layouts: progress bars are cosmetic
        pass
    batch_def = (
        ctx.data_sources.add_pandas("frames")
        .add_dataframe_asset(name="frame")
        .add_batch_definition_whole_dataframe("whole")
    )
    return gx, batch_def


def validate(frames: dict[str, pd.DataFrame], expectations: list[Expectation]) -> list[Outcome]:
    """Run each expectation on its frame with GX; returns one outcome per expectation."""
    gx, batch_def = _gx()
    outcomes: list[Outcome] = []
    for frame_name, frame in frames.items():
        mine = [e for e in expectations if e.frame == frame_name]
        if not mine:
            continue
        suite = gx.ExpectationSuite(name=f"suite_{frame_name}")
        configs = []
        for e in mine:
            configs.append(suite.add_expectation(getattr(gx.expectations, e.kind)(**e.kwargs)))
        result = batch_def.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
        # GX keeps the suite's order; expectations built in code have no ids to match on
        results = list(result.results)
        if len(results) != len(configs) or any(
            r.expectation_config.type != c.expectation_type
            for r, c in zip(results, configs, strict=True)
        ):
            raise RuntimeError(f"GX returned results that do not match the suite {frame_name}")
        for e, r in zip(mine, results, strict=True):
            observed = r.result.get("observed_value", r.result.get("unexpected_count"))
            outcomes.append(Outcome(e, bool(r.success), observed))
    return outcomes


def raw_frames(con: duckdb.DuckDBPyConnection, fmt: Format) -> dict[str, pd.DataFrame]:
    """The profile (aggregates over every row) and a bounded sample of raw.<format>."""
    aggs = ["count(*) AS rows"]
    for col in fmt.columns:
        if col.type == "name":
            continue
        aggs.append(f'count(*) - count("{col.name}") AS "{col.name}__nulls"')
        if col.type in COUNT_TYPES | {"date", "timestamp", "num", "money", "rate", "percent"}:
            aggs.append(f'min("{col.name}") AS "{col.name}__min"')
            aggs.append(f'max("{col.name}") AS "{col.name}__max"')
    profile = con.execute(f"SELECT {', '.join(aggs)} FROM raw.{fmt.name}").df()
    sample = con.execute(
        f"SELECT * FROM raw.{fmt.name} USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (42)"
    ).df()
    return {"profile": profile, "sample": sample}


def raw_expectations(fmt: Format, today: date | None = None) -> list[Expectation]:
    """Schema, non-negative counts, ids present (ERROR); dates plausible, rates sane (WARN)."""
    today = today or date.today()
    expected = [n for n, _ in fmt.table_columns] + ["_file_id", "_row", "_exported_at", "_currency"]
    out = [
        Expectation(
            ERROR,
            "sample",
            "ExpectTableColumnsToMatchSet",
            {"column_set": expected, "exact_match": True},
            f"raw.{fmt.name} has exactly the registry's columns",
        )
    ]
    for col in fmt.columns:
        if col.type == "name":
            continue
        if col.required and col.type in ("id", "text", "date", "timestamp"):
            out.append(
                Expectation(
                    ERROR,
                    "profile",
                    "ExpectColumnValuesToBeBetween",
                    {"column": f"{col.name}__nulls", "max_value": 0},
                    f"{col.name} is never empty",
                )
            )
        if col.type in COUNT_TYPES:
            out.append(
                Expectation(
                    ERROR,
                    "profile",
                    "ExpectColumnValuesToBeBetween",
                    {"column": f"{col.name}__min", "min_value": 0},
                    f"{col.name} counts are non-negative",
                )
            )
        if col.type in ("date", "timestamp"):
            out.append(
                Expectation(
                    WARN,
                    "profile",
                    "ExpectColumnValuesToBeBetween",
                    {"column": f"{col.name}__min", "min_value": pd.Timestamp(OLDEST_PLAUSIBLE)},
                    f"{col.name} is not before {OLDEST_PLAUSIBLE}",
                )
            )
        if col.type in ("date", "timestamp") and col.name not in FUTURE_OK:
            out.append(
                Expectation(
                    WARN,
                    "profile",
                    "ExpectColumnValuesToBeBetween",
                    {
                        "column": f"{col.name}__max",
                        "max_value": pd.Timestamp(today + timedelta(days=1)),
                    },
                    f"{col.name} is not in the future",
                )
            )
        if col.name in FRACTION_COLUMNS or col.type == "percent":
            out.append(
                Expectation(
                    WARN,
                    "sample",
                    "ExpectColumnValuesToBeBetween",
                    {"column": col.name, "min_value": 0, "max_value": 1, "mostly": 0.99},
                    f"{col.name} is a fraction between 0 and 1",
                )
            )
    return out


def mart_frames(con: duckdb.DuckDBPyConnection, schema: str = "marts") -> dict[str, pd.DataFrame]:
    """campaign_performance is small (campaigns × platforms × models): validated whole."""
    return {"performance": con.execute(f"SELECT * FROM {schema}.campaign_performance").df()}


def mart_expectations(columns: set[str]) -> list[Expectation]:
    """Rates that are shares lie in [0, 1] (ERROR); a rate over zero volume is NULL, never inf."""
    out = [
        Expectation(
            ERROR,
            "performance",
            "ExpectColumnValuesToNotBeNull",
            {"column": "campaign_id"},
            "every row names its campaign",
        )
    ]
    for share in ("ctr", "lead_to_sale"):
        if share in columns:
            out.append(
                Expectation(
                    ERROR,
                    "performance",
                    "ExpectColumnValuesToBeBetween",
                    {"column": share, "min_value": 0, "max_value": 1},
                    f"{share} is a share between 0 and 1",
                )
            )
    if "engagement_rate" in columns:
        out.append(
            Expectation(
                WARN,
                "performance",
                "ExpectColumnValuesToBeBetween",
                {"column": "engagement_rate", "min_value": 0, "max_value": 1, "mostly": 0.95},
                "engagement rate mostly below 100% of impressions",
            )
        )
    for col in ("leads", "engagements", "won_deals"):
        if col in columns:
            out.append(
                Expectation(
                    ERROR,
                    "performance",
                    "ExpectColumnValuesToBeBetween",
                    {"column": col, "min_value": 0},
                    f"{col} are non-negative",
                )
            )
    return out


def summarise(outcomes: list[Outcome]) -> tuple[bool, bool, list[dict]]:
    """(errors passed, warnings passed, a table of failures for the check's metadata)."""
    failures = [
        {
            "severity": o.expectation.severity,
            "expectation": o.expectation.label,
            "observed": str(o.observed)[:80],
        }
        for o in outcomes
        if not o.success
    ]
    errors_ok = not any(f["severity"] == ERROR for f in failures)
    warns_ok = not any(f["severity"] == WARN for f in failures)
    return errors_ok, warns_ok, failures
