"""The dbt project on a generated sample, end to end: real exports (pipeline.sample), the real
ingest, real dbt in a subprocess against a warehouse under tmp_path.

One module fixture plays two nights: the first loads every export except two old months (a
TikTok Ads report and a GA4 report) and builds the models, the second drops those late files in
and runs `dbt build` (incremental). The tests then check that
- the build is green (every data test, unit test and reconciliation test of the project) and so
  is `dbt docs generate`;
- the marts reconcile with totals computed here, independently, from the raw tables;
- the incremental daily funnel equals a full refresh row for row, although the late files
  changed days far outside the lookback window; so do the incremental matched posts and
  sessions, which matched again only the rows of the late files (and all of them once the plan
  is reloaded), and the incremental staging models, which ranked again only the posts and days
  the late files carry (their older snapshots do not replace newer ones), and the incremental
  unattributed mart, which rebuilt only the sources (GA4: the days) the late files touched;
- the planted campaigns come out as planted (engagements, leads, won deals, match rules).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline.config import DBT_PROJECT_DIR, Settings
from pipeline.ingest.load import connect, inventory, load_pending
from pipeline.ingest.registry import formats
from pipeline.sample import generate

DBT = Path(sys.executable).parent / "dbt"
AS_OF = date(2026, 10, 31)
LOOKBACK_DAYS = 35  # dbt_project.yml vars.lookback_days
FX_SEED = DBT_PROJECT_DIR / "seeds" / "fx_rates.csv"
POSTS = {  # platform -> raw table, engagement components of the metric definition (DESIGN.md)
    "facebook": ("facebook_posts", ["reactions", "comments", "shares"]),
    "instagram": ("instagram_posts", ["likes", "comments", "shares", "saves"]),
    "linkedin": ("linkedin_posts", ["likes", "comments", "reposts"]),
    "x": ("x_posts", ["likes", "replies", "retweets", "shares", "bookmarks"]),
    "tiktok": ("tiktok_videos", ["likes", "comments", "shares"]),
    "youtube": ("youtube_videos", ["likes"]),
    "pinterest": ("pinterest_pins", ["saves"]),
}


@dataclass
class Built:
    warehouse: Path
    truth: Path
    late_files: list[str]
    first_night: list[tuple]  # fct_campaign_funnel_daily after the first build
    incremental: list[tuple]  # ... after the second, incremental build
    full_refresh: list[tuple]  # ... rebuilt from scratch on the same data
    rerun: list[tuple]  # ... after one more incremental run with no new file
    untouched_day: date  # an old day no late file touched, tampered before the incremental run
    backfilled: list[tuple]  # ... after a backfill of one day (funnel_from/funnel_to)
    backfill_day: date  # the day backfilled; it and `untouched_day` were tampered before
    matched_incremental: dict[str, list[tuple]]  # matched posts / sessions after night two
    matched_full: dict[str, list[tuple]]  # ... rebuilt from scratch on the same data
    matched_new_plan: dict[str, list[tuple]]  # ... after a reloaded plan, incremental run
    untouched_rows: dict[str, str]  # model -> key of a row tampered before night two
    staged_incremental: dict[str, list[tuple]]  # incremental staging models after night two
    staged_full: dict[str, list[tuple]]  # ... rebuilt from scratch on the same data
    staged_untouched: dict[str, str]  # model -> key of a row tampered before night two
    unattributed_incremental: list[tuple]  # marts.unattributed after night two
    unattributed_full: list[tuple]  # ... rebuilt from scratch on the same data
    unattributed_upgraded: list[tuple]  # ... incremental run on a mart without last_loaded_at
    unattributed_untouched: str  # record_id of a Facebook row tampered before night two
    unattributed_new_plan: list[tuple]  # marts.unattributed after a reloaded plan, incremental
    unattributed_new_plan_full: list[tuple]  # ... rebuilt from scratch on the same data


def _dbt(args: list[str], warehouse: Path, work: Path,
         env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Real dbt, its own target/log folders (the project's manifest is left alone)."""
    env = {**os.environ, "VF_WAREHOUSE": str(warehouse), **(env_extra or {})}
    return subprocess.run(
        [str(DBT), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
         str(DBT_PROJECT_DIR), "--target-path", str(work / "target"), "--log-path",
         str(work / "logs")],
        env=env, capture_output=True, text=True, timeout=600)


def _assert_ok(result: subprocess.CompletedProcess, what: str) -> None:
    tail = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, f"{what} failed:\n{tail}\n{result.stderr[-2000:]}"


def _ingest(settings: Settings) -> None:
    con = connect(settings)
    try:
        inventory(con, settings, progress=lambda _: None)
        for name in formats():
            load_pending(con, settings, name, progress=lambda _: None)
    finally:
        con.close()


