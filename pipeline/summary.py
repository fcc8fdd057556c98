"""Print where the outputs are and a short table of campaign results (the end of `make run`)."""

from __future__ import annotations

import sys

import duckdb

from pipeline.config import get_settings


def main() -> int:
    settings = get_settings()
    db = settings.marts_dir / "marts.duckdb"
    if not db.exists():
        print(f"No publication yet: {db} does not exist. Look at the run's log above.")
        return 1
    con = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    print(f"\nPublished marts: {db}")
    print(f"Parquet files:   {settings.marts_dir}/<mart>.parquet ({len(tables) - 1} marts; "
          "immutable copies under parquet/<publication id>/)")
    report = settings.marts_dir / "report.html"
    if report.exists():
        print(f"Report:          {report}")
    print(f"Open them:       duckdb -readonly {db}\n")
    if "campaign_verdicts" in tables:
        rel = con.sql("""
            SELECT campaign_id, campaign_name, verdict, engagements, conversions AS leads,
                   round(posterior_mean_rate, 2) AS leads_per_1000
            FROM campaign_verdicts WHERE level = 'campaign' ORDER BY verdict, engagements DESC""")
    else:
        rel = con.sql("""
            SELECT campaign_id, campaign_name, engagements, leads, round(lead_rate_per_1000, 2)
                   AS leads_per_1000
            FROM campaign_performance WHERE platform = 'all' ORDER BY engagements DESC""")
    rel.show(max_rows=60, max_width=140)
    return 0


if __name__ == "__main__":
    sys.exit(main())
