"""Verdicts from the warehouse: read campaign_performance, assess each level, keep evidence."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from pipeline.verdicts.stats import assess, sentence
from pipeline.verdicts.thresholds import VerdictThresholds

# Exports whose newest date (the manifest's max_date: creation dates) says up to when leads
# could be seen. Deals are left out: an open deal's expected close date lies in the future.
LEAD_FORMATS = ("hubspot_contacts", "salesforce_leads")
ALL_PLATFORMS = "all"


def resolve_as_of(con: duckdb.DuckDBPyConnection, configured: date | None) -> date:
    """The day verdicts are judged at: as configured, else the newest lead creation date the CRM
    exports cover (leads after the export cannot be seen, whatever today's date), else today."""
    if configured:
        return configured
    newest = con.execute(
        f"SELECT max(max_date) FROM raw._files WHERE status = 'loaded' AND format IN {LEAD_FORMATS}"
    ).fetchone()[0]
    return newest or date.today()


def compute_verdicts(
    con: duckdb.DuckDBPyConnection,
    thresholds: VerdictThresholds,
    as_of: date,
    attribution_model: str,
) -> pd.DataFrame:
    """One verdict per campaign (platform 'all') and per campaign × platform."""
    # in a fixed order: the prior is fitted over the portfolio, and a sum over the same rows in
    # another order (the table's order differs between a full and an incremental build) moves
    # its last bits and every verdict's numbers with them
    perf = con.execute(
        "SELECT * FROM marts.campaign_performance WHERE attribution_model = ? "
        "ORDER BY campaign_id, platform", [attribution_model]
    ).df()
    if "platform" not in perf.columns:
        perf["platform"] = ALL_PLATFORMS
    levels = ((ALL_PLATFORMS, perf[perf["platform"] == ALL_PLATFORMS]),
              ("platform", perf[perf["platform"] != ALL_PLATFORMS]))
    frames = [assess(_assessed(rows, level), thresholds, as_of)
              for level, rows in levels if not rows.empty]
    if not frames:  # no campaign yet (no plan, no exports): no verdict, the table's columns
        frames = [assess(_assessed(perf, ALL_PLATFORMS), thresholds, as_of)]
    out = pd.concat(frames, ignore_index=True)
    out["reason_it"] = [sentence(row, lang="it") for row in out.to_dict("records")]
    return out


def _assessed(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """campaign_performance rows of one level as the verdict model's input."""
    return pd.DataFrame(
        {
            "campaign_id": rows["campaign_id"],
            "campaign_name": rows["campaign_name"],
            "platform": rows["platform"],
            "end_date": rows["end_date"],
            "engagements": rows["engagements"].astype("float"),
            "conversions": rows["leads"].astype("float"),
            "attribution_model": rows["attribution_model"],
            "level": "campaign" if level == ALL_PLATFORMS else "campaign_platform",
        }
    ).reset_index(drop=True)


# With no verdict DuckDB has no value to infer these columns' types from (an empty object
# column reads as INTEGER, an empty sentence list as DOUBLE): they get the types they have
# when there are verdicts, so queries on an empty table work as on a full one.
DATE_COLUMNS = ("as_of", "attribution_window_closes")
TEXT_COLUMNS = ("reason", "reason_it")


def write_verdicts(con: duckdb.DuckDBPyConnection, verdicts: pd.DataFrame) -> int:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    select = "SELECT * FROM verdicts_frame"
    if verdicts.empty:
        verdicts = verdicts.astype({
            column: "str" for column, dtype in verdicts.dtypes.items()
            if pd.api.types.is_object_dtype(dtype) or column in DATE_COLUMNS + TEXT_COLUMNS})
        dates = ", ".join(f"CAST({c} AS DATE) AS {c}" for c in DATE_COLUMNS)
        select = f"SELECT * REPLACE ({dates}) FROM verdicts_frame"
    con.register("verdicts_frame", verdicts)
    con.execute(f"CREATE OR REPLACE TABLE marts.campaign_verdicts AS {select}")
    con.unregister("verdicts_frame")
    return len(verdicts)