def _funnel_rows(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT * FROM marts.fct_campaign_funnel_daily "
            "ORDER BY campaign_id, platform, activity_date").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("dbt_models")
    sample, truth, raw = root / "sample", root / "truth", root / "raw"
    summary = generate(sample, truth, seed=7, scale=1.0, as_of=AS_OF)
    # two old months arrive late: the oldest TikTok Ads report and the oldest GA4 report
    late = [sorted(f for f in summary["files"] if f.startswith(prefix))[0]
            for prefix in ("tiktok/TikTok_Ads_Manager", "ga4/", "x/")]
    for rel in summary["files"]:
        if rel not in late:
            (raw / rel).parent.mkdir(parents=True, exist_ok=True)
            (raw / rel).write_bytes((sample / rel).read_bytes())
    settings = Settings(raw_dir=raw, warehouse_path=root / "wh" / "warehouse.duckdb",
                        marts_dir=root / "marts", key_file=root / "secrets" / "key")

    _ingest(settings)
    _assert_ok(_dbt(["build", "--resource-type", "seed", "--resource-type", "model"],
                    settings.warehouse_path, root), "dbt build (first night, models only)")
    first = _funnel_rows(settings.warehouse_path)

    for rel in late:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes((sample / rel).read_bytes())
    _ingest(settings)
    # an old day (before the lookback window) that no late file touches: a run that rebuilt
    # more than the days the late files touch would undo this tampering
    con = duckdb.connect(str(settings.warehouse_path))
    late_ranges = con.execute("SELECT min_date, max_date FROM raw._files WHERE path IN "
                              f"({', '.join('?' * len(late))})", late).fetchall()
    cutoff = max(r[2] for r in first) - timedelta(days=LOOKBACK_DAYS)
    untouched = max(r[2] for r in first if r[2] < cutoff
                    and not any(lo <= r[2] <= hi for lo, hi in late_ranges))
    _tamper(con, untouched)
    untouched_rows = _tamper_matched(con)
    staged_untouched = _tamper_staged(con, late)
    unattributed_untouched = _tamper_unattributed(con)
    con.close()
    _assert_ok(_dbt(["build"], settings.warehouse_path, root), "dbt build (incremental)")
    incremental = _funnel_rows(settings.warehouse_path)
    matched_incremental = _matched_rows(settings.warehouse_path)
    staged_incremental = _staged_rows(settings.warehouse_path)
    _assert_ok(_dbt(["run", "--select", *STAGED, "--full-refresh"], settings.warehouse_path,
                    root), "dbt run --full-refresh (staging)")
    staged_full = _staged_rows(settings.warehouse_path)
    unattributed_incremental = _unattributed_rows(settings.warehouse_path)
    _assert_ok(_dbt(["run", "--select", "unattributed", "--full-refresh"],
                    settings.warehouse_path, root), "dbt run --full-refresh (unattributed)")
    unattributed_full = _unattributed_rows(settings.warehouse_path)
    con = duckdb.connect(str(settings.warehouse_path))  # a mart built by an older version
    con.execute("ALTER TABLE marts.unattributed DROP COLUMN last_loaded_at")
    con.close()
    _assert_ok(_dbt(["run", "--select", "unattributed"], settings.warehouse_path, root),
               "dbt run (unattributed built before last_loaded_at)")
    unattributed_upgraded = _unattributed_rows(settings.warehouse_path)
    _assert_ok(_dbt(["run", "--select", *MATCHED, "--full-refresh"], settings.warehouse_path,
                    root), "dbt run --full-refresh (matched)")
    matched_full = _matched_rows(settings.warehouse_path)

    _assert_ok(_dbt(["run", "--select", "fct_campaign_funnel_daily", "--full-refresh"],
                    settings.warehouse_path, root), "dbt run --full-refresh")
    full = _funnel_rows(settings.warehouse_path)
    _assert_ok(_dbt(["run", "--select", "fct_campaign_funnel_daily"], settings.warehouse_path,
                    root), "dbt run (no new file)")
    rerun = _funnel_rows(settings.warehouse_path)
    # a backfill of one day (what a Dagster partition range passes) rebuilds that day only
    backfill_day = min(r[2] for r in first)
    con = duckdb.connect(str(settings.warehouse_path))
    _tamper(con, untouched)
    _tamper(con, backfill_day)
    con.close()
    _assert_ok(_dbt(["run", "--select", "fct_campaign_funnel_daily", "--vars",
                     f"{{funnel_from: '{backfill_day}', funnel_to: '{backfill_day}'}}"],
                    settings.warehouse_path, root), "dbt run (backfill of one day)")
    backfilled = _funnel_rows(settings.warehouse_path)
    _assert_ok(_dbt(["docs", "generate"], settings.warehouse_path, root), "dbt docs generate")
    # a reloaded plan (the same campaigns, saved again) moves every match: all rows again
    con = duckdb.connect(str(settings.warehouse_path))
    _tamper_matched(con)
    con.close()
    plan = raw / "plan" / "campaigns.csv"
    plan.write_bytes(plan.read_bytes() + b"\n")
    _ingest(settings)
    _assert_ok(_dbt(["run", "--select", "stg_plan__campaigns", "stg_ingest__files", *MATCHED],
                    settings.warehouse_path, root), "dbt run (matched, reloaded plan)")
    matched_new_plan = _matched_rows(settings.warehouse_path)
    # ... and moves every unattributed row's load time: every source is rebuilt
    con = duckdb.connect(str(settings.warehouse_path))
    _tamper_unattributed(con)
    con.close()
    _assert_ok(_dbt(["run", "--select", "stg_plan__campaigns+"], settings.warehouse_path, root),
               "dbt run (downstream of the reloaded plan)")
    unattributed_new_plan = _unattributed_rows(settings.warehouse_path)
    _assert_ok(_dbt(["run", "--select", "unattributed", "--full-refresh"],
                    settings.warehouse_path, root), "dbt run --full-refresh (unattributed, plan)")
    unattributed_new_plan_full = _unattributed_rows(settings.warehouse_path)
    return Built(settings.warehouse_path, truth, late, first, incremental, full, rerun,
                 untouched, backfilled, backfill_day, matched_incremental, matched_full,
                 matched_new_plan, untouched_rows, staged_incremental, staged_full,
                 staged_untouched, unattributed_incremental, unattributed_full,
                 unattributed_upgraded, unattributed_untouched, unattributed_new_plan,
                 unattributed_new_plan_full)


