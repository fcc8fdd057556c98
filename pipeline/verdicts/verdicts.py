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
    perf = con.execute(
        "SELECT * FROM marts.campaign_performance WHERE attribution_model = ?", [attribution_model]
    ).df()
    if "platform" not in perf.columns:
        perf["platform"] = ALL_PLATFORMS
    frames = []
    for level, rows in (
        (ALL_PLATFORMS, perf[perf["platform"] == ALL_PLATFORMS]),
        ("platform", perf[perf["platform"] != ALL_PLATFORMS]),
    ):
        if rows.empty:
            continue
        frame = pd.DataFrame(
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
        frames.append(assess(frame, thresholds, as_of))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out["reason_it"] = [sentence(row, lang="it") for row in out.to_dict("records")]
    return out


def write_verdicts(con: duckdb.DuckDBPyConnection, verdicts: pd.DataFrame) -> int:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.register("verdicts_frame", verdicts)
    con.execute("CREATE OR REPLACE TABLE marts.campaign_verdicts AS SELECT * FROM verdicts_frame")
    con.unregister("verdicts_frame")
    return len(verdicts)
