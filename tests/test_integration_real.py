"""The whole graph on the real X exports, a campaign plan and a small HubSpot export.

Expected numbers are computed here, independently, from the input files with Python's csv
module: the latest snapshot of each tweet, its likes + replies + retweets, the tweets whose text
carries the plan's hashtag within the campaign's dates.
"""

import csv
import re
import shutil
from datetime import datetime

import duckdb
import pytest

pytestmark = pytest.mark.integration

PLAN = """campaign_id,campaign_name,utm_campaign,hashtag,channel,start_date,end_date,budget,currency
C1,R stats H1,rstats_h1,#rstats,organic,2021-01-01,2021-06-30,1000,EUR
C2,R stats H2,rstats_h2,#rstats,organic,2021-07-01,2021-12-31,1000,EUR
C3,Never posted,never_posted,,organic,2021-03-01,2021-03-31,500,EUR
"""
CONTACTS = """Record ID,First Name,Last Name,Email,Phone Number,Create Date,Lifecycle Stage,Lead Status,Original Source,Original Source Drill-Down 1,Original Source Drill-Down 2,Latest Source,Latest Source Drill-Down 1,Latest Source Drill-Down 2,Became a Lead Date,Became a Customer Date
101,Giulia,Rossi,giulia.rossi@example.com,+39 333 111 2222,2021-02-03 10:00,lead,New,Organic Social,Twitter,rstats_h1,Organic Social,Twitter,rstats_h1,2021-02-03 10:00,
102,John,Smith,JOHN.SMITH@example.com ,(555) 123-4567,2021-03-04 11:30,customer,,Organic Social,Twitter,rstats_h1,Organic Social,Twitter,R Stats H1,2021-03-04 11:30,2021-04-01 09:00
103,Anna,Bianchi,anna@example.com,,2021-08-09 09:15,lead,,Organic Search,,,Organic Social,Twitter,rstats_h2,2021-08-09 09:15,
104,Mario,Verdi,mario@example.com,,2021-05-05 12:00,lead,,Direct Traffic,,,Direct Traffic,,,2021-05-05 12:00,
"""
HASHTAG = re.compile(r"(^|[^\w])#rstats($|[^\w])", re.IGNORECASE)


def _expected_engagements(x_dir):
    latest = {}
    for path in sorted(x_dir.glob("*.csv")):
        exported = re.findall(r"_(\d{8})_(\d{8})_", path.name)[0][1]
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                key = row["Tweet id"]
                if key not in latest or latest[key][0] < exported:
                    latest[key] = (exported, row)
    totals = {"C1": 0, "C2": 0}
    everything = 0
    for _, row in latest.values():
        engagement = sum(int(float(row[c])) for c in ("likes", "replies", "retweets"))
        everything += engagement
        when = datetime.strptime(row["time"], "%Y-%m-%d %H:%M %z").date()
        if HASHTAG.search(row["Tweet text"]):
            totals["C1" if when.month <= 6 else "C2"] += engagement
    return totals, everything, len(latest)


@pytest.fixture(scope="module")
def run(tmp_path_factory, real_fixtures, dbt_manifest):
    tmp = tmp_path_factory.mktemp("real")
    raw = tmp / "raw"
    shutil.copytree(real_fixtures / "x", raw / "x")
    (raw / "plan").mkdir()
    (raw / "plan" / "campaigns.csv").write_text(PLAN, encoding="utf-8")
    (raw / "hubspot").mkdir()
    (raw / "hubspot" / "hubspot-crm-exports-all-contacts-2021-12-31.csv").write_text(
        CONTACTS, encoding="utf-8")
    # the same X export dropped again under another name must not count twice
    shutil.copy(raw / "x" / "tweet_activity_metrics_rOpenSci_20210101_20210201_en.csv",
                raw / "copy_of_january.csv")
    mp = pytest.MonkeyPatch()
    for env, value in {"VF_RAW_DIR": raw, "VF_WAREHOUSE": tmp / "wh" / "w.duckdb",
                       "VF_MARTS_DIR": tmp / "marts", "VF_KEY_FILE": tmp / "key"}.items():
        mp.setenv(env, str(value))
    from pipeline.definitions import defs

    result = defs.resolve_job_def("vanity_funnel").execute_in_process(raise_on_error=False)
    yield tmp, result
    mp.undo()