# the incremental matched models, their key, and a column nothing downstream reads (tampered)
MATCHED = {"int_posts_matched_to_campaigns": ("platform || ':' || post_id", "follows"),
           "int_sessions_matched_to_campaigns": ("session_row_id", "engaged_sessions")}


def _tamper_matched(con) -> dict[str, str]:
    """Change one row of each incremental matched model that no late file touches (a Facebook
    post, a GA4 row of the first night's newest export): only matching it again undoes it."""
    where = {"int_posts_matched_to_campaigns": "platform = 'facebook'",
             "int_sessions_matched_to_campaigns": "_file_id <> (SELECT file_id FROM raw._files "
                                                  "WHERE format = 'ga4_traffic' ORDER BY "
                                                  "loaded_at DESC LIMIT 1)"}
    keys = {}
    for model, (key, column) in MATCHED.items():
        keys[model] = con.execute(f"SELECT min({key}) FROM intermediate.{model} "
                                  f"WHERE {where[model]}").fetchone()[0]
        con.execute(f"UPDATE intermediate.{model} SET {column} = -1 WHERE {key} = ?",
                    [keys[model]])
    return keys


def _keyed_rows(warehouse: Path, schema: str, keys: dict[str, str]) -> dict[str, list[tuple]]:
    """{model: its rows, each led by its key (`keys[model]`, an expression), in order}."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {model: con.execute(f"SELECT {key} AS _key, * FROM {schema}.{model} "
                                   "ORDER BY ALL").fetchall()
                for model, key in keys.items()}
    finally:
        con.close()


def _matched_rows(warehouse: Path) -> dict[str, list[tuple]]:
    return _keyed_rows(warehouse, "intermediate", {m: key for m, (key, _) in MATCHED.items()})


# the incremental staging models: raw table, the row's identity, the output column of the
# incremental scope (latest_snapshot's `scope`) and that raw column
STAGED = {
    "stg_ga4__traffic_days": ("ga4_traffic", "cast(session_date AS VARCHAR) || '|' || "
                              "source_medium || '|' || coalesce(session_campaign, '')",
                              "session_date", "date"),
    "stg_x__posts": ("x_posts", "post_id", "post_id", "post_id"),
    "stg_meta__posts": ("facebook_posts", "post_id", "post_id", "post_id"),
    "stg_instagram__posts": ("instagram_posts", "post_id", "post_id", "post_id"),
    "stg_pinterest__pins": ("pinterest_pins", "post_id", "post_id", "post_id"),
}


def _tamper_staged(con, late: list[str]) -> dict[str, str]:
    """Change one row of each incremental staging model whose post or day no late file carries
    (its `_exported_at`, which no test reads): only ranking it again undoes it."""
    keys = {}
    for model, (table, identity, scope, raw_scope) in STAGED.items():
        keys[model] = con.execute(
            f"SELECT min({identity}) FROM staging.{model} WHERE {scope} NOT IN ("
            f"SELECT {raw_scope} FROM raw.{table} WHERE _file_id IN (SELECT file_id FROM "
            f"raw._files WHERE path IN ({', '.join('?' * len(late))})))", late).fetchone()[0]
        con.execute(f"UPDATE staging.{model} SET _exported_at = TIMESTAMP '1900-01-01' "
                    f"WHERE {identity} = ?", [keys[model]])
    return keys


def _staged_rows(warehouse: Path) -> dict[str, list[tuple]]:
    return _keyed_rows(warehouse, "staging", {m: spec[1] for m, spec in STAGED.items()})


BOGUS_X_RECORD = "x:no-such-post"


def _tamper_unattributed(con) -> str:
    """Before night two: change the text of one unattributed Facebook row (no late file touches
    Facebook: only a rebuild of its source undoes it) and add an X row nothing produces (the
    late X export changes the X source: its rebuild must drop it). Returns the Facebook row's
    record_id."""
    record = con.execute("SELECT min(record_id) FROM marts.unattributed "
                         "WHERE source = 'facebook_posts'").fetchone()[0]
    con.execute("UPDATE marts.unattributed SET text = 'tampered' WHERE record_id = ?", [record])
    con.execute("INSERT INTO marts.unattributed SELECT * REPLACE (? AS record_id) "
                "FROM marts.unattributed WHERE source = 'x_posts' LIMIT 1", [BOGUS_X_RECORD])
    return record


def _unattributed_rows(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT * FROM marts.unattributed ORDER BY ALL").fetchall()
    finally:
        con.close()


HAS_FX_MISSING = 13  # column index in fct_campaign_funnel_daily (see _funnel_rows)


def _tamper(con, day) -> None:
    """Flip a flag no data test checks (a tampered count would fail the reconciliation tests),
    so that only a rebuild of the day undoes it."""
    con.execute("UPDATE marts.fct_campaign_funnel_daily SET has_fx_missing = NOT has_fx_missing "
                "WHERE activity_date = ?", [day])


@pytest.fixture(scope="module")
def con(built: Built):
    c = duckdb.connect(str(built.warehouse), read_only=True)
    yield c
    c.close()


def _scalar(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


def _latest(table: str, key: str) -> str:
    """The raw table's newest snapshot per key, written here independently of the models."""
    return (f"(SELECT * FROM raw.{table} QUALIFY row_number() OVER (PARTITION BY {key} "
            "ORDER BY _exported_at DESC, _file_id DESC, _row DESC) = 1)")


