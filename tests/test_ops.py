"""Schedules, sensors and alerts: the new-file sensor starts a run for just what changed."""

import shutil

import dagster as dg
import pytest

from pipeline.ops.watch import alert, changed, snapshot


@pytest.fixture(scope="module")
def repo(dbt_manifest):
    from pipeline.definitions import defs

    return defs.get_repository_def()


X_HEADER = '"Tweet id","Tweet permalink","Tweet text","time","impressions","likes"\n'


def test_sensor_runs_only_the_affected_sources_and_downstream(settings, repo):
    from pipeline.ops.schedules import new_exports_sensor

    (settings.raw_dir / "x").mkdir()
    (settings.raw_dir / "x" / "tweets.csv").write_text(
        X_HEADER + '"1","u","hello #a","2026-05-01 10:00 +0000","10.0","2.0"\n')
    context = dg.build_sensor_context(repository_def=repo)
    # evaluate as the daemon does: run requests must name a target the definitions hold
    tick = new_exports_sensor.evaluate_tick(context)
    (request,) = tick.run_requests
    assert new_exports_sensor.job_name == "vanity_funnel"
    keys = set(request.asset_selection)
    assert dg.AssetKey(["raw", "x_posts"]) in keys
    assert dg.AssetKey(["raw", "files"]) in keys
    assert dg.AssetKey(["staging", "stg_x__posts"]) in keys
    assert dg.AssetKey(["published", "marts"]) in keys
    assert dg.AssetKey(["raw", "hubspot_contacts"]) not in keys
    assert dg.AssetKey(["staging", "stg_hubspot__contacts"]) not in keys
    assert request.tags["formats"] == "x_posts"

    # nothing new since the cursor: no run
    again = dg.build_sensor_context(repository_def=repo, cursor=tick.cursor)
    assert new_exports_sensor.evaluate_tick(again).run_requests == []

    # a CRM export dropped later: its source, not X
    shutil.copy(settings.raw_dir / "x" / "tweets.csv", settings.raw_dir / "x" / "tweets.csv.bak")
    (settings.raw_dir / "contacts.csv").write_text(
        "Record ID,First Name,Email,Create Date,Lifecycle Stage\n1,Ann,a@b.it,2026-05-01,lead\n")
    later = dg.build_sensor_context(repository_def=repo, cursor=tick.cursor)
    keys = set(new_exports_sensor.evaluate_tick(later).run_requests[0].asset_selection)
    assert dg.AssetKey(["raw", "hubspot_contacts"]) in keys
    assert dg.AssetKey(["raw", "x_posts"]) not in keys


def test_nightly_runs_what_new_exports_affect_and_skips_when_nothing_changed(settings, repo):
    from pipeline.ingest.load import connect, inventory, load_pending
    from pipeline.ops.schedules import nightly_request

    (settings.raw_dir / "x").mkdir()
    (settings.raw_dir / "x" / "tweets.csv").write_text(
        X_HEADER + '"1","u","hello #a","2026-05-01 10:00 +0000","10.0","2.0"\n')
    first = nightly_request(repo.asset_graph)  # no warehouse yet: everything
    assert isinstance(first, dg.RunRequest) and first.asset_selection is None
    con = connect(settings)
    inventory(con, settings, progress=lambda _: None)
    load_pending(con, settings, "x_posts", progress=lambda _: None)
    con.close()
    assert isinstance(nightly_request(repo.asset_graph), dg.SkipReason)  # nothing new

    (settings.raw_dir / "contacts.csv").write_text(
        "Record ID,First Name,Email,Create Date,Lifecycle Stage\n1,Ann,a@b.it,2026-05-01,lead\n")
    request = nightly_request(repo.asset_graph)
    keys = set(request.asset_selection)
    assert request.tags["formats"] == "hubspot_contacts"
    assert {dg.AssetKey(["raw", "hubspot_contacts"]), dg.AssetKey(["published", "marts"]),
            dg.AssetKey(["marts", "fct_campaign_funnel_daily"])} <= keys
    assert dg.AssetKey(["raw", "x_posts"]) not in keys

    # inventoried but not loaded (a run killed mid-way): still waiting
    con = connect(settings)
    inventory(con, settings, progress=lambda _: None)
    con.close()
    assert nightly_request(repo.asset_graph).tags["formats"] == "hubspot_contacts"

    schedule = repo.get_schedule_def("nightly")
    assert schedule.execution_timezone == settings.reporting_timezone
    assert schedule.cron_schedule == "30 3 * * *"