def test_run_succeeds_and_publishes(run):
    tmp, result = run
    assert result.success
    marts = tmp / "marts"
    assert (marts / "marts.duckdb").exists()
    assert (marts / "campaign_performance.parquet").exists()
    assert not list(marts.glob(".*.tmp")), "temporary files left behind"


def test_the_first_run_records_every_day_of_the_funnel_as_a_partition(run):
    import dagster as dg

    tmp, result = run
    key = dg.AssetKey(["marts", "fct_campaign_funnel_daily"])
    recorded = {e.event_specific_data.materialization.partition
                for e in result.get_asset_materialization_events()
                if e.asset_key == key and e.event_specific_data.materialization.partition}
    con = duckdb.connect(str(tmp / "wh" / "w.duckdb"), read_only=True)
    days = {str(r[0]) for r in con.execute(
        "SELECT DISTINCT activity_date FROM marts.fct_campaign_funnel_daily").fetchall()}
    con.close()
    assert days and recorded == days


def test_engagements_per_campaign_equal_the_input_files(run, real_fixtures):
    tmp, _ = run
    expected, _, _ = _expected_engagements(real_fixtures / "x")
    con = duckdb.connect(str(tmp / "marts" / "marts.duckdb"), read_only=True)
    got = dict(con.execute("""
        SELECT campaign_id, engagements FROM campaign_performance
        WHERE platform = 'all' AND attribution_model = 'last_touch'""").fetchall())
    assert got["C1"] == expected["C1"] and got["C2"] == expected["C2"]
    assert got["C3"] == 0
    assert expected["C1"] > 0 and expected["C2"] > 0


def test_leads_follow_last_touch_by_utm_or_campaign_name(run):
    tmp, _ = run
    con = duckdb.connect(str(tmp / "marts" / "marts.duckdb"), read_only=True)
    leads = dict(con.execute("""
        SELECT campaign_id, leads FROM campaign_performance
        WHERE platform = 'all' AND attribution_model = 'last_touch'""").fetchall())
    # 101 by utm, 102 by the campaign's name in another spelling; 103 is H2's; 104 is nobody's
    assert leads == {"C1": 2, "C2": 1, "C3": 0}


def test_every_tweet_loaded_once_and_duplicate_file_skipped(run, real_fixtures):
    tmp, _ = run
    _, _, n_tweets = _expected_engagements(real_fixtures / "x")
    con = duckdb.connect(str(tmp / "wh" / "w.duckdb"), read_only=True)
    files = con.execute("SELECT path, status, rows_read, rows_loaded, rows_rejected "
                        "FROM raw._files ORDER BY path").fetchall()
    statuses = {p: s for p, s, *_ in files}
    assert statuses["copy_of_january.csv"] == "duplicate"
    assert sum(1 for s in statuses.values() if s == "loaded") == 13  # 11 X + plan + contacts
    assert con.execute("SELECT count(DISTINCT post_id) FROM raw.x_posts").fetchone()[0] == n_tweets
    for path, status, read, loaded, rejected in files:
        if status == "loaded":
            assert read == loaded + rejected, path


def test_no_personal_data_in_warehouse_or_marts(run):
    tmp, _ = run
    needles = ["giulia.rossi@example.com", "john.smith@example.com", "333 111 2222",
               "Giulia", "Rossi", "Bianchi", "555) 123"]
    for db in (tmp / "wh" / "w.duckdb", tmp / "marts" / "marts.duckdb"):
        con = duckdb.connect(str(db), read_only=True)
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        for schema, table in tables:
            text = con.execute(f'SELECT string_agg(CAST(t AS VARCHAR), \'|\') '
                               f'FROM "{schema}"."{table}" AS t').fetchone()[0] or ""
            for needle in needles:
                assert needle.lower() not in text.lower(), f"{needle} found in {schema}.{table}"
        con.close()