def _mart_total(con, metric: str, platform: str, record_types: tuple[str, ...]) -> float:
    """What the marts say about one platform: attributed (daily funnel) + unattributed."""
    attributed = _scalar(con, f"SELECT coalesce(sum({metric}), 0) FROM "
                              "marts.fct_campaign_funnel_daily WHERE platform = ?", [platform])
    unattributed = _scalar(
        con, f"SELECT coalesce(sum({metric}), 0) FROM marts.unattributed WHERE platform = ? "
             "AND list_contains(?, record_type)", [platform, list(record_types)])
    return float(attributed) + float(unattributed)


# ---------------------------------------------------------------- reconciliation with raw


@pytest.mark.parametrize("platform", sorted(POSTS))
def test_engagements_reconcile_with_raw_latest_snapshots(con, platform):
    """Per platform: marts (attributed + unattributed) = the latest snapshot of every post in
    raw, plus the LinkedIn Campaign Manager reactions + comments + shares."""
    table, parts = POSTS[platform]
    key = {"youtube_videos": "trim(post_id)",
           "linkedin_posts": "coalesce(nullif(post_id, ''), post_link)",
           "tiktok_videos": "coalesce(nullif(post_id, ''), video_link)"}.get(table, "post_id")
    summed = " + ".join(f"coalesce({p}, 0)" for p in parts)
    raw_posts = _scalar(con, f"SELECT sum({summed}) FROM {_latest(table, key)}")
    snapshots = _scalar(con, f"SELECT count(*) - count(DISTINCT {key}) FROM raw.{table}")
    assert snapshots > 0, f"{table} should hold repeated snapshots for this test to mean much"
    raw_total = float(raw_posts)
    if platform == "linkedin":
        raw_total += float(_scalar(con, "SELECT sum(coalesce(reactions, 0) + coalesce(comments, 0)"
                                        " + coalesce(shares, 0)) FROM "
                                        + _latest("linkedin_ads",
                                                  "campaign_id, campaign_name, start_date")))
    assert raw_total > 0
    assert _mart_total(con, "engagements", platform, ("post", "ad_day")) == raw_total
    # summing every snapshot instead would have counted engagement several times
    every_snapshot = float(_scalar(con, f"SELECT sum({summed}) FROM raw.{table}"))
    assert every_snapshot > raw_posts


def test_x_likes_of_latest_snapshot_are_what_the_posts_mart_carries(con):
    """The spot check from the issue: likes of the latest snapshot per post in raw.x_posts."""
    raw_likes = _scalar(con, f"SELECT sum(likes) FROM {_latest('x_posts', 'post_id')}")
    model_likes = _scalar(con, "SELECT sum(likes) FROM intermediate.int_posts_matched_to_campaigns"
                               " WHERE platform = 'x'")
    assert raw_likes == model_likes > 0