def test_snapshot_notices_changed_size_or_time(settings):
    f = settings.raw_dir / "a.csv"
    f.write_text("x\n")
    before = snapshot(settings.raw_dir)
    assert changed(before, snapshot(settings.raw_dir)) == []
    f.write_text("x,y\n")
    assert changed(before, snapshot(settings.raw_dir)) == ["a.csv"]


def test_alert_line_is_written_without_personal_data(tmp_path):
    log = tmp_path / "logs" / "alerts.log"
    line = alert(log, "run 42 failed loading giulia.rossi@example.com, +39 333 123 4567")
    text = log.read_text()
    assert text.endswith("\n") and line in text
    assert "ALERT run 42 failed" in text
    assert "giulia.rossi@example.com" not in text and "333 123 4567" not in text


def test_transient_failures_are_retried_where_io_happens(repo):
    for key in (["raw", "files"], ["raw", "x_posts"], ["published", "marts"]):
        policy = repo.assets_defs_by_key[dg.AssetKey(key)].op.retry_policy
        assert policy is not None and policy.max_retries >= 2, key


def test_the_kept_open_event_log_records_what_dagsters_own_storage_reads(tmp_path, monkeypatch):
    """dagster.yaml's event log keeps its SQLite connections open; every event it stores must be
    what Dagster's stock SQLite storage (the UI of an instance without our class) reads back."""
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from pipeline.config import PROJECT_DIR
    from pipeline.ops.event_log import OPEN_DATABASES, KeptOpenSqliteEventLogStorage

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT_DIR / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    @dg.asset
    def numbers() -> int:
        return 3

    @dg.asset_check(asset=numbers)
    def positive() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
        runs = [dg.materialize([numbers, positive], instance=instance).run_id
                for _ in range(OPEN_DATABASES + 2)]  # more runs than databases kept open
        kept_logs = [len(instance.all_logs(run_id)) for run_id in runs]

    stock = SqliteEventLogStorage(str(home / "history" / "runs"))
    for run_id, kept in zip(runs, kept_logs, strict=True):
        logs = stock.get_logs_for_run(run_id)
        assert len(logs) == kept
        types = {log.dagster_event.event_type for log in logs if log.dagster_event}
        assert {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.ASSET_MATERIALIZATION,
                dg.DagsterEventType.ASSET_CHECK_EVALUATION} <= types
    # the cross-run index: the newest materialization and check evaluation are those of the last run
    latest = stock.get_latest_materialization_events([dg.AssetKey("numbers")])
    assert latest[dg.AssetKey("numbers")].run_id == runs[-1]
    check_key = dg.AssetCheckKey(dg.AssetKey("numbers"), "positive")
    assert stock.get_latest_asset_check_execution_by_key([check_key])[check_key].run_id == runs[-1]

    with dg.DagsterInstance.get() as instance:  # wiping closes the kept connections first
        instance.all_logs(runs[-1])
        instance.wipe()
        assert not (home / "history" / "runs" / f"{runs[-1]}.db").exists()
        after = dg.materialize([numbers, positive], instance=instance).run_id
        assert [run.run_id for run in instance.get_runs()] == [after]
    assert len(SqliteEventLogStorage(str(home / "history" / "runs")).get_logs_for_run(after)) > 5