def test_readme_example_queries_run_on_the_publication(run):
    from pipeline.config import PROJECT_DIR

    tmp, _ = run
    sql = (PROJECT_DIR / "docs" / "example_queries.sql").read_text(encoding="utf-8")
    queries = [q for q in sql.split(";\n") if "SELECT" in q]
    assert len(queries) == 5
    con = duckdb.connect(str(tmp / "marts" / "marts.duckdb"), read_only=True)
    for query in queries:
        con.execute(query).fetchall()
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    for query in queries:  # the README shows the same five questions
        first_line = next(ln for ln in query.strip().splitlines() if ln.startswith("SELECT"))
        assert first_line in readme


def _table_hashes(db):
    con = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in con.execute("SHOW TABLES").fetchall() if r[0] != "_publication"]
    out = {t: con.execute(f'SELECT count(*), sum(hash(t)) FROM "{t}" AS t').fetchone()
           for t in tables}
    con.close()
    return out


def test_rerun_on_the_same_inputs_changes_nothing(run):
    tmp, _ = run
    before = _table_hashes(tmp / "marts" / "marts.duckdb")
    from pipeline.definitions import defs

    mp = pytest.MonkeyPatch()
    for env, value in {"VF_RAW_DIR": tmp / "raw", "VF_WAREHOUSE": tmp / "wh" / "w.duckdb",
                       "VF_MARTS_DIR": tmp / "marts", "VF_KEY_FILE": tmp / "key"}.items():
        mp.setenv(env, str(value))
    try:
        assert defs.resolve_job_def("vanity_funnel").execute_in_process().success
    finally:
        mp.undo()
    assert _table_hashes(tmp / "marts" / "marts.duckdb") == before


def test_a_run_killed_mid_way_keeps_the_last_publication_and_the_next_completes(run):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    tmp, _ = run
    before = _table_hashes(tmp / "marts" / "marts.duckdb")
    # a new export arrives: a March file re-downloaded later with more likes on one tweet
    src = tmp / "raw" / "x" / "tweet_activity_metrics_rOpenSci_20210301_20210401_en.csv"
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["likes"] = str(float(rows[0]["likes"]) + 5)
    newer = tmp / "raw" / "x" / "tweet_activity_metrics_rOpenSci_20210301_20210415_en.csv"
    with newer.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)
    home = tmp / "dagster_home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "VF_RAW_DIR": str(tmp / "raw"),
           "VF_WAREHOUSE": str(tmp / "wh" / "w.duckdb"), "VF_MARTS_DIR": str(tmp / "marts"),
           "VF_KEY_FILE": str(tmp / "key"), "DAGSTER_HOME": str(home)}
    dagster = str(Path(sys.executable).parent / "dagster")
    cmd = [dagster, "job", "execute", "-m", "pipeline.definitions", "-j", "vanity_funnel"]
    for moment in (6, 14):  # during start-up/ingest, then during the checks or dbt
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(moment)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole tree: dagster and a running dbt
        proc.wait()
        assert _table_hashes(tmp / "marts" / "marts.duckdb") == before
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    after = _table_hashes(tmp / "marts" / "marts.duckdb")
    assert after != before  # the new export made it through
    con = duckdb.connect(str(tmp / "wh" / "w.duckdb"), read_only=True)
    statuses = dict(con.execute("SELECT path, status FROM raw._files").fetchall())
    assert statuses["x/tweet_activity_metrics_rOpenSci_20210301_20210415_en.csv"] == "loaded"