def test_impressions_reconcile_with_raw(con):
    """Facebook and Instagram impressions are Impressions, else Views (the column was renamed)."""
    latest = {p: _latest(table, "post_id") for p, (table, _) in POSTS.items()}
    raw = {
        "facebook": f"SELECT sum(coalesce(impressions, views)) FROM {latest['facebook']}",
        "instagram": f"SELECT sum(coalesce(impressions, views)) FROM {latest['instagram']}",
        "x": f"SELECT sum(impressions) FROM {latest['x']}",
        "pinterest": f"SELECT sum(impressions) FROM {latest['pinterest']}",
    }
    for platform, sql in raw.items():
        assert _mart_total(con, "impressions", platform, ("post", "ad_day")) == float(
            _scalar(con, sql)), platform
    meta_ads = _scalar(con, "SELECT sum(impressions) FROM " + _latest(
        "meta_ads", "campaign_name, coalesce(day, reporting_starts), "
                    "CASE WHEN day IS NULL AND reporting_ends > reporting_starts "
                    "THEN reporting_ends END"))
    assert _mart_total(con, "impressions", "meta", ("ad_day",)) == float(meta_ads) > 0


def test_spend_reconciles_with_raw_in_reporting_currency(con):
    """Ad spend per platform, converted here with the fx_rates seed file (EUR reporting)."""
    with FX_SEED.open() as f:
        rates = {r["currency"]: float(r["rate_to_eur"]) for r in csv.DictReader(f)}
    rates["EUR"] = 1.0
    rows = {
        "meta": "SELECT coalesce(_currency, 'EUR'), sum(amount_spent) FROM " + _latest(
            "meta_ads", "campaign_name, coalesce(day, reporting_starts), CASE WHEN day IS NULL "
                        "AND reporting_ends > reporting_starts THEN reporting_ends END")
                + " GROUP BY 1",
        "linkedin": "SELECT coalesce(currency, _currency, 'EUR'), sum(total_spent) FROM "
                    + _latest("linkedin_ads", "campaign_id, campaign_name, start_date")
                    + " GROUP BY 1",
        "tiktok": "SELECT coalesce(_currency, 'EUR'), sum(cost) FROM "
                  + _latest("tiktok_ads", "day, campaign_name, ad_group_name, ad_name")
                  + " GROUP BY 1",
    }
    currencies = set()
    for platform, sql in rows.items():
        expected = 0.0
        for currency, amount in con.execute(sql).fetchall():
            currencies.add(currency)
            expected += float(amount) * rates[currency.upper()]
        assert _mart_total(con, "spend", platform, ("ad_day",)) == pytest.approx(expected,
                                                                                 abs=0.01)
    assert "USD" in currencies, "the sample has a USD ad account: conversion is exercised"


def test_leads_reconcile_with_raw_crm(con):
    """Every lead counted once: HubSpot contacts that are leads + Salesforce leads."""
    hubspot = _scalar(con, f"""
        SELECT count(*) FROM {_latest('hubspot_contacts', 'contact_id')}
        WHERE became_lead_at IS NOT NULL OR lower(replace(lifecycle_stage, ' ', '')) IN
            ('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer',
             'evangelist')""")
    salesforce = _scalar(con, "SELECT count(DISTINCT lead_id) FROM raw.salesforce_leads")
    attributed = _scalar(con, "SELECT sum(leads) FROM marts.fct_campaign_funnel_daily")
    unattributed = _scalar(con, "SELECT sum(leads) FROM marts.unattributed "
                                "WHERE record_type = 'lead'")
    assert 0 < unattributed < attributed
    assert attributed + unattributed == pytest.approx(hubspot + salesforce, abs=1e-6)
    # and under every model, the credited shares add up to the same number of leads
    totals = con.execute(
        "SELECT sum(weight_first_touch), sum(weight_last_touch), sum(weight_linear), "
        "sum(weight_position_based) FROM intermediate.int_leads_attributed_to_campaigns"
    ).fetchone()
    for model, total in zip(["first_touch", "last_touch", "linear", "position_based"], totals,
                            strict=True):
        assert total == pytest.approx(hubspot + salesforce, abs=1e-6), model


def test_rates_are_null_over_zero_volume_never_zero_or_infinite(con):
    checks = {  # denominator is zero -> the rate must be NULL (there are such rows)
        "lead_to_sale": "leads = 0", "lead_rate_per_1000": "engagements = 0",
        "ctr": "impressions = 0", "engagement_rate": "impressions = 0", "roas": "spend = 0",
        "cac": "won_deals = 0", "cpl": "leads = 0",
    }
    for rate, zero in checks.items():
        zero_rows, not_null = con.execute(
            f"SELECT count(*), count({rate}) FROM marts.campaign_performance WHERE {zero}"
        ).fetchone()
        assert zero_rows > 0 and not_null == 0, (rate, zero_rows, not_null)
        # and where the denominator is positive the rate is a finite number
        bad = _scalar(con, f"SELECT count(*) FROM marts.campaign_performance WHERE NOT ({zero})"
                           f" AND {rate} IS NOT NULL AND (isinf({rate}) OR isnan({rate}))")
        assert bad == 0, rate
    assert _scalar(con, "SELECT count(*) FROM marts.campaign_performance WHERE leads > 0 "
                        "AND lead_to_sale IS NULL") == 0


# ---------------------------------------------------------------- incremental


def _hashes(rows: list[tuple]) -> list[str]:
    """One hash per row; floats rounded (parallel sums may differ in the last bit)."""
    def norm(v):
        return round(v, 6) if isinstance(v, float) else v
    return sorted(hashlib.sha256(repr(tuple(norm(v) for v in r)).encode()).hexdigest()
                  for r in rows)


def _without(rows: list[tuple], day) -> list[tuple]:
    return [r for r in rows if r[2] != day]


def _flags_on(rows: list[tuple], day) -> list[bool]:
    return [r[HAS_FX_MISSING] for r in sorted(rows, key=repr) if r[2] == day]


def _flipped(flags: list[bool]) -> list[bool]:
    return [not f for f in flags]


def test_incremental_run_equals_full_refresh(built: Built):
    assert built.incremental and _hashes(_without(built.incremental, built.untouched_day)) == \
        _hashes(_without(built.full_refresh, built.untouched_day))


def test_late_files_recompute_only_the_days_they_touch(built: Built):
    """The day tampered before the incremental run kept its tampering: only the days the late
    files touched (and the lookback window) were rebuilt. The full refresh undid it."""
    day = built.untouched_day
    assert _flags_on(built.full_refresh, day)  # the day has rows
    assert _flags_on(built.incremental, day) == _flipped(_flags_on(built.full_refresh, day))


def test_a_backfill_rebuilds_exactly_its_days(built: Built):
    assert _hashes(_without(built.backfilled, built.untouched_day)) == \
        _hashes(_without(built.full_refresh, built.untouched_day))  # the backfilled day: fixed
    day = built.untouched_day  # tampered too, outside the backfill: left alone
    assert _flags_on(built.backfilled, day) == _flipped(_flags_on(built.full_refresh, day))


def test_late_files_changed_days_outside_the_lookback_window(built: Built):
    """The second night's late files (old months) reached the daily funnel: the equality above
    is not the trivial one of a run that changed nothing, nor the lookback window's doing."""
    newest = max(r[2] for r in built.first_night)
    cutoff = newest - timedelta(days=LOOKBACK_DAYS)
    before = {r for r in built.first_night if r[2] < cutoff}
    after = {r for r in built.incremental if r[2] < cutoff}
    assert before != after
    assert len(built.incremental) > len(built.first_night)


def test_dbt_runs_within_the_pipelines_duckdb_limits(tmp_path):
    """profiles.yml takes DuckDB's memory limit and threads from the variables the pipeline's
    own connections use (pipeline.config.duckdb_config), so one setting bounds the whole run."""
    result = _dbt(["show", "--output", "json", "--inline",
                   "select current_setting('threads') as threads, "
                   "current_setting('memory_limit') as memory_limit"],
                  tmp_path / "warehouse.duckdb", tmp_path,
                  {"VF_DUCKDB_THREADS": "1", "VF_DUCKDB_MEMORY_LIMIT": "1GB"})
    _assert_ok(result, "dbt show")
    shown = json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])
    assert shown["show"] == [{"threads": 1, "memory_limit": "953.6 MiB"}]


def test_rerun_without_new_files_changes_nothing(built: Built):
    assert _hashes(built.rerun) == _hashes(built.full_refresh)


@pytest.mark.parametrize("model", sorted(MATCHED))
def test_incremental_matching_equals_a_full_refresh_and_touches_only_new_rows(built, model):
    """Night two matched again only the late files' rows: the row tampered before it kept its
    tampering, every other row equals a full refresh (the late X export replaced older
    snapshots of its posts, the late GA4 month added rows); a reloaded plan matched all."""
    key, column = MATCHED[model]
    tampered = built.untouched_rows[model]
    position = 1 + [c for c, in duckdb.connect(str(built.warehouse), read_only=True).execute(
        f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{model}' "
        "ORDER BY column_index").fetchall()].index(column)

    def value(rows):
        return next(r[position] for r in rows if r[0] == tampered)

    def others(rows):
        return [r for r in rows if r[0] != tampered]

    incremental, full = built.matched_incremental[model], built.matched_full[model]
    assert len(full) > 100 and others(incremental) == others(full)
    assert value(incremental) == -1 and value(full) != -1
    loaded_at = -1  # the last column: the plan's new load time reaches the matched rows

    def without_loaded_at(rows):
        return [r[:loaded_at] for r in rows]

    assert without_loaded_at(built.matched_new_plan[model]) == without_loaded_at(full)