def test_verdict_thresholds_are_overridden_from_run_config(run):
    import json

    import dagster as dg

    tmp, _ = run
    from pipeline.definitions import defs

    mp = pytest.MonkeyPatch()
    for env, value in {"VF_RAW_DIR": tmp / "raw", "VF_WAREHOUSE": tmp / "wh" / "w.duckdb",
                       "VF_MARTS_DIR": tmp / "marts", "VF_KEY_FILE": tmp / "key"}.items():
        mp.setenv(env, str(value))
    try:
        result = defs.resolve_job_def("vanity_funnel").execute_in_process(
            run_config={"ops": {"marts__campaign_verdicts": {"config": {
                "confidence": 0.97, "min_engagements": 50, "as_of": "2022-06-30"}}}},
            asset_selection=[dg.AssetKey(["marts", "campaign_verdicts"])])
    finally:
        mp.undo()
    assert result.success
    con = duckdb.connect(str(tmp / "wh" / "w.duckdb"), read_only=True)
    rows = con.execute("SELECT DISTINCT thresholds, as_of FROM marts.campaign_verdicts").fetchall()
    assert len(rows) == 1
    thresholds = json.loads(rows[0][0])
    assert thresholds["confidence"] == 0.97 and thresholds["min_engagements"] == 50
    assert str(rows[0][1])[:10] == "2022-06-30"