# ---------------------------------------------------------------- the planted campaigns


@pytest.fixture(scope="module")
def truth(built: Built) -> list[dict]:
    with (built.truth / "campaigns.csv").open() as f:
        return list(csv.DictReader(f))


def test_planted_campaigns_come_out_as_planted(con, truth):
    perf = {r[0]: r[1:] for r in con.execute(
        "SELECT campaign_id, engagements, leads, won_deals, end_date, window_end_date "
        "FROM marts.campaign_performance WHERE platform = 'all' "
        "AND attribution_model = 'last_touch'").fetchall()}
    assert set(perf) == {t["campaign_id"] for t in truth}
    for t in truth:
        engagements, leads, won, end_date, window_end = perf[t["campaign_id"]]
        assert engagements == int(t["planted_engagements"]), t["campaign_id"]
        assert leads == int(t["planted_leads"]), t["campaign_id"]
        assert won == int(t["planted_won_deals"]), t["campaign_id"]
        assert end_date == date.fromisoformat(t["end_date"])
        assert window_end == end_date + timedelta(days=14)


def test_vanity_campaigns_convert_worse_than_converting_ones(con, truth):
    rate = dict(con.execute(
        "SELECT campaign_id, lead_rate_per_1000 FROM marts.campaign_performance "
        "WHERE platform = 'all' AND attribution_model = 'last_touch'").fetchall())
    vanity = [rate[t["campaign_id"]] for t in truth if t["archetype"] == "vanity"]
    converting = [rate[t["campaign_id"]] for t in truth if t["archetype"] == "converting"]
    assert vanity and converting and max(vanity) < min(converting)


def test_every_match_rule_is_used_and_hashtag_decoys_stay_unattributed(con, truth):
    rules = dict(con.execute("SELECT match_rule, count(*) FROM "
                             "intermediate.int_posts_matched_to_campaigns GROUP BY 1").fetchall())
    assert all(rules.get(r, 0) > 0 for r in ("utm_in_url", "campaign_name", "hashtag",
                                             "unattributed")), rules
    # the generator's decoys: a campaign's hashtag used after its dates matches nothing
    decoys = con.execute("""
        SELECT u.record_id, u.activity_date, c.start_date, c.end_date
        FROM marts.unattributed AS u
        JOIN staging.stg_plan__campaigns AS c
          ON c.hashtag IS NOT NULL AND contains(lower(u.text), c.hashtag)
        WHERE u.record_type = 'post' AND u.text LIKE 'Throwback to #%'""").fetchall()
    assert decoys and not any(start <= d <= end for _, d, start, end in decoys)
    # a planted post never lands on another campaign: matched posts carry their campaign's
    # utm, name or hashtag
    wrong = _scalar(con, """
        SELECT count(*) FROM intermediate.int_posts_matched_to_campaigns AS p
        JOIN staging.stg_plan__campaigns AS c USING (campaign_id)
        WHERE p.match_rule = 'hashtag' AND NOT contains(lower(p.post_text), c.hashtag)""")
    assert wrong == 0


def test_every_campaign_and_model_has_a_total_row_and_the_dimension_agrees(con, truth):
    rows = con.execute("SELECT attribution_model, count(*) FROM marts.campaign_performance "
                       "WHERE platform = 'all' GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(m, len(truth)) for m in ("first_touch", "last_touch", "linear",
                                              "position_based")]
    dim = dict(con.execute("SELECT campaign_id, posts FROM marts.dim_campaigns").fetchall())
    posts = dict(con.execute("SELECT campaign_id, sum(posts) FROM marts.campaign_performance "
                             "WHERE platform = 'all' AND attribution_model = 'last_touch' "
                             "GROUP BY 1").fetchall())
    assert dim == posts and sum(dim.values()) > 0


@pytest.mark.parametrize("model", sorted(STAGED))
def test_incremental_staging_equals_a_full_refresh_and_ranks_only_new_posts_and_days(built,
                                                                                   model):
    """Night two ranked again only the posts and days the late files carry: the row tampered
    before it kept its tampering, every other row equals a full refresh. The late X export is
    the oldest snapshot of its posts: the newer snapshots kept their place."""
    tampered = built.staged_untouched[model]
    incremental, full = built.staged_incremental[model], built.staged_full[model]

    def exported_at(rows):
        return next(r[-1] for r in rows if r[0] == tampered)

    def others(rows):
        return [r for r in rows if r[0] != tampered]

    assert len(full) > 100 and others(incremental) == others(full)
    assert exported_at(incremental) == datetime(1900, 1, 1) and exported_at(full).year > 2000


def test_incremental_unattributed_equals_a_full_refresh_and_rebuilds_only_changed_sources(
        built):
    """Night two rebuilt the sources the late files touched (X, TikTok Ads, GA4's late days):
    the row it added to X is gone, the Facebook row tampered before it kept its tampering, and
    every other row equals a full refresh. A mart built before `last_loaded_at` existed is
    rebuilt whole by an ordinary run, and so is every source after the plan is reloaded."""
    record_id, text = 3, 8  # column positions in marts.unattributed
    incremental, full = built.unattributed_incremental, built.unattributed_full

    def others(rows):
        return [r for r in rows if r[record_id] != built.unattributed_untouched]

    assert len(full) > 100 and others(incremental) == others(full)
    assert {r[text] for r in incremental if r[record_id] == built.unattributed_untouched} == \
        {"tampered"}
    assert "tampered" not in {r[text] for r in full}
    assert BOGUS_X_RECORD not in {r[record_id] for r in incremental}
    assert built.unattributed_upgraded == full
    # a reloaded plan gives every row a new load time: the run rebuilt every source
    assert built.unattributed_new_plan == built.unattributed_new_plan_full
    assert "tampered" not in {r[text] for r in built.unattributed_new_plan}



@pytest.fixture
def warehouse(built, tmp_path) -> Path:
    """A copy of the built warehouse that a test may change."""
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(built.warehouse.read_bytes())
    return copy

def test_verdicts_of_an_empty_portfolio_are_an_empty_table_with_the_same_columns(warehouse):
    """No campaign yet (no plan, no exports): the verdict step writes an empty table whose columns
    have the types they have with verdicts, so queries and the published copy work the same."""
    from pipeline.verdicts.thresholds import VerdictThresholds
    from pipeline.verdicts.verdicts import compute_verdicts, write_verdicts

    con = duckdb.connect(str(warehouse))
    try:
        schemas = []
        for emptied in (False, True):
            if emptied:
                con.execute("DELETE FROM marts.campaign_performance")
            verdicts = compute_verdicts(con, VerdictThresholds(), AS_OF, "last_touch")
            assert (write_verdicts(con, verdicts) == 0) == emptied
            schemas.append(con.execute("DESCRIBE marts.campaign_verdicts").fetchall())
            rows = con.execute("SELECT count(*) FROM marts.campaign_verdicts "
                               "WHERE verdict = 'vanity' AND as_of <= DATE '2030-01-01'").fetchone()
            assert (rows[0] == 0) == emptied
    finally:
        con.close()
    assert schemas[1] == schemas[0]


def test_unique_combination_of_columns_finds_each_repeated_key_and_only_those(warehouse,
                                                                             tmp_path):
    """The uniqueness test groups by a hash of the key first: planted repeats (one with a NULL
    in the key, which compares equal as in GROUP BY) must each be reported, once, and nothing
    else; a clean table passes."""
    select = ["--select", "unattributed,test_name:unique_combination_of_columns"]

    def failures() -> int:
        result = _dbt(["test", *select], warehouse, tmp_path)
        (test,) = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
        assert (result.returncode == 0) == (test["failures"] == 0), result.stdout[-2000:]
        return test["failures"]

    assert failures() == 0
    con = duckdb.connect(str(warehouse))
    try:
        for record_type in ("post", "lead"):  # a post's touch is NULL, a lead's is not
            con.execute("INSERT INTO marts.unattributed SELECT * FROM marts.unattributed "
                        "WHERE record_type = ? LIMIT 1", [record_type])
        assert con.execute("SELECT count(*) FROM marts.unattributed WHERE record_type = 'post' "
                           "AND touch IS NULL").fetchone()[0] > 0
    finally:
        con.close()
    assert failures() == 2


def test_verdicts_do_not_depend_on_the_order_of_the_performance_rows(warehouse):
    """The prior is fitted over the whole portfolio: read in another row order (a full and an
    incremental build leave campaign_performance in different orders), every number of every
    verdict must come out the same, to the last bit."""
    from pipeline.verdicts.thresholds import VerdictThresholds
    from pipeline.verdicts.verdicts import compute_verdicts

    con = duckdb.connect(str(warehouse))
    try:
        verdicts = []
        for order in ("ASC", "DESC"):
            con.execute("CREATE OR REPLACE TABLE marts.campaign_performance AS SELECT * FROM marts."
                        f"campaign_performance ORDER BY campaign_id {order}, platform {order}")
            verdicts.append(compute_verdicts(con, VerdictThresholds(), AS_OF, "last_touch"))
    finally:
        con.close()
    assert len(verdicts[0]) > 20
    assert verdicts[0].equals(verdicts[1])