def test_a_failing_blocking_check_stops_the_run_before_publishing(run):
    """Run last in this module: it tampers with the warehouse, then puts it back."""
    import dagster as dg

    from pipeline.definitions import defs

    tmp, _ = run
    before = _table_hashes(tmp / "marts" / "marts.duckdb")
    wh = tmp / "wh" / "w.duckdb"
    con = duckdb.connect(str(wh))  # a row nobody read from any file: rows no longer reconcile
    con.execute("INSERT INTO raw.x_posts SELECT * FROM raw.x_posts LIMIT 1")
    con.close()
    mp = pytest.MonkeyPatch()
    for env, value in {"VF_RAW_DIR": tmp / "raw", "VF_WAREHOUSE": wh,
                       "VF_MARTS_DIR": tmp / "marts", "VF_KEY_FILE": tmp / "key"}.items():
        mp.setenv(env, str(value))
    try:
        result = defs.resolve_job_def("vanity_funnel").execute_in_process(raise_on_error=False)
    finally:
        mp.undo()
        con = duckdb.connect(str(wh))
        con.execute("DELETE FROM raw.x_posts WHERE rowid = (SELECT max(rowid) FROM raw.x_posts)")
        con.close()
    checks = {(e.asset_check_evaluation_data.asset_check_key.asset_key.path[-1],
               e.asset_check_evaluation_data.asset_check_key.name):
              e.asset_check_evaluation_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks[("x_posts", "rows_reconcile")] is False
    assert checks[("hubspot_contacts", "rows_reconcile")] is True
    materialized = {e.asset_key for e in result.all_events
                    if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert dg.AssetKey(["published", "marts"]) not in materialized
    assert dg.AssetKey(["marts", "campaign_verdicts"]) not in materialized
    assert _table_hashes(tmp / "marts" / "marts.duckdb") == before


def test_make_backfill_rebuilds_exactly_its_days_and_republishes(run):
    """`make backfill FROM TO` (the Dagster CLI with a partition range, as the UI's backfill
    launches it) rebuilds the daily funnel's days in the range, leaves the others, publishes."""
    import os
    import subprocess

    from pipeline.config import PROJECT_DIR

    tmp, _ = run
    wh = tmp / "wh" / "w.duckdb"
    con = duckdb.connect(str(wh))
    days = [r[0] for r in con.execute("SELECT DISTINCT activity_date FROM "
                                      "marts.fct_campaign_funnel_daily ORDER BY 1").fetchall()]
    inside, outside = days[len(days) // 2], days[0]
    flip = ("UPDATE marts.fct_campaign_funnel_daily SET has_fx_missing = NOT has_fx_missing "
            "WHERE activity_date IN (?, ?)")
    con.execute(flip, [inside, outside])
    con.close()
    home = tmp / "dagster_home_backfill"
    home.mkdir()
    env = {**os.environ, "VF_RAW_DIR": str(tmp / "raw"), "VF_WAREHOUSE": str(wh),
           "VF_MARTS_DIR": str(tmp / "marts"), "VF_KEY_FILE": str(tmp / "key"),
           "DAGSTER_HOME": str(home), "FROM": str(inside), "TO": str(inside)}
    done = subprocess.run(["make", "--no-print-directory", "backfill"], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"rebuilding the days {inside} to {inside}" in done.stdout + done.stderr
    flags = ("SELECT activity_date, bool_or(has_fx_missing) FROM marts.fct_campaign_funnel_daily "
             "WHERE activity_date IN (?, ?) GROUP BY 1 ORDER BY 1")
    con = duckdb.connect(str(wh), read_only=True)
    # no FX is missing in this data: the backfilled day is rebuilt (False), the other is not
    assert con.execute(flags, [inside, outside]).fetchall() == [(outside, True), (inside, False)]
    con.close()
    published = duckdb.connect(str(tmp / "marts" / "marts.duckdb"), read_only=True)
    assert published.execute(flags.replace("marts.", ""), [inside, outside]).fetchall() == \
        [(outside, True), (inside, False)]
    published.close()
    con = duckdb.connect(str(wh))
    con.execute("UPDATE marts.fct_campaign_funnel_daily SET has_fx_missing = false "
                "WHERE activity_date = ?", [outside])
    con.close()


def test_a_nightly_run_after_a_new_export_reaches_the_marts(run):
    """The nightly selection (a new X export: its source and what is downstream, nothing else)
    on the warehouse of the full run: the new tweet is matched (an incremental model), counted
    in its campaign, the blocking reconciliation tests pass and the marts are published."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.ops.schedules import JOB, nightly_request

    tmp, _ = run
    source = sorted((tmp / "raw" / "x").glob("*.csv"))[0]
    header = source.read_text(encoding="utf-8").splitlines()[0]
    columns = next(csv.reader([header]))
    row = dict.fromkeys(columns, "0")
    row |= {"Tweet id": "999000000000000001", "Tweet permalink": "https://x.com/r/999",
            "Tweet text": "A new #rstats tutorial", "time": "2021-03-15 10:00 +0000",
            "impressions": "100", "likes": "7", "replies": "2", "retweets": "1"}
    late = tmp / "raw" / "x" / "tweet_activity_metrics_rOpenSci_20210315_20210316_en.csv"
    with late.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        writer.writerow([row[c] for c in columns])
    mp = pytest.MonkeyPatch()
    for env, value in {"VF_RAW_DIR": tmp / "raw", "VF_WAREHOUSE": tmp / "wh" / "w.duckdb",
                       "VF_MARTS_DIR": tmp / "marts", "VF_KEY_FILE": tmp / "key"}.items():
        mp.setenv(env, str(value))
    query = ("SELECT sum(engagements) FROM campaign_performance WHERE campaign_id = 'C1' "
             "AND platform = 'all' AND attribution_model = 'last_touch'")
    published = tmp / "marts" / "marts.duckdb"
    try:
        before = duckdb.connect(str(published), read_only=True).execute(query).fetchone()[0]
        request = nightly_request(defs.resolve_asset_graph())
        assert request.tags["formats"] == "x_posts"
        result = defs.resolve_job_def(JOB).execute_in_process(
            asset_selection=request.asset_selection, raise_on_error=False)
    finally:
        mp.undo()
        late.unlink()
    assert result.success
    checks = [e.event_specific_data for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert checks and all(c.passed for c in checks if c.severity == dg.AssetCheckSeverity.ERROR)
    ran = {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert dg.AssetKey(["intermediate", "int_posts_matched_to_campaigns"]) in ran
    assert dg.AssetKey(["staging", "stg_hubspot__contacts"]) not in ran
    after = duckdb.connect(str(published), read_only=True).execute(query).fetchone()[0]
    assert after == before + 10
